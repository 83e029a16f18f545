import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../context';
import type { FastPath } from '../tracking/fast-path';
import { createApiApp, type ApiApp } from './app';
import type { RouteSpec } from './routes/types';

export interface ApiServer {
  server: http.Server;
  api: ApiApp;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(
  ctx: AppContext,
  opts: { port: number; host: string; fastPaths?: FastPath[]; extraRoutes?: RouteSpec[]; staticDir?: string | null; attach?: (server: http.Server) => Promise<() => Promise<void>> },
): Promise<ApiServer> {
  const api = createApiApp(ctx, { extraRoutes: opts.extraRoutes ?? [], staticDir: opts.staticDir ?? null });
  const fast = opts.fastPaths ?? [];
  const server = http.createServer((req, res) => {
    for (const f of fast) if (f.handle(req, res)) return;
    api.app(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const detach = opts.attach ? await opts.attach(server) : null;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host === '0.0.0.0' || opts.host === '127.0.0.1' ? 'localhost' : opts.host;
  let closing: Promise<void> | null = null;
  return {
    server,
    api,
    port,
    url: `http://${shownHost}:${port}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (detach) await detach();
        for (const f of fast) await f.close?.();
        const timer = setTimeout(() => server.closeAllConnections(), 5000);
        await closed;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
