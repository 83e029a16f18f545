import { createContext } from '@offerly/backend/context';
import { fatal, loadConfigOrExit, resolveServiceUrls } from '@offerly/backend/main/runtime';
import { reconcileCli } from './reconcile-cli';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const urls = await resolveServiceUrls(config);
  const ctx = await createContext(config, { name: 'reconcile', ...urls });
  let code = 2;
  try {
    code = await reconcileCli(ctx, process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
  } finally {
    await ctx.close();
  }
  process.exit(code);
}

main().catch(fatal);
