import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../backend/src/payouts/run';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, login } from '../../backend/test/helpers/api';
import type { TestClient } from '../../backend/test/helpers/http-client';
import { RawEventsBuilder } from '../../backend/test/helpers/raw-events-builder';
import { createAdminAccount, eventually, PHONE, screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/**
 * The manager's lists: campaigns with their advertiser's name, filtered by
 * advertiser and payout model with the filters in the URL (kept on reload);
 * payouts approved in bulk from their checkboxes; both usable at 390 px.
 */
let stack: Stack;
let admin: TestClient;
const ADMIN = 'lists-admin@example.test';
let acme: { id: string };
let bolt: { id: string };
let payees: Array<{ id: string }>;

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'List Admin');
  admin = await login(stack.baseUrl, ADMIN);
  const a = await approvedAdvertiser(stack.baseUrl, admin, 'Acme Retail');
  const b = await approvedAdvertiser(stack.baseUrl, admin, 'Bolt Games');
  acme = a;
  bolt = b;
  const made = [
    await a.client.post('/api/campaigns', cpaCampaign({ name: 'Acme Summer' })),
    await a.client.post('/api/campaigns', cpaCampaign({ name: 'Acme Books', payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1500, payoutBps: 1000 })),
    await b.client.post('/api/campaigns', cpaCampaign({ name: 'Bolt Arcade' })),
    await b.client.post('/api/campaigns', cpaCampaign({ name: 'Bolt Shares', payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1500, payoutBps: 1000 })),
  ];
  for (const m of made) expect(m.status, m.text).toBe(201);
  payees = [await approvedAffiliate(stack.baseUrl, admin, 'Payee One'), await approvedAffiliate(stack.baseUrl, admin, 'Payee Two'), await approvedAffiliate(stack.baseUrl, admin, 'Payee Three')];
  // Approved conversions of each payee, paid by one run (hold 0 days): three payouts awaiting approval.
  const summer = await stack.ctx.models.Campaign.findById(made[0]!.body.campaign.id).lean();
  const builder = new RawEventsBuilder(stack.ctx);
  await builder.addConversions(payees.map((p, i) => ({ at: Date.now() - 3_600_000 - i * 1000, campaign: summer as never, affiliateId: p.id, payoutCents: 700 })));
  await runPayouts(stack.ctx, { runId: 'e2e-lists', nowMs: Date.now() + 1000 });
  const third = (await stack.ctx.models.Payout.findOne({ affiliateId: payees[2]!.id }).lean())!;
  expect((await admin.post(`/api/payouts/approve/${third._id}`, {})).status).toBe(200);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const rowNames = async (page: Page) => (await page.getByRole('row').allTextContents()).slice(1);

