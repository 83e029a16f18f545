import crypto from 'node:crypto';
import { verifyPostbackSignature } from '../../backend/src/domain/postback-signature';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { statsHourly } from '../../backend/src/db/models/stats';
import { hourStart } from '../../backend/src/domain/time-buckets';
import { rollHours } from '../../backend/src/rollups/hourly';
import { createAdminAccount, eventually, screenshots, startStack, type Stack } from './harness';
import {
  approveAccount,
  approveAffiliate,
  approveConversion,
  approvePendingPayout,
  createCampaign,
  documentTag,
  downloadCsv,
  expectHeading,
  kpiNumber,
  markPayoutPaid,
  openOfferAndGetLink,
  postbackUrlTemplate,
  register,
  runPayouts,
  saveOutboundPostback,
  sendTestCall,
  sendTestPostbackFromSetup,
  signIn,
  signOut,
  socketRoomAnswers,
  tagDocument,
  waitForKpiAtLeast,
  waitForLiveStream,
} from './steps';
import { clickTrackingLink, sendPostback, startPostbackReceiver } from './tracking';

/**
 * The dashboard end to end in headless chromium against the real API,
 * workers, Redis and MongoDB-wire server. The flows share one story: an
 * advertiser creates a campaign, an affiliate signs up, the admin approves
 * it, the affiliate takes its link; a visitor clicks it while the advertiser
 * watches the campaign page, the advertiser's server reports the sale, the
 * hourly rollup runs, and the admin pays the affiliate.
 */
const tag = crypto.randomBytes(3).toString('hex');
const people = {
  admin: { email: `admin-${tag}@example.test`, name: 'Platform Admin' },
  advertiser: { email: `adv-${tag}@example.test`, name: 'Ada Advertiser', company: 'Shop Co' },
  affiliate: { email: `aff-${tag}@example.test`, name: 'Finn Affiliate', company: 'Deals Blog' },
};
const CAMPAIGN = 'Summer Sale CPA';
const TXN = `order-${tag}`;
/** Deadline for analytics reports to render: hours not rolled up yet are computed from raw events, slower on a busy machine. */
const REPORT_TIMEOUT_MS = 45_000;

let stack: Stack;
let receiver: Awaited<ReturnType<typeof startPostbackReceiver>>;
let advertiser: Page;
let affiliate: Page;
let admin: Page;
let campaignId = '';
let trackingLink = '';
let clickId = '';
let clickedAt = 0;

