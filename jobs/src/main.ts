import { createContext } from '@offerly/backend/context';
import { fatal, loadConfigOrExit, onShutdown, resolveServiceUrls } from '@offerly/backend/main/runtime';
import { runCli, usage } from './cli';
import { JOBS } from './registry';
import { startScheduler } from './scheduler';

/**
 * `npm run jobs`: the scheduler (also started by `npm start`).
 * `npm run jobs -- <job> [--from … --to …]`: run one job now and exit.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log(usage());
    return;
  }
  const config = loadConfigOrExit();
  const urls = await resolveServiceUrls(config);
  const ctx = await createContext(config, { name: argv.length ? 'jobs-cli' : 'jobs', ...urls });
  if (argv.length) {
    let code = 1;
    try {
      code = await runCli(ctx, argv);
    } catch (err) {
      console.error((err as Error).message);
    } finally {
      await ctx.close();
    }
    process.exit(code);
  }
  const scheduler = await startScheduler(ctx, JOBS);
  ctx.log.info({ tasks: scheduler.tasks }, 'jobs scheduled');
  onShutdown(async () => {
    await scheduler.stop();
    await ctx.close();
  });
}

main().catch(fatal);