describe('manager lists', () => {
  it('campaigns show their advertiser, filter by advertiser and model, and keep the filters in the URL across a reload', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, ADMIN);
    await page.goto('/campaigns');
    await expectHeading(page, 'Campaigns');
    await page.getByRole('row', { name: /Bolt Arcade/ }).getByRole('button', { name: 'Bolt Games' }).waitFor();
    await page.getByRole('row', { name: /Acme Books/ }).getByRole('button', { name: 'Acme Retail' }).waitFor();

    await page.getByLabel('Advertiser', { exact: true }).selectOption({ label: 'Bolt Games' });
    await eventually('only Bolt’s campaigns', async () => {
      const rows = await rowNames(page);
      return rows.length === 2 && rows.every((r) => r.includes('Bolt'));
    });
    await page.getByRole('group', { name: 'Payout model' }).getByRole('button', { name: 'CPS' }).click();
    await eventually('Bolt’s CPS campaign alone', async () => {
      const rows = await rowNames(page);
      return rows.length === 1 && rows[0]!.includes('Bolt Shares');
    });
    const url = new URL(page.url());
    expect(url.searchParams.get('advertiser')).toBe(bolt.id);
    expect(url.searchParams.get('model')).toBe('CPS');

    await page.reload();
    await expectHeading(page, 'Campaigns');
    await eventually('the filtered list after a reload', async () => {
      const rows = await rowNames(page);
      return rows.length === 1 && rows[0]!.includes('Bolt Shares');
    });
    expect(await page.getByLabel('Advertiser', { exact: true }).inputValue()).toBe(bolt.id);
    expect(await page.getByRole('group', { name: 'Payout model' }).getByRole('button', { name: 'CPS' }).getAttribute('aria-pressed')).toBe('true');

    // Clicking an advertiser's name in a row filters by it; the campaign page names the advertiser and links back.
    await page.goto('/campaigns');
    await page.getByRole('row', { name: /Acme Summer/ }).getByRole('button', { name: 'Acme Retail' }).click();
    await eventually('Acme’s campaigns', async () => new URL(page.url()).searchParams.get('advertiser') === acme.id && (await rowNames(page)).every((r) => r.includes('Acme')));
    await page.getByRole('link', { name: 'Acme Summer' }).click();
    await expectHeading(page, 'Acme Summer');
    await page.getByRole('link', { name: 'Acme Retail' }).click();
    await eventually('back on the filtered list', async () => new URL(page.url()).pathname === '/campaigns' && new URL(page.url()).searchParams.get('advertiser') === acme.id);
    await screenshots(page, 'manager-campaigns');
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });

  it('approves the selected payouts at once and says what became of them', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, ADMIN);
    await page.goto('/payouts');
    await expectHeading(page, 'Payouts');
    // Awaiting approval is the admin's default view: Payee One and Two; Payee Three's is approved already.
    await page.getByRole('row', { name: /Payee One/ }).waitFor();
    expect((await rowNames(page)).some((r) => r.includes('Payee Three'))).toBe(false);
    await page.getByRole('button', { name: 'Approve selected (0)' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve selected (0)' }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Select every payout awaiting approval on this page' }).check();
    await page.getByRole('button', { name: 'Approve selected (2)' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Approved 2 payouts').first().waitFor();
    await page.getByText('No payouts here').waitFor();
    for (const p of payees) expect((await stack.ctx.models.Payout.findOne({ affiliateId: p.id }).lean())?.status).toBe('approved');

    // The approved filter lists all three; the status lives in the URL.
    await page.getByRole('group', { name: 'Payout status' }).getByRole('button', { name: 'Approved' }).click();
    await eventually('three approved payouts', async () => (await rowNames(page)).length === 3);
    expect(new URL(page.url()).searchParams.get('status')).toBe('approved');
    // No checkbox for a payout not awaiting approval.
    expect(await page.getByRole('checkbox').count()).toBe(1);
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });

  it('is usable at phone width: names under the first column, no sideways scrolling', async () => {
    const { context, page } = await stack.newSession({ viewport: PHONE });
    await signIn(page, ADMIN);
    await page.goto(`/campaigns?advertiser=${acme.id}`);
    await expectHeading(page, 'Campaigns');
    const row = page.getByRole('row', { name: /Acme Summer/ });
    await row.waitFor();
    // The advertiser column is hidden on a phone; its name is shown under the campaign's.
    expect(await row.getByRole('button', { name: 'Acme Retail' }).isVisible()).toBe(false);
    expect(await row.getByText('Acme Retail', { exact: true }).first().isVisible()).toBe(true);
    // The tables themselves fit: no hidden part to scroll to inside their box either.
    const fits = async () => {
      const boxes = (await page.evaluate(`[...document.querySelectorAll('table')].map((t) => [t.parentElement.scrollWidth, t.parentElement.clientWidth])`)) as Array<[number, number]>;
      expect(boxes.length).toBeGreaterThan(0);
      return boxes.every(([scroll, client]) => scroll <= client + 1) || boxes;
    };
    expect(await fits()).toBe(true);
    await screenshots(page, 'manager-campaigns-filtered');

    await page.goto('/payouts?status=approved');
    await expectHeading(page, 'Payouts');
    // Payee Three's payout was approved before the bulk approval: this test needs no other.
    await page.getByRole('row', { name: /Payee Three/ }).waitFor();
    expect(await page.getByRole('row', { name: /Payee Three/ }).getByText('Payee Three').first().isVisible()).toBe(true);
    expect(await fits()).toBe(true);
    await screenshots(page, 'manager-payouts');
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });
});
