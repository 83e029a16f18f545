import { createContext } from '../../src/context';
import { loadConfigOrExit, resolveServiceUrls } from '../../src/main/runtime';
import { updatePlatformSettings } from '../../src/settings/update-settings';

/**
 * A process that saves one platform settings change as an admin's request
 * would (settings-audit-crash.test.ts kills it at a fault point). Arguments:
 * the admin's id and the patch as JSON.
 */
const [adminId, patch] = process.argv.slice(2);
const config = loadConfigOrExit();
const ctx = await createContext(config, { name: 'settings-save', ...(await resolveServiceUrls(config)) });
await updatePlatformSettings(ctx, { audit: { id: adminId!, role: 'admin', via: 'cookie' }, ip: '203.0.113.9' }, JSON.parse(patch!));
console.log('settings saved');
await ctx.close();
process.exit(0);
