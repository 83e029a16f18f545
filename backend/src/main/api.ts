import fs from 'node:fs';
import path from 'node:path';
import { ensureBootstrapAdmin } from '../accounts/accounts';
import { createContext } from '../context';
import { startApiServer } from '../http/server';
import { attachSocketServer } from '../realtime/socket-server';
import { REPO_ROOT } from '../services/paths';
import { startClickTracking } from '../tracking';
import { fatal, loadConfigOrExit, onShutdown, resolveServiceUrls } from './runtime';

/** The API process: REST API, click redirects, postback intake, Socket.IO, and the built dashboard. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const urls = await resolveServiceUrls(config);
  const ctx = await createContext(config, { name: 'api', ...urls });
  const admin = await ensureBootstrapAdmin(ctx);
  if (admin === 'created') ctx.log.info({ email: config.ADMIN_EMAIL }, 'bootstrap admin created');
  const dist = path.join(REPO_ROOT, 'frontend', 'dist');
  const staticDir = config.SERVE_FRONTEND && fs.existsSync(path.join(dist, 'index.html')) ? dist : null;
  const tracking = await startClickTracking(ctx);
  const server = await startApiServer(ctx, {
    port: config.PORT,
    host: config.HOST,
    staticDir,
    fastPaths: [tracking.fastPath],
    attach: (http) => attachSocketServer(ctx, http),
  });
  ctx.log.info({ url: server.url, dashboard: Boolean(staticDir) }, 'api listening');
  onShutdown(async () => {
    await server.close();
    await ctx.close();
  });
}

main().catch(fatal);
