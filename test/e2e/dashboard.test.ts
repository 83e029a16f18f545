import crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdminAccount, eventually, screenshots, startStack, type Stack } from './harness';
import { approveAffiliate, createCampaign, expectHeading, openOfferAndGetLink, postbackUrlTemplate, register, signIn, signOut } from './steps';

/**
 * The dashboard end to end in headless chromium against the real API,
 * Redis and MongoDB-wire server. The flows share one story: an advertiser
 * creates a campaign, an affiliate signs up, the admin approves it, and the
 * affiliate takes its link.
 */
const tag = crypto.randomBytes(3).toString('hex');
const people = {
  admin: { email: `admin-${tag}@example.test`, name: 'Platform Admin' },
  advertiser: { email: `adv-${tag}@example.test`, name: 'Ada Advertiser', company: 'Shop Co' },
  affiliate: { email: `aff-${tag}@example.test`, name: 'Finn Affiliate', company: 'Deals Blog' },
};
const CAMPAIGN = 'Summer Sale CPA';

let stack: Stack;
let advertiser: Page;
let affiliate: Page;
let admin: Page;
let campaignId = '';

beforeAll(async () => {
  stack = await startStack();
  await createAdminAccount(stack.ctx, people.admin.email, people.admin.name);
  advertiser = (await stack.newSession()).page;
  affiliate = (await stack.newSession()).page;
  admin = (await stack.newSession()).page;
});

afterAll(async () => {
  await stack?.stop();
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
    });
    await expectHeading(advertiser, CAMPAIGN);
    await advertiser.getByRole('tab', { name: 'Overview' }).waitFor();

    const stored = await stack.ctx.models.Campaign.findById(campaignId).lean();
    expect(stored).toMatchObject({ name: CAMPAIGN, payoutModel: 'CPA', revenueCents: 1050, payoutCents: 725, currency: 'USD', status: 'active' });
    expect(stored?.caps.dailyConversions).toBe(100);

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
