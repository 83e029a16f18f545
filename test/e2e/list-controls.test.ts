import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, login } from '../../backend/test/helpers/api';
import { insertClick } from '../../backend/test/helpers/postbacks';
import { createAdminAccount, eventually, PASSWORD, PHONE, screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/**
 * The list controls a manager works with: the conversions list filtered by
 * campaign and days (kept in the address, so a reload keeps them, and in the
 * CSV link), its cards at phone width with a working approve button, and the
 * postback log's search by txn id with its days and CSV link.
 */
let stack: Stack;
const ADMIN = 'list-controls-admin@example.test';
let advertiserEmail: string;
const campaigns: Record<string, string> = {};
const ids: Record<string, string> = {};
const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'Controls Admin');
  const admin = await login(stack.baseUrl, ADMIN);
  const advertiser = await approvedAdvertiser(stack.baseUrl, admin, 'Acme Ads');
  advertiserEmail = advertiser.email;
  const affiliate = await approvedAffiliate(stack.baseUrl, admin, 'Pat Publisher');
  for (const [name, txn] of [['Spring Offer', 'ORDER-S1'], ['Autumn Offer', 'ORDER-A1']] as const) {
    const created = await advertiser.client.post('/api/campaigns', cpaCampaign({ name, approvalMode: 'manual' }));
    expect(created.status).toBe(201);
    const c = created.body.campaign;
    campaigns[name] = c.id;
    const link = await affiliate.client.get(`/api/campaigns/${c.id}/link`);
    const clickId = await insertClick(stack.ctx, { id: c.id, advertiserId: c.advertiserId, currency: c.currency, linkId: link.body.link.id, affiliateId: affiliate.id });
    const pb = await fetch(`${stack.baseUrl}/api/track/postback?${new URLSearchParams({ token: c.postbackSecret, click_id: clickId, txn_id: txn })}`);
    expect(pb.status).toBe(200);
  }
  await eventually('two conversions', async () => {
    const res = await admin.get('/api/conversions?status=pending');
    if (res.body.items?.length !== 2) return false;
    for (const conv of res.body.items) ids[conv.txnId] = conv.id;
    return true;
  }, 30_000);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const conversionLinks = (page: Page) => page.getByRole('link', { name: /^Open conversion/ });

