import fs from 'node:fs';
import path from 'node:path';
import { ensureBootstrapAdmin } from '../accounts/accounts';
import { createContext } from '../context';
import { REPO_ROOT } from '../services/paths';
import { startApiStack } from './api-stack';
import { fatal, loadConfigOrExit, onShutdown, resolveServiceUrls } from './runtime';

/** The API process: REST API, click redirects, postback intake, Socket.IO, and the built dashboard. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const urls = await resolveServiceUrls(config);
  const ctx = await createContext(config, { name: 'api', ...urls });
  const admin = await ensureBootstrapAdmin(ctx);
  if (admin === 'created') ctx.log.info({ email: config.ADMIN_EMAIL }, 'bootstrap admin created');
  if (admin === 'not_admin') ctx.log.warn({ email: config.ADMIN_EMAIL }, 'ADMIN_EMAIL belongs to an account that is not an admin; no admin was created');
  const dist = path.join(REPO_ROOT, 'frontend', 'dist');
  const staticDir = config.SERVE_FRONTEND && fs.existsSync(path.join(dist, 'index.html')) ? dist : null;
  const server = await startApiStack(ctx, { port: config.PORT, host: config.HOST, staticDir });
  ctx.log.info({ url: server.url, dashboard: Boolean(staticDir) }, 'api listening');
  onShutdown(async () => {
    await server.close();
    await ctx.close();
  });
}

main().catch(fatal);