beforeAll(async () => {
  stack = await startStack();
  receiver = await startPostbackReceiver();
  await createAdminAccount(stack.ctx, people.admin.email, people.admin.name);
  advertiser = (await stack.newSession()).page;
  affiliate = (await stack.newSession()).page;
  admin = (await stack.newSession()).page;
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

afterEach(() => {
  // An uncaught exception in the dashboard fails the flow that caused it.
  expect(stack.pageErrors).toEqual([]);
});

describe('dashboard in a real browser', () => {
  it('an advertiser registers, sees the empty campaign list, and creates a campaign in the form', async () => {
    await register(advertiser, { role: 'advertiser', ...people.advertiser });
    await advertiser.waitForURL(/\/campaigns$/);
    await expectHeading(advertiser, 'Campaigns');
    await advertiser.getByText('No campaigns yet').waitFor();
    // Advertisers start pending: they prepare campaigns under a banner until an admin approves them.
    await advertiser.getByText('Your advertiser account is awaiting approval').waitFor();

    // The form refuses a bad destination before sending anything.
    await advertiser.getByRole('link', { name: /New campaign/ }).click();
    await advertiser.getByLabel('Campaign name').fill(CAMPAIGN);
    await advertiser.getByLabel('Destination URL').fill('shop.example.com/landing');
    await advertiser.getByRole('button', { name: 'Create campaign' }).click();
    await advertiser.getByText('Must be an absolute http(s) URL', { exact: false }).first().waitFor();
    await advertiser.getByText('Revenue per action is required for CPA').waitFor();
    await advertiser.goto('/campaigns');

    campaignId = await createCampaign(advertiser, {
      name: CAMPAIGN,
      destinationUrl: 'https://shop.example.com/landing?cid={click_id}&s1={sub1}',
      fallbackUrl: 'https://shop.example.com/',
      revenue: '10.50',
      payout: '7.25',
      dailyCap: '100',
      trackSub1: true,
    });
    await expectHeading(advertiser, CAMPAIGN);
    await advertiser.getByRole('tab', { name: 'Overview' }).waitFor();

    const stored = await stack.ctx.models.Campaign.findById(campaignId).lean();
    expect(stored).toMatchObject({ name: CAMPAIGN, payoutModel: 'CPA', revenueCents: 1050, payoutCents: 725, currency: 'USD', status: 'active' });
    expect(stored?.caps.dailyConversions).toBe(100);
    expect(stored?.trackSub1).toBe(true);

    const postbackUrl = await postbackUrlTemplate(advertiser);
    expect(postbackUrl).toContain(`/api/track/postback?click_id={click_id}&txn_id={txn_id}&token=${stored?.postbackSecret}`);

    await advertiser.getByRole('link', { name: 'Campaigns' }).first().click();
    await advertiser.getByRole('link', { name: CAMPAIGN }).waitFor();
    await screenshots(advertiser, 'advertiser-campaigns');
    await advertiser.getByRole('link', { name: CAMPAIGN }).click();
    await advertiser.getByRole('tab', { name: 'Overview' }).waitFor();
    await screenshots(advertiser, 'advertiser-campaign');
  });

  it('an affiliate registers in the UI and sees that its account awaits approval', async () => {
    await register(affiliate, { role: 'affiliate', ...people.affiliate });
    await affiliate.getByRole('heading', { name: 'Your account is awaiting approval' }).waitFor();
    await screenshots(affiliate, 'affiliate-pending');
    // Nothing else opens until an admin decides.
    await affiliate.goto('/offers');
    await affiliate.getByRole('heading', { name: 'Your account is awaiting approval' }).waitFor();
    const stored = await stack.ctx.models.User.findOne({ email: people.affiliate.email }).lean();
    expect(stored?.status).toBe('pending');
  });

  it('the admin signs in and approves the affiliate from the approval queue', async () => {
    await signIn(admin, people.admin.email);
    await admin.waitForURL(/\/overview$/);
    await expectHeading(admin, 'Platform overview');
    await screenshots(admin, 'admin-overview');

    await admin.getByRole('link', { name: 'Affiliates' }).first().click();
    await admin.getByText(people.affiliate.email).waitFor();
    await screenshots(admin, 'admin-affiliates');
    await approveAffiliate(admin, people.affiliate.name, 'Verified the blog');
    await admin.getByText(`${people.affiliate.name} is now approved`).waitFor();

    const stored = await stack.ctx.models.User.findOne({ email: people.affiliate.email }).lean();
    expect(stored?.status).toBe('approved');
    expect(stored?.statusHistory.at(-1)).toMatchObject({ to: 'approved', note: 'Verified the blog' });

    // The advertiser's campaign takes traffic only once the admin approves the advertiser too.
    await approveAccount(admin, people.advertiser.name, 'Company checked');
    await admin.getByText(`${people.advertiser.name} is now approved`).waitFor();
    const adv = await stack.ctx.models.User.findOne({ email: people.advertiser.email }).lean();
    expect(adv?.statusHistory.at(-1)).toMatchObject({ from: 'pending', to: 'approved', note: 'Company checked' });
  });

  it('the approved affiliate opens the campaign, gets its link and copies it with sub IDs', async () => {
    // The approval shows up without signing in again; the page it was on (Offers) opens.
    await affiliate.getByRole('button', { name: 'Check again' }).click();
    await expectHeading(affiliate, 'Offers');
    await affiliate.getByRole('link', { name: 'Dashboard' }).first().click();
    await affiliate.waitForURL(/\/dashboard$/);
    await expectHeading(affiliate, `Welcome back, ${people.affiliate.name}`);
    await screenshots(affiliate, 'affiliate-dashboard');

    const link = await openOfferAndGetLink(affiliate, CAMPAIGN);
    const stored = await eventually('the link in the database', () => stack.ctx.models.Link.findOne({ campaignId }).lean().then((l) => l ?? undefined));
    expect(link).toBe(`${stack.baseUrl}/c/${stored._id}`);
    trackingLink = link;

    await affiliate.getByRole('button', { name: 'Copy tracking link' }).click();
    await affiliate.getByText('Tracking link copied to the clipboard').waitFor();
    expect(await affiliate.evaluate('navigator.clipboard.readText()')).toBe(link);

    await affiliate.getByLabel('sub1').fill('facebook');
    await affiliate.getByLabel('sub2').fill('adset 42');
    const withSubs = (await affiliate.getByLabel('Link with sub IDs', { exact: true }).textContent())?.trim();
    expect(withSubs).toBe(`${link}?sub1=facebook&sub2=adset+42`);
    await screenshots(affiliate, 'affiliate-offer');

    // Asking again returns the same link.
    await affiliate.reload();
    await affiliate.getByLabel('Tracking link', { exact: true }).waitFor();
    expect((await affiliate.getByLabel('Tracking link', { exact: true }).textContent())?.trim()).toBe(link);
    await affiliate.getByRole('link', { name: 'My links' }).first().click();
    await affiliate.getByRole('link', { name: CAMPAIGN }).waitFor();
  });

  it('the advertiser edits the payout and pauses the campaign; paused offers leave the affiliate’s list until resumed', async () => {
    await advertiser.goto(`/campaigns/${campaignId}`);
    await expectHeading(advertiser, CAMPAIGN);
    await advertiser.getByRole('link', { name: 'Edit', exact: true }).click();
    await expectHeading(advertiser, `Edit ${CAMPAIGN}`);
    await advertiser.getByLabel('Payout per action').fill('8');
    await advertiser.getByRole('button', { name: 'Save changes' }).click();
    await advertiser.waitForURL(/tab=settings/);
    await advertiser.getByText('Campaign saved').waitFor();
    expect((await stack.ctx.models.Campaign.findById(campaignId).lean())?.payoutCents).toBe(800);

    await advertiser.getByRole('button', { name: 'Pause', exact: true }).click();
    await advertiser.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
    await advertiser.getByText('Campaign paused').waitFor();
    await affiliate.getByRole('link', { name: 'Offers' }).first().click();
    await affiliate.getByText('No offers available').waitFor();

    await advertiser.getByRole('button', { name: 'Resume', exact: true }).click();
    await advertiser.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await advertiser.getByText('Campaign active').waitFor();
    await affiliate.reload();
    await affiliate.getByRole('link', { name: CAMPAIGN, exact: true }).waitFor();
    await affiliate.getByRole('link', { name: CAMPAIGN, exact: true }).click();
    await affiliate.getByText('$8.00').waitFor();
  });

  it('a click on the affiliate’s link raises the click count on the advertiser’s open campaign page, without a reload', async () => {
    await advertiser.goto(`/campaigns/${campaignId}`);
    await expectHeading(advertiser, CAMPAIGN);
    await waitForLiveStream(advertiser, 'campaign');
    await affiliate.getByRole('link', { name: 'Dashboard' }).first().click();
    await expectHeading(affiliate, `Welcome back, ${people.affiliate.name}`);
    await waitForLiveStream(affiliate, 'affiliate');
    const before = await kpiNumber(advertiser, 'live-clicks');
    const docTag = await tagDocument(advertiser);

    clickedAt = Date.now();
    const click = await clickTrackingLink(`${trackingLink}?sub1=facebook`);
    expect(click.status).toBe(302);
    expect(click.location).toMatch(/^https:\/\/shop\.example\.com\/landing\?cid=[^&]+&s1=facebook$/);
    expect(click.clickId).toBeTruthy();
    clickId = click.clickId!;

    expect(await waitForKpiAtLeast(advertiser, 'live-clicks', before + 1)).toBe(before + 1);
    expect(await documentTag(advertiser)).toBe(docTag);
    // The affiliate's own dashboard ticks too.
    await waitForKpiAtLeast(affiliate, 'live-clicks', 1);
    await screenshots(advertiser, 'advertiser-campaign-live');
  });

  it('in the browser, the Socket.IO server lets each session into its own rooms only', async () => {
    const affiliateId = (await stack.ctx.models.User.findOne({ email: people.affiliate.email }).lean())!._id;
    expect(await socketRoomAnswers(affiliate, [`affiliate:${affiliateId}`, `campaign:${campaignId}`, 'admin'])).toEqual({
      [`affiliate:${affiliateId}`]: { ok: true },
      [`campaign:${campaignId}`]: { ok: false, error: 'not_found' },
      admin: { ok: false, error: 'forbidden' },
    });
    expect(await socketRoomAnswers(advertiser, [`campaign:${campaignId}`, `affiliate:${affiliateId}`])).toEqual({
      [`campaign:${campaignId}`]: { ok: true },
      [`affiliate:${affiliateId}`]: { ok: false, error: 'forbidden' },
    });
  });

  it('a postback for that click shows up as a conversion: the live count rises, the advertiser approves it in the conversions table', async () => {
    const template = await postbackUrlTemplate(advertiser);
    await advertiser.getByRole('tab', { name: 'Overview' }).click();
    await waitForLiveStream(advertiser, 'campaign');
    const before = await kpiNumber(advertiser, 'live-conversions');
    const docTag = await tagDocument(advertiser);

    // The advertiser reports the sale as pending, to review it in the dashboard.
    const res = await sendPostback(`${template}&status=pending`, { click_id: clickId, txn_id: TXN });
    expect(res).toMatchObject({ status: 200, body: { accepted: true } });

    expect(await waitForKpiAtLeast(advertiser, 'live-conversions', before + 1)).toBe(before + 1);
    expect(await documentTag(advertiser)).toBe(docTag);

    await advertiser.getByRole('tab', { name: 'Conversions' }).click();
    const row = advertiser.getByRole('row').filter({ hasText: TXN });
    await row.getByText('Pending', { exact: true }).waitFor();
    await row.getByText('$8.00').waitFor();
    await screenshots(advertiser, 'advertiser-conversions');
    await approveConversion(advertiser, TXN, 'Order shipped');
    await advertiser.getByText('Conversion approved').waitFor();
    await row.getByText('Approved', { exact: true }).waitFor();
    expect(await advertiser.getByRole('button', { name: `Approve conversion ${TXN}` }).count()).toBe(0);

    const stored = await stack.ctx.models.Conversion.findOne({ txnId: TXN }).lean();
    expect(stored).toMatchObject({ clickId, campaignId, status: 'approved', payoutCents: 800, revenueCents: 1050, currency: 'USD', sub1: 'facebook' });
    expect(stored?.history.at(-1)).toMatchObject({ from: 'pending', to: 'approved', note: 'Order shipped' });
  });

  it('after the hourly rollup the campaign’s hourly chart, totals and breakdowns show the click and the conversion', async () => {
    const counts = await rollHours(stack.ctx, [hourStart(clickedAt), hourStart(Date.now())]);
    expect(counts.clicks).toBeGreaterThanOrEqual(1);
    const rows = await statsHourly(stack.ctx.db).find({ campaignId }).toArray();
    expect(rows.reduce((n, r) => n + r.clicks, 0)).toBe(1);

    await advertiser.getByRole('tab', { name: 'Overview' }).click();
    await advertiser.reload();
    await expectHeading(advertiser, CAMPAIGN);
    const range = advertiser.getByRole('group', { name: 'Report range' });
    await range.getByRole('button', { name: 'Hourly' }).click();
    // The chart's text summary: 7 days of hours, in the browser's time zone (UTC here).
    await advertiser.getByText(/^168 hours: 1 click and 1 conversion in total\.$/).waitFor({ timeout: REPORT_TIMEOUT_MS });
    await eventually('report totals', async () => (await kpiNumber(advertiser, 'report-clicks')) === 1 && (await kpiNumber(advertiser, 'report-conversions')) === 1, REPORT_TIMEOUT_MS);
    expect(((await advertiser.locator('[data-kpi="report-revenue"]').textContent()) ?? '').trim()).toBe('$10.50');
    expect(((await advertiser.locator('[data-kpi="report-payout"]').textContent()) ?? '').trim()).toBe('$8.00');
    expect(await advertiser.getByText('No traffic in this range').count()).toBe(0);

    const breakdown = advertiser.getByRole('table', { name: /Breakdown by affiliate/ });
    await breakdown.getByRole('row').filter({ hasText: people.affiliate.name }).waitFor({ timeout: REPORT_TIMEOUT_MS });
    await advertiser.getByLabel('Group by').selectOption('sub1');
    await advertiser.getByRole('table', { name: /Breakdown by sub1/ }).getByRole('row').filter({ hasText: 'facebook' }).waitFor({ timeout: REPORT_TIMEOUT_MS });
    await screenshots(advertiser, 'advertiser-campaign-data');
  });

  it('the admin runs payouts, approves the affiliate’s payout and marks it paid; the history shows each step', async () => {
    const toast = await runPayouts(admin);
    expect(toast).toBe('Payout run succeeded: 1 payout, 1 conversion');
    const row = admin.getByRole('row').filter({ hasText: people.affiliate.name });
    await row.getByText('Pending approval').waitFor();
    await row.getByText('$8.00').waitFor();
    await screenshots(admin, 'admin-payouts');

    await approvePendingPayout(admin, people.affiliate.name, 'Checked the conversions');
    await admin.getByText('Payout approved').waitFor();
    const history = admin.getByRole('list', { name: 'Payout history' });
    await history.getByText('Pending approval → Approved').waitFor();
    await history.getByText('“Checked the conversions”').waitFor();
    await admin.getByRole('table', { name: 'Payout lines' }).getByRole('row').filter({ hasText: CAMPAIGN }).getByText('$8.00').waitFor();

    await markPayoutPaid(admin, 'WIRE-0042', 'Paid by wire');
    await admin.getByText('Payout paid').waitFor();
    await history.getByText('Approved → Paid').waitFor();
    await admin.getByText('WIRE-0042').waitFor();
    await screenshots(admin, 'admin-payout');

    const payout = await stack.ctx.models.Payout.findOne({ affiliateId: (await stack.ctx.models.User.findOne({ email: people.affiliate.email }).lean())?._id }).lean();
    expect(payout).toMatchObject({ status: 'paid', amountCents: 800, currency: 'USD', conversionCount: 1, paidReference: 'WIRE-0042' });
    expect(payout?.history.slice(-2).map((h) => [h.from, h.to, h.note])).toEqual([
      ['pending_approval', 'approved', 'Checked the conversions'],
      ['approved', 'paid', 'Paid by wire'],
    ]);

    // The affiliate sees it paid.
    await affiliate.getByRole('link', { name: 'Payouts' }).first().click();
    await expectHeading(affiliate, 'Payouts');
    await affiliate.getByRole('row').filter({ hasText: '$8.00' }).getByText('Paid', { exact: true }).waitFor();
    await screenshots(affiliate, 'affiliate-payouts');
  });

  it('each role’s home page shows the story’s numbers', async () => {
    await admin.getByRole('link', { name: 'Overview' }).first().click();
    await expectHeading(admin, 'Platform overview');
    await admin.getByRole('table', { name: 'Top campaigns' }).getByRole('row').filter({ hasText: CAMPAIGN }).waitFor({ timeout: REPORT_TIMEOUT_MS });
    await admin.getByRole('table', { name: 'Top affiliates' }).getByRole('row').filter({ hasText: people.affiliate.name }).waitFor();
    await screenshots(admin, 'admin-overview-data');

    await affiliate.getByRole('link', { name: 'Dashboard' }).first().click();
    await expectHeading(affiliate, `Welcome back, ${people.affiliate.name}`);
    await affiliate.getByRole('table', { name: 'Stats by campaign' }).getByRole('row').filter({ hasText: CAMPAIGN }).waitFor({ timeout: REPORT_TIMEOUT_MS });
    await eventually('affiliate earnings', async () => ((await affiliate.locator('[data-kpi="report-earnings"]').textContent()) ?? '').trim() === '$8.00', REPORT_TIMEOUT_MS);
    await screenshots(affiliate, 'affiliate-dashboard-data');

    await advertiser.getByRole('link', { name: 'Campaigns' }).first().click();
    await advertiser.getByRole('row').filter({ hasText: CAMPAIGN }).waitFor();
    await screenshots(advertiser, 'advertiser-campaigns-data');
  });

  it('the advertiser sends a test postback from the campaign and sees it resolved, with nothing recorded', async () => {
    await advertiser.goto(`/campaigns/${campaignId}`);
    await expectHeading(advertiser, CAMPAIGN);
    const result = await sendTestPostbackFromSetup(advertiser);
    expect(result).toContain('Attributed');
    expect(result).toContain('nothing recorded');
    // The recent postbacks list shows it, marked as a test.
    await advertiser.getByRole('table', { name: 'Postbacks' }).getByRole('row').filter({ hasText: 'test' }).first().waitFor();
    await screenshots(advertiser, 'advertiser-postback-setup');

    const tests = await stack.ctx.models.Postback.find({ campaignId, test: true }).lean();
    expect(tests.map((p) => [p.state, p.conversionId])).toEqual([['attributed', null]]);
    expect(await stack.ctx.models.Conversion.countDocuments({ campaignId })).toBe(1);
  });

  it('the affiliate saves an outbound postback URL; the test call reaches its server, signed, and the delivery log shows it', async () => {
    const template = `${receiver.baseUrl}/pb?cid={click_id}&payout={payout}&status={status}`;
    await saveOutboundPostback(affiliate, template);
    await affiliate.getByText('Signing secret').waitFor();
    const stored = await stack.ctx.models.User.findOne({ email: people.affiliate.email }).lean();
    expect(stored).toMatchObject({ postbackUrl: template, postbackEnabled: true });

    const result = await sendTestCall(affiliate);
    expect(result).toContain('Delivered');
    expect(result).toContain('HTTP 200');
    expect(receiver.calls).toHaveLength(1);
    const call = receiver.calls[0]!;
    expect(call.url).toBe('/pb?cid=test-click&payout=1.00&status=approved');
    expect(verifyPostbackSignature(stored!.postbackSecret!, String(call.headers['x-offerly-timestamp']), `${receiver.baseUrl}${call.url}`, String(call.headers['x-offerly-signature']))).toBe(true);

    const log = affiliate.getByRole('table', { name: 'Postback deliveries' });
    await log.getByRole('row').filter({ hasText: 'Delivered' }).filter({ hasText: 'test' }).waitFor();
    await screenshots(affiliate, 'affiliate-postback');
  });

  it('the admin finds the payout run on the Job runs page, filters by status, checks queue health and downloads payouts as CSV', async () => {
    await admin.getByRole('link', { name: 'Job runs' }).first().click();
    await expectHeading(admin, 'Job runs');
    const runs = admin.getByRole('table', { name: 'Job runs' });
    const payoutRun = runs.getByRole('row').filter({ hasText: 'Payouts' });
    await payoutRun.getByText(/^Payouts: 1 · Conversions: 1/).waitFor();
    await payoutRun.getByText('Succeeded', { exact: true }).waitFor();
    await payoutRun.getByText('Manual', { exact: true }).waitFor();
    const statusFilter = admin.getByRole('group', { name: 'Job run status' });
    await statusFilter.getByRole('button', { name: 'Failed' }).click();
    await admin.getByText('No job runs match').waitFor();
    await statusFilter.getByRole('button', { name: 'Succeeded' }).click();
    await payoutRun.waitFor();
    await screenshots(admin, 'admin-job-runs');

    await admin.getByRole('link', { name: 'Queues' }).first().click();
    await expectHeading(admin, 'Queue health');
    const queues = admin.getByRole('table', { name: 'Queues' });
    for (const name of ['clicks', 'conversions', 'deliveries']) await queues.getByRole('row').filter({ hasText: name }).first().waitFor();
    await screenshots(admin, 'admin-queues');

    await admin.getByRole('link', { name: 'Payouts' }).first().click();
    await expectHeading(admin, 'Payouts');
    await admin.getByRole('group', { name: 'Payout status' }).getByRole('button', { name: 'Paid' }).click();
    await admin.getByRole('row').filter({ hasText: people.affiliate.name }).getByText('Paid', { exact: true }).waitFor();
    const csv = await downloadCsv(admin);
    expect(csv.filename).toMatch(/^payouts-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = csv.text.trim().split(/\r?\n/);
    expect(header).toBe('id,affiliateId,affiliateName,currency,amount,conversionCount,status,cutoff,periodStart,periodEnd,createdAt,paidReference,clickCount,clickAmount');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(`,${people.affiliate.name},USD,8.00,1,paid,`);
    expect(rows[0]).toMatch(/,WIRE-0042,0,0\.00$/);
  });

  it('each role signs out and back in through the sign-in form and lands on its home page', async () => {
    const homes: Array<[Page, string, RegExp, string]> = [
      [admin, people.admin.email, /\/overview$/, 'Platform overview'],
      [advertiser, people.advertiser.email, /\/campaigns$/, 'Campaigns'],
      [affiliate, people.affiliate.email, /\/dashboard$/, `Welcome back, ${people.affiliate.name}`],
    ];
    for (const [page, email, url, title] of homes) {
      await signOut(page);
      await page.getByRole('heading', { name: 'Sign in to Offerly' }).waitFor();
      await signIn(page, email);
      await page.waitForURL(url);
      await expectHeading(page, title);
    }
    // A wrong password shows the API's message and stays on the form.
    await signOut(advertiser);
    await advertiser.getByLabel('Email').fill(people.advertiser.email);
    await advertiser.getByLabel('Password').fill('not the password');
    await advertiser.getByRole('button', { name: 'Sign in' }).click();
    await advertiser.getByText('Email or password is incorrect').waitFor();
    expect(new URL(advertiser.url()).pathname).toBe('/signin');
    await screenshots(advertiser, 'signin-error');
  });
});