describe('list controls', () => {
  it('filters conversions by campaign and days, keeps them in the address through a reload, and exports them', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, ADMIN);
    await page.goto('/conversions');
    await expectHeading(page, 'Conversions');
    await eventually('both conversions', async () => (await conversionLinks(page).count()) === 2);

    const campaign = page.getByRole('combobox', { name: 'Campaign' });
    await eventually('the campaign picker', async () => (await campaign.locator('option', { hasText: 'Spring Offer' }).count()) === 1);
    await campaign.selectOption({ label: 'Spring Offer' });
    await eventually('the Spring conversion only', async () => (await conversionLinks(page).count()) === 1);
    await page.getByRole('link', { name: 'Open conversion ORDER-S1' }).waitFor();
    await page.getByLabel('Converted from (UTC)').fill(today);
    await page.getByLabel('Converted to (UTC)').fill(today);
    await eventually('the days in the address', () => new URL(page.url()).searchParams.get('to') === today);
    const url = new URL(page.url());
    expect(url.searchParams.get('campaign')).toBe(campaigns['Spring Offer']);
    expect(url.searchParams.get('from')).toBe(today);

    await page.reload();
    await page.getByRole('link', { name: 'Open conversion ORDER-S1' }).waitFor();
    expect(await conversionLinks(page).count()).toBe(1);
    expect(await page.getByRole('combobox', { name: 'Campaign' }).inputValue()).toBe(campaigns['Spring Offer']);
    expect(await page.getByLabel('Converted from (UTC)').inputValue()).toBe(today);

    // The CSV asks for the same filters (the day after `to`: the API's bound excludes it).
    const csvRequest = page.waitForRequest((r) => r.url().includes('format=csv'));
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const csv = new URL((await csvRequest).url());
    expect(csv.searchParams.get('campaignId')).toBe(campaigns['Spring Offer']);
    expect(csv.searchParams.get('from')).toBe(today);
    expect(csv.searchParams.get('to')).toBe(tomorrow);

    // A day range without conversions says so; the oldest-first order goes into the address too.
    await page.getByLabel('Converted from (UTC)').fill(tomorrow);
    await page.getByLabel('Converted to (UTC)').fill(tomorrow);
    await page.getByText('No conversions match these filters').waitFor();
    await page.getByLabel('Converted from (UTC)').fill('');
    await page.getByLabel('Converted to (UTC)').fill('');
    await page.getByRole('combobox', { name: 'Campaign' }).selectOption('');
    await eventually('both conversions again', async () => (await conversionLinks(page).count()) === 2);
    await page.getByRole('columnheader', { name: /Converted/ }).getByRole('button').click();
    await eventually('oldest first in the address', () => new URL(page.url()).searchParams.get('order') === 'asc');
    await page.reload();
    await eventually('oldest first after a reload', async () => (await page.getByRole('columnheader', { name: /Converted/ }).getAttribute('aria-sort')) === 'ascending');
    const txns = await conversionLinks(page).allTextContents();
    expect(txns).toEqual(['ORDER-S1', 'ORDER-A1']);
    await context.close();
  });

  it('at 390 px shows conversions as cards whose approve button works', async () => {
    const { context, page } = await stack.newSession({ viewport: PHONE });
    await signIn(page, advertiserEmail, PASSWORD);
    await page.goto('/conversions?status=pending');
    const cards = page.getByRole('list', { name: 'Conversions' });
    const card = cards.getByRole('article', { name: 'Conversion ORDER-A1' });
    await card.waitFor();
    expect(await page.getByRole('table').count()).toBe(0);
    expect(await card.getByText('Autumn Offer').isVisible()).toBe(true);
    expect(await card.getByText('Pending').isVisible()).toBe(true);
    await screenshots(page, 'conversions-cards-phone');
    const approve = card.getByRole('button', { name: 'Approve conversion ORDER-A1' });
    expect(await approve.isVisible()).toBe(true);
    await approve.click();
    await page.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Conversion approved').waitFor();
    await eventually('approved in the database', async () => (await stack.ctx.models.Conversion.findById(ids['ORDER-A1']).lean())?.status === 'approved');
    // The pending filter no longer lists it.
    await eventually('the card gone', async () => (await cards.getByRole('article', { name: 'Conversion ORDER-A1' }).count()) === 0);
    await context.close();
  });

  it('filters the postback log by campaign, finds postbacks by txn id, keeps the search and days in the address, and exports them', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, advertiserEmail, PASSWORD);
    await page.goto('/postbacks');
    await expectHeading(page, 'Postback log');
    const rows = page.getByRole('table', { name: 'Postbacks' }).locator('tbody tr');
    await eventually('both postbacks', async () => (await rows.count()) === 2);
    await page.getByLabel('Campaign', { exact: true }).selectOption({ label: 'Autumn Offer' });
    await eventually('the campaign’s postback', async () => (await rows.count()) === 1 && ((await rows.first().textContent()) ?? '').includes('ORDER-A1'));
    expect(new URL(page.url()).searchParams.get('campaign')).toBe(campaigns['Autumn Offer']);
    await page.getByLabel('Campaign', { exact: true }).selectOption({ label: 'All campaigns' });
    await eventually('both postbacks again', async () => (await rows.count()) === 2);
    await page.getByRole('searchbox', { name: 'Txn id or click id' }).fill('ORDER-S1');
    await page.getByRole('button', { name: 'Find' }).click();
    await eventually('one postback', async () => (await rows.count()) === 1);
    expect(await rows.first().textContent()).toContain('ORDER-S1');
    expect(await rows.first().textContent()).toContain('Spring Offer');
    expect(new URL(page.url()).searchParams.get('q')).toBe('ORDER-S1');
    await page.reload();
    await eventually('the search after a reload', async () => (await rows.count()) === 1);
    expect(await page.getByRole('searchbox', { name: 'Txn id or click id' }).inputValue()).toBe('ORDER-S1');

    const csvRequest = page.waitForRequest((r) => r.url().includes('format=csv'));
    await page.getByRole('button', { name: 'Download CSV' }).click();
    expect(new URL((await csvRequest).url()).searchParams.get('search')).toBe('ORDER-S1');

    await page.getByLabel('Received from (UTC)').fill(tomorrow);
    await page.getByText('No postback with txn id or click id “ORDER-S1”').waitFor();
    expect(new URL(page.url()).searchParams.get('from')).toBe(tomorrow);
    await page.getByRole('searchbox', { name: 'Txn id or click id' }).fill('no-such-order');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByText('No postback with txn id or click id “no-such-order”').waitFor();
    await context.close();
    expect(stack.pageErrors).toEqual([]);
  });
});
