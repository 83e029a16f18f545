import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, login } from '../../backend/test/helpers/api';
import { insertClick } from '../../backend/test/helpers/postbacks';
import { createAdminAccount, eventually, PHONE, screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/**
 * The conversions list as a manager uses it: filters in the address (a
 * reload keeps them), a search by transaction id, bulk approval of ticked
 * conversions with one note, the CSV link, and the list at phone width.
 */
let stack: Stack;
const ADMIN = 'conv-list-admin@example.test';
let admin: Awaited<ReturnType<typeof login>>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'List Admin');
  admin = await login(stack.baseUrl, ADMIN);
  const advertiser = await approvedAdvertiser(stack.baseUrl, admin, 'Acme Ads');
  const affiliate = await approvedAffiliate(stack.baseUrl, admin, 'Pat Publisher');
  const created = await advertiser.client.post('/api/campaigns', cpaCampaign({ name: 'List Offer', approvalMode: 'manual' }));
  expect(created.status).toBe(201);
  const c = created.body.campaign;
  const link = await affiliate.client.get(`/api/campaigns/${c.id}/link`);
  for (const txn of ['ORDER-1', 'ORDER-2', 'ORDER-3']) {
    const clickId = await insertClick(stack.ctx, { id: c.id, advertiserId: c.advertiserId, currency: c.currency, linkId: link.body.link.id, affiliateId: affiliate.id });
    const pb = await fetch(`${stack.baseUrl}/api/track/postback?${new URLSearchParams({ token: c.postbackSecret, click_id: clickId, txn_id: txn })}`);
    expect(pb.status).toBe(200);
  }
  await eventually('three conversions', async () => {
    const res = await admin.get('/api/conversions?status=pending');
    if (res.body.items?.length !== 3) return false;
    for (const conv of res.body.items) ids[conv.txnId] = conv.id;
    return true;
  }, 30_000);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe('conversions list', () => {
  it('keeps its filters in the address, finds by txn id, approves ticked conversions with one note, offers the CSV', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, ADMIN);
    await page.goto('/conversions?status=pending');
    await expectHeading(page, 'Conversions');
    await page.getByRole('link', { name: 'Open conversion ORDER-3' }).waitFor();
    // The admin sees who earned it.
    expect(await page.getByRole('cell', { name: 'Pat Publisher' }).count()).toBe(3);
    await page.reload();
    await page.getByRole('link', { name: 'Open conversion ORDER-3' }).waitFor();
    expect(await page.getByRole('button', { name: 'Pending' }).getAttribute('aria-pressed')).toBe('true');

    await page.getByRole('searchbox', { name: 'Txn id or click id' }).fill('ORDER-2');
    await page.getByRole('button', { name: 'Find' }).click();
    await eventually('the search', async () => (await page.getByRole('link', { name: /^Open conversion/ }).count()) === 1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('ORDER-2');
    await page.getByRole('link', { name: 'Open conversion ORDER-2' }).waitFor();
    await page.getByRole('searchbox', { name: 'Txn id or click id' }).fill('');
    await page.getByRole('button', { name: 'Find' }).click();
    await eventually('all three again', async () => (await page.getByRole('link', { name: /^Open conversion/ }).count()) === 3);

    await page.getByRole('checkbox', { name: 'Select conversion ORDER-1' }).check();
    await page.getByRole('checkbox', { name: 'Select conversion ORDER-3' }).check();
    await page.getByRole('button', { name: 'Approve selected (2)' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Note/).fill('Batch checked');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('2 conversions approved').waitFor();
    for (const txn of ['ORDER-1', 'ORDER-3']) {
      const conv = await stack.ctx.models.Conversion.findById(ids[txn]).lean();
      expect(conv).toMatchObject({ status: 'approved' });
      expect(conv!.history.at(-1)).toMatchObject({ note: 'Batch checked' });
    }
    // The pending filter now lists only the one left.
    await eventually('one pending left', async () => (await page.getByRole('link', { name: /^Open conversion/ }).count()) === 1);
    expect(await page.getByRole('button', { name: 'Download CSV' }).count()).toBe(1);
    const csv = await admin.get('/api/conversions?format=csv&status=approved');
    expect(csv.text).toContain('Pat Publisher');
    await screenshots(page, 'conversions-list');
    await context.close();
  });

  it('at phone width shows status and the review buttons within reach', async () => {
    const { context, page } = await stack.newSession({ viewport: PHONE });
    await signIn(page, ADMIN);
    await page.goto('/conversions?status=pending');
    // Cards instead of a table: each with its status and review buttons.
    const card = page.getByRole('list', { name: 'Conversions' }).getByRole('article', { name: 'Conversion ORDER-2' });
    const approve = card.getByRole('button', { name: 'Approve conversion ORDER-2' });
    await approve.scrollIntoViewIfNeeded();
    expect(await approve.isVisible()).toBe(true);
    expect(await card.getByText('Pending').isVisible()).toBe(true);
    await screenshots(page, 'conversions-list-phone');
    await context.close();
    expect(stack.pageErrors).toEqual([]);
  });
});
