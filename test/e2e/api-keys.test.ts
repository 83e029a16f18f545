import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminAccount, screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/** API keys in the dashboard: created in the UI, used by a program, revoked in the UI and refused from then on. */
let stack: Stack;
const ADMIN = 'keys-admin@example.test';

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'Key Admin');
});

afterAll(async () => {
  await stack?.stop();
});

const call = (secret: string, method = 'GET', path = '/api/auth/me') =>
  fetch(`${stack.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: method === 'GET' ? undefined : JSON.stringify({ name: 'x', scope: 'read' }) });

describe('API keys page', () => {
  it('creates a key shown once, which a program can use until it is revoked in the UI', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'API keys' }).first().click();
    await expectHeading(page, 'API keys');
    await page.getByText('No API keys yet').waitFor();

    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Name/).fill('Reporting script');
    await dialog.getByRole('radio', { name: /Read only/ }).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const secret = (await dialog.getByLabel('New API key').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^ofl_[0-9A-Za-z]{40}$/);
    await dialog.getByRole('button', { name: 'Copy API key' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await screenshots(page, 'api-keys-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });

    const row = page.getByRole('row', { name: /Reporting script/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(`${secret.slice(0, 12)}…`);
    expect(await page.content()).not.toContain(secret);

    const me = await call(secret);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(ADMIN);
    // A read key writes nothing, and no key creates keys.
    expect((await call(secret, 'POST', '/api/api-keys')).status).toBe(403);
    await page.reload();
    await page.getByRole('row', { name: /Reporting script/ }).waitFor();
    await screenshots(page, 'api-keys-list');

    await page.getByRole('button', { name: 'Revoke Reporting script' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('No API keys yet').waitFor();
    const refused = await call(secret);
    expect(refused.status).toBe(401);
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });
});
