import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyEmail } from '../../backend/src/accounts/email-keys';
import { hashPassword } from '../../backend/src/auth/passwords';
import { markHoursDirty } from '../../backend/src/db/rollup-dirty';
import { RawEventsBuilder } from '../../backend/test/helpers/raw-events-builder';
import { createAdminAccount, eventually, horizontalOverflow, PASSWORD, PHONE, screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/**
 * What an admin does for advertisers, seen in the dashboard: the advertiser
 * picker finds any approved advertiser (by search, and page by page past the
 * first 25), the campaign's History tab names who changed what on whose
 * behalf (for the admin and for the advertiser), and the audit log names
 * who acted. And the affiliate dashboard at 390 px does not scroll sideways.
 */
let stack: Stack;
const ADMIN = 'polish-admin@example.test';
const TARGET = { email: 'zephyr-owner@example.test', name: 'Zephyr Owner', company: 'Zephyr Goods' };
const FILLERS = 26;
const AFFILIATE = 'phone-affiliate@example.test';
const LONG_NAME = 'Spring Collection Supercalifragilistic Launch Offer Worldwide 2027';

const api = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  fetch(`${stack.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

async function approvedAdvertiser(adminToken: string, a: { email: string; name: string; company?: string }): Promise<string> {
  const res = await api('/api/auth/register', { method: 'POST', body: { ...a, password: PASSWORD, role: 'advertiser' } });
  expect(res.status).toBe(201);
  const id = ((await res.json()) as { user: { id: string } }).user.id;
  expect((await api(`/api/admin/users/${id}/review`, { method: 'POST', token: adminToken, body: { action: 'approve', note: '' } })).status).toBe(200);
  return id;
}

let targetId = '';

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'Polly Admin');
  const adminToken = ((await (await api('/api/auth/login', { method: 'POST', body: { email: ADMIN, password: PASSWORD } })).json()) as { token: string }).token;
  // The advertiser to find is the oldest: the newest 25 approved advertisers are others.
  targetId = await approvedAdvertiser(adminToken, TARGET);
  for (let i = 0; i < FILLERS; i++) await approvedAdvertiser(adminToken, { email: `filler-${i}@example.test`, name: `Filler ${String(i).padStart(2, '0')}` });

  // An affiliate with traffic on a campaign whose name is long.
  const { ctx } = stack;
  const aff = await ctx.models.User.create({ email: AFFILIATE, passwordHash: await hashPassword(PASSWORD), role: 'affiliate', status: 'approved', name: 'Pat Phone', statusHistory: [{ at: new Date(), to: 'approved', note: 'test affiliate' }] });
  await keyEmail(ctx.db, AFFILIATE, aff._id);
  const b = new RawEventsBuilder(ctx);
  const long = await b.campaign({ name: LONG_NAME, currency: 'USD' });
  const short = await b.campaign({ name: 'Short', currency: 'USD' });
  const at = Date.now() - 2 * 3_600_000;
  await b.addClicks([...Array.from({ length: 40 }, (_, i) => ({ at: at + i * 1000, campaign: long, affiliateId: aff._id })), ...Array.from({ length: 5 }, (_, i) => ({ at: at + i * 1000, campaign: short, affiliateId: aff._id }))]);
  await b.addConversions([{ at: at + 100_000, campaign: long, affiliateId: aff._id, status: 'approved', revenueCents: 123_456, payoutCents: 98_765 }]);
  await markHoursDirty(ctx.db, [at]);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('admin work for advertisers', () => {
  it('finds an advertiser in the picker, and the campaign history and audit log name who acted for whom', async () => {
    const { context, page: a } = await stack.newSession();
    await signIn(a, ADMIN);
    await a.goto('/campaigns/new');
    await expectHeading(a, 'New campaign for an advertiser');
    const select = a.getByLabel('Advertiser', { exact: true });
    const options = async () => (await select.locator('option').allTextContents()).filter((t) => t.includes('—'));
    // The first page: 25 advertisers, the oldest one not among them, and a way to look further.
    await eventually('the first page of advertisers', async () => (await options()).length === 25);
    expect((await options()).some((t) => t.includes(TARGET.name))).toBe(false);
    await a.getByRole('button', { name: 'More advertisers' }).click();
    await eventually('the second page', async () => (await options()).length === FILLERS + 1);
    expect((await options()).some((t) => t.includes(`${TARGET.name} (${TARGET.company}) — ${TARGET.email}`))).toBe(true);
    // A search by the start of the company's name finds it at once; so does its whole email.
    await a.getByLabel('Find an advertiser').fill('zephyr');
    await eventually('the search result', async () => JSON.stringify(await options()) === JSON.stringify([`${TARGET.name} (${TARGET.company}) — ${TARGET.email}`]));
    await a.getByLabel('Find an advertiser').fill(TARGET.email.toUpperCase());
    await eventually('the exact email result', async () => (await options()).length === 1 && (await options())[0]!.includes(TARGET.email));
    await select.selectOption(targetId);
    await screenshots(a, 'advertiser-picker');

    await a.getByLabel('Campaign name').fill('Zephyr Spring');
    await a.getByRole('radio', { name: /CPA — cost per action/ }).check();
    await a.getByLabel('Revenue per action').fill('12.00');
    await a.getByLabel('Payout per action').fill('8.00');
    await a.getByLabel('Destination URL').fill('https://zephyr.example.com/?c={click_id}');
    await a.getByRole('button', { name: 'Create campaign' }).click();
    await a.waitForURL(/\/campaigns\/[0-9a-f]{24}$/);
    const campaignId = new URL(a.url()).pathname.split('/').pop()!;
    expect(((await stack.ctx.models.Campaign.findById(campaignId).lean()) as { advertiserId: string } | null)?.advertiserId).toBe(targetId);

    // The admin edits it on the advertiser's behalf: the History tab says so, newest first, by name.
    await a.goto(`/campaigns/${campaignId}/edit`);
    await a.getByLabel('Payout per action').fill('9.50');
    await a.getByRole('button', { name: 'Save changes' }).click();
    await a.getByText('Campaign saved').waitFor();
    await a.getByRole('tab', { name: 'History' }).click();
    const history = a.getByRole('list', { name: 'Campaign history' });
    await history.waitFor();
    const entries = await history.getByRole('listitem').allTextContents();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain(`Polly Admin (admin, on behalf of ${TARGET.name}) · Changed payout`);
    expect(entries[1]).toContain(`Polly Admin (admin, on behalf of ${TARGET.name}) · Created the campaign`);
    expect(entries.join(' ')).not.toMatch(/[0-9a-f]{24}/);
    await screenshots(a, 'campaign-history');

    // The audit log names the admin (name and email), not a role and an id.
    await a.getByRole('link', { name: 'Audit log' }).click();
    await expectHeading(a, 'Audit log');
    const row = a.getByRole('row', { name: /campaign\.edit_for/ });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Polly Admin');
    expect(text).toContain(ADMIN);
    expect(text).not.toMatch(/Admin [0-9a-f]{6}\b/);
    await screenshots(a, 'audit-log-names');

    // The advertiser sees the same history of its campaign.
    const owner = await stack.newSession();
    await signIn(owner.page, TARGET.email);
    await owner.page.goto(`/campaigns/${campaignId}?tab=history`);
    const own = owner.page.getByRole('list', { name: 'Campaign history' });
    await own.waitFor();
    expect((await own.getByRole('listitem').first().textContent()) ?? '').toContain(`Polly Admin (admin, on behalf of ${TARGET.name}) · Changed payout`);

    expect(stack.pageErrors).toEqual([]);
    await owner.context.close();
    await context.close();
  });
});

describe('affiliate dashboard at phone width', () => {
  it('keeps every card inside 390 px: the campaign table does not push the page sideways', async () => {
    const { context, page } = await stack.newSession({ viewport: PHONE });
    await signIn(page, AFFILIATE);
    await expectHeading(page, 'Welcome back, Pat Phone');
    const row = page.getByRole('row', { name: /Supercalifragilistic/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('$987.65');
    // Every card is laid out; the page is as wide as the screen.
    await page.getByRole('heading', { name: /click log/i }).first().waitFor();
    const overflow = await horizontalOverflow(page);
    expect(overflow.scrollWidth, overflow.culprits.join(' | ')).toBeLessThanOrEqual(overflow.viewportWidth);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    // The earnings column is on screen, not scrolled out of sight.
    const earnings = (await row.getByRole('cell').last().boundingBox())!;
    expect(earnings.x + earnings.width).toBeLessThanOrEqual(PHONE.width);
    // A table that must still scroll inside its own box (the click log's many columns) says so below itself.
    const tables = (await page.evaluate(`[...document.querySelectorAll('.overflow-x-auto')].filter((el) => el.querySelector('table')).map((el) => ({
      caption: el.querySelector('caption')?.textContent ?? '',
      scrolls: el.scrollWidth > el.clientWidth + 1,
      hint: Boolean(el.parentElement?.querySelector('[data-scroll-hint]')),
    }))`)) as Array<{ caption: string; scrolls: boolean; hint: boolean }>;
    expect(tables.find((t) => t.caption === 'Stats by campaign')).toEqual({ caption: 'Stats by campaign', scrolls: false, hint: false });
    for (const t of tables) expect(t.hint, t.caption).toBe(t.scrolls);
    await screenshots(page, 'affiliate-dashboard-phone');
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });
});
