import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedAdvertiser, approvedAffiliate, cpaCampaign, login } from '../../backend/test/helpers/api';
import { insertClick } from '../../backend/test/helpers/postbacks';
import { createAdminAccount, eventually, screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/**
 * The conversion detail page: opened from the conversions list, it shows the click, the postbacks and the history;
 * the advertiser rejects with a note shared with the affiliate, who then reads that note, and no revenue.
 */
let stack: Stack;
const ADMIN = 'detail-admin@example.test';
const TXN = 'ORDER-4711';
const NOTE = 'Customer returned the goods';
let adv: { email: string };
let aff: { email: string };
let conversionId: string;

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'Detail Admin');
  const admin = await login(stack.baseUrl, ADMIN);
  const advertiser = await approvedAdvertiser(stack.baseUrl, admin, 'Acme Ads');
  const affiliate = await approvedAffiliate(stack.baseUrl, admin, 'Pat Publisher');
  adv = advertiser;
  aff = affiliate;
  const created = await advertiser.client.post('/api/campaigns', cpaCampaign({ name: 'Detail Offer', approvalMode: 'manual' }));
  expect(created.status).toBe(201);
  const c = created.body.campaign;
  const link = await affiliate.client.get(`/api/campaigns/${c.id}/link`);
  expect(link.status).toBe(200);
  const clickId = await insertClick(stack.ctx, { id: c.id, advertiserId: c.advertiserId, currency: c.currency, linkId: link.body.link.id, affiliateId: affiliate.id }, { sub1: 'newsletter' });
  const pb = await fetch(`${stack.baseUrl}/api/track/postback?${new URLSearchParams({ token: c.postbackSecret, click_id: clickId, txn_id: TXN })}`);
  expect(pb.status).toBe(200);
  conversionId = await eventually('the conversion', async () => {
    const res = await advertiser.client.get(`/api/conversions?campaignId=${c.id}`);
    return res.body.items?.[0]?.id as string | undefined;
  }, 30_000);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe('conversion detail page', () => {
  it('opens from the list; the advertiser rejects with a shared note; the affiliate reads the note and sees no revenue', async () => {
    const advSession = await stack.newSession();
    const page = advSession.page;
    await signIn(page, adv.email);
    await page.goto('/conversions');
    await page.getByRole('link', { name: `Open conversion ${TXN}` }).click();
    await expectHeading(page, `Conversion ${TXN}`);
    expect(new URL(page.url()).pathname).toBe(`/conversions/${conversionId}`);
    await page.getByTestId('conversion-revenue').waitFor();
    // The creating postback is listed (its id is the conversion's), and the click with its sub.
    await page.getByRole('list', { name: 'Postbacks' }).getByText(conversionId).waitFor();
    expect(await page.getByRole('definition').filter({ hasText: 'newsletter' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Reject' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Note/).fill(NOTE);
    await dialog.getByLabel('Also show this note to the affiliate').check();
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await dialog.waitFor({ state: 'detached' });
    const history = page.getByRole('list', { name: 'Conversion history' });
    const rejected = history.getByRole('listitem').filter({ hasText: 'Rejected' });
    await rejected.getByText(`“${NOTE}”`).waitFor();
    expect(await rejected.textContent()).toContain('Advertiser rejected');
    expect(await rejected.textContent()).toContain('shown to the affiliate');
    await screenshots(page, 'conversion-detail-advertiser');
    await advSession.context.close();

    // The admin sees who it was by name.
    const adminSession = await stack.newSession();
    await signIn(adminSession.page, ADMIN);
    await adminSession.page.goto(`/conversions/${conversionId}`);
    await adminSession.page.getByRole('list', { name: 'Conversion history' }).getByText(`Acme Ads (${adv.email})`).waitFor();
    await adminSession.context.close();

    const affSession = await stack.newSession();
    const affPage = affSession.page;
    await signIn(affPage, aff.email);
    await affPage.goto('/conversions');
    await affPage.getByRole('link', { name: `Open conversion ${TXN}` }).click();
    await expectHeading(affPage, `Conversion ${TXN}`);
    const affHistory = affPage.getByRole('list', { name: 'Conversion history' });
    await affHistory.getByText(`“${NOTE}”`).waitFor();
    expect(await affHistory.textContent()).toContain('Advertiser rejected');
    expect(await affPage.getByTestId('conversion-payout').textContent()).toContain('7.00');
    expect(await affPage.getByTestId('conversion-revenue').count()).toBe(0);
    expect(await affPage.getByText('Revenue').count()).toBe(0);
    expect(await affPage.getByRole('list', { name: 'Postbacks' }).count()).toBe(0);
    expect(await affPage.getByRole('button', { name: 'Reject' }).count()).toBe(0);
    await screenshots(affPage, 'conversion-detail-affiliate');
    expect(stack.pageErrors).toEqual([]);
    await affSession.context.close();
  });
});
