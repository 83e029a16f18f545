import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignDoc } from '../../backend/src/db/models/campaign';
import { createAdminAccount, eventually, PASSWORD, PHONE, horizontalOverflow, screenshots, startStack, type Stack } from './harness';
import { approveAccount, downloadCsv, expectHeading, signIn } from './steps';

/**
 * User administration in the dashboard: an admin suspends and reinstates an
 * advertiser with notes, gives it a password-reset code its owner uses, and
 * creates a campaign on its behalf; the advertiser changes its password and
 * signs out its other sessions.
 */
let stack: Stack;
const ADMIN = 'users-admin@example.test';
const ADV = { email: 'acme-owner@example.test', name: 'Acme Owner' };
const RESET_PASSWORD = 'marble kettle orchestra 31';
const OWN_PASSWORD = 'lantern pebble voyage 58';

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'Users Admin');
});

afterAll(async () => {
  await stack?.stop();
});

const api = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  fetch(`${stack.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

const campaignBody = { name: 'Probe', destinationUrl: 'https://shop.example.com/?c={click_id}', payoutModel: 'CPA', revenueCents: 500, payoutCents: 300 };

describe('user administration', () => {
  it('suspend and reinstate with notes, a reset code, own password, other sessions, and a campaign made for the advertiser', async () => {
    const registered = await api('/api/auth/register', { method: 'POST', body: { ...ADV, password: PASSWORD, role: 'advertiser', company: 'Acme' } });
    expect(registered.status).toBe(201);
    const advId = ((await registered.json()) as { user: { id: string } }).user.id;
    const advToken = ((await (await api('/api/auth/login', { method: 'POST', body: { email: ADV.email, password: PASSWORD } })).json()) as { token: string }).token;

    const admin = await stack.newSession();
    const a = admin.page;
    await signIn(a, ADMIN);
    await approveAccount(a, ADV.name, 'Welcome');

    // Search by exact email: the filter is in the address, so the link can be shared.
    await a.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Any status' }).click();
    await a.getByLabel('Search users').fill(ADV.email);
    await eventually('search in the URL', () => new URL(a.url()).searchParams.get('q') === ADV.email);
    const row = a.getByRole('row', { name: new RegExp(ADV.name) });
    await row.waitFor();

    await a.getByRole('button', { name: `Suspend ${ADV.name}` }).click();
    let dialog = a.getByRole('dialog');
    await dialog.getByLabel(/Note/).fill('Chargebacks under review');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Chargebacks under review').waitFor();
    await a.getByRole('button', { name: `Reinstate ${ADV.name}` }).waitFor();
    expect((await api('/api/campaigns', { method: 'POST', token: advToken, body: campaignBody })).status).toBe(403);
    await screenshots(a, 'users-suspended');

    await a.getByRole('button', { name: `Reinstate ${ADV.name}` }).click();
    dialog = a.getByRole('dialog');
    await dialog.getByLabel(/Note/).fill('Cleared by finance');
    await dialog.getByRole('button', { name: 'Reinstate' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Cleared by finance').waitFor();
    expect((await api('/api/campaigns', { method: 'POST', token: advToken, body: campaignBody })).status).toBe(201);

    // The list as CSV, with the filters applied.
    const csv = await downloadCsv(a);
    expect(csv.text).toContain(ADV.email);
    expect(csv.text).toContain('Cleared by finance');

    // The shared address opens the same filtered list.
    const shared = a.url();
    await a.goto(shared);
    await a.getByRole('row', { name: new RegExp(ADV.name) }).waitFor();
    expect(await a.getByLabel('Search users').inputValue()).toBe(ADV.email);

    // A one-time reset code, shown once.
    await a.getByRole('button', { name: `Reset password of ${ADV.name}` }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Create code' }).click();
    const codeDialog = a.getByRole('dialog', { name: `Reset code for ${ADV.name}` });
    const code = ((await codeDialog.getByLabel('One-time code').textContent()) ?? '').trim();
    expect(code.length).toBeGreaterThanOrEqual(22);
    await screenshots(a, 'users-reset-code');
    await codeDialog.getByRole('button', { name: 'Done' }).click();
    await codeDialog.waitFor({ state: 'detached' });

    // The owner sets a new password with it; the sessions it had end.
    const owner = await stack.newSession();
    const o = owner.page;
    await o.goto('/signin');
    await o.getByRole('link', { name: 'Set a new password' }).click();
    await o.getByLabel('Email').fill(ADV.email);
    await o.getByLabel('One-time code').fill(code);
    await o.getByLabel('New password').fill(RESET_PASSWORD);
    await o.getByRole('button', { name: 'Set password' }).click();
    await o.getByText('Your new password is set').waitFor();
    expect((await api('/api/auth/me', { token: advToken })).status).toBe(401);
    await signIn(o, ADV.email, RESET_PASSWORD);
    await expectHeading(o, 'Campaigns');

    // Own password, then the other sessions.
    await o.getByRole('link', { name: 'Account' }).first().click();
    await expectHeading(o, 'Account');
    await o.getByLabel('Current password').fill(RESET_PASSWORD);
    await o.getByLabel('New password').fill(OWN_PASSWORD);
    await o.getByRole('button', { name: 'Change password' }).click();
    await o.getByText('Password changed; your other sessions are signed out').waitFor();
    const other = ((await (await api('/api/auth/login', { method: 'POST', body: { email: ADV.email, password: OWN_PASSWORD } })).json()) as { token: string }).token;
    expect((await api('/api/auth/me', { token: other })).status).toBe(200);
    await o.getByRole('button', { name: 'Sign out other sessions' }).click();
    await o.getByRole('dialog').getByRole('button', { name: 'Sign out others' }).click();
    await o.getByText('Your other sessions are signed out').waitFor();
    expect((await api('/api/auth/me', { token: other })).status).toBe(401);
    // This session goes on: a page that reads the API still opens, and a write (CSRF with the new cookie) works.
    await o.getByRole('link', { name: 'Campaigns' }).first().click();
    await expectHeading(o, 'Campaigns');
    await o.getByRole('link', { name: 'Account' }).first().click();
    await o.getByLabel('Current password').fill(OWN_PASSWORD);
    await o.getByLabel('New password').fill(RESET_PASSWORD);
    await o.getByRole('button', { name: 'Change password' }).click();
    await o.getByText('Password changed; your other sessions are signed out').waitFor();
    await screenshots(o, 'account-page');

    // The admin creates a campaign for the advertiser, from its row.
    await a.getByRole('link', { name: `New campaign for ${ADV.name}` }).click();
    await expectHeading(a, 'New campaign for an advertiser');
    expect(await a.getByLabel('Advertiser', { exact: true }).inputValue()).toBe(advId);
    await a.getByLabel('Campaign name').fill('Made for Acme');
    await a.getByRole('radio', { name: /CPA — cost per action/ }).check();
    await a.getByLabel('Revenue per action').fill('12.00');
    await a.getByLabel('Payout per action').fill('8.00');
    await a.getByLabel('Destination URL').fill('https://acme.example.com/?c={click_id}');
    await a.getByRole('button', { name: 'Create campaign' }).click();
    await a.waitForURL(/\/campaigns\/[0-9a-f]{24}$/);
    const campaignId = new URL(a.url()).pathname.split('/').pop()!;
    const stored = (await stack.ctx.models.Campaign.findById(campaignId).lean()) as CampaignDoc | null;
    expect(stored?.advertiserId).toBe(advId);
    expect(stored?.history?.[0]).toMatchObject({ action: 'created', byRole: 'admin', forAdvertiser: advId });
    // The advertiser sees it among its campaigns (a fresh load: its list was read before the admin made it).
    await o.goto('/campaigns');
    await o.getByText('Made for Acme').first().waitFor();

    // The users list at phone width: no sideways scrolling.
    const phone = await stack.newSession({ viewport: PHONE });
    await signIn(phone.page, ADMIN);
    await phone.page.goto(`/users?q=${encodeURIComponent(ADV.email)}`);
    await phone.page.getByRole('button', { name: `Suspend ${ADV.name}` }).waitFor();
    const overflow = await horizontalOverflow(phone.page);
    expect(overflow.scrollWidth, overflow.culprits.join(', ')).toBeLessThanOrEqual(overflow.viewportWidth);
    await screenshots(phone.page, 'users-phone');

    expect(stack.pageErrors).toEqual([]);
    await phone.context.close();
    await owner.context.close();
    await admin.context.close();
  });
});
