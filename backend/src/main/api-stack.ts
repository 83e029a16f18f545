import type { AppContext } from '../context';
import { startApiServer, type ApiServer } from '../http/server';
import { attachSocketServer } from '../realtime/socket-server';
import { startClickTracking } from '../tracking';

/**
 * Everything an API instance serves: the click fast path, the REST API,
 * Socket.IO and (optionally) the built dashboard. The API process and the
 * browser tests start it the same way.
 */
export async function startApiStack(ctx: AppContext, opts: { port: number; host: string; staticDir: string | null }): Promise<ApiServer> {
  const tracking = await startClickTracking(ctx);
  return startApiServer(ctx, {
    port: opts.port,
    host: opts.host,
    staticDir: opts.staticDir,
    fastPaths: [tracking.fastPath],
    attach: (http) => attachSocketServer(ctx, http),
  });
}
