import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, type Offer } from '../../backend/test/helpers/tracking';
import { screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/** The click log in the dashboard: the advertiser's campaign page and the affiliate's dashboard show each click, and why an invalid one did not count. */
let stack: Stack;
let offer: Offer;
const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const clickAs = (ua: string) => fetch(`${stack.baseUrl}/c/${offer.linkId}?sub1=spring`, { redirect: 'manual', headers: { 'user-agent': ua } });

beforeAll(async () => {
  stack = await startStack();
  offer = await createOffer(stack.ctx, stack.baseUrl, { name: 'Spring sale' });
  expect((await clickAs(BROWSER)).status).toBe(302);
  expect((await clickAs(BOT)).status).toBe(302);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function emailOf(id: string): Promise<string> {
  const u = await stack.ctx.models.User.findById(id, { email: 1 }).lean();
  return u!.email;
}

describe('click log', () => {
  it('shows the advertiser a valid click and a bot click with its reason on the campaign page', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, await emailOf(offer.advertiser.id));
    await page.goto(`/campaigns/${offer.campaign.id}`);
    await expectHeading(page, 'Spring sale');
    const log = page.getByRole('table', { name: 'Click log' });
    // The worker stores clicks within moments; the log is read again on reload until both are there.
    for (let i = 0; i < 30 && (await log.getByRole('row').count()) < 3; i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    const bot = log.getByRole('row', { name: /Invalid: bot/ });
    await bot.waitFor();
    expect(await bot.textContent()).toContain('bot');
    const phone = log.getByRole('row', { name: /Valid, unique/ });
    expect(await phone.textContent()).toMatch(/mobile.*iOS.*Safari.*sub1=spring/);
    await screenshots(page, 'click-log-campaign');
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });

  it('shows the affiliate the same clicks on its dashboard', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, await emailOf(offer.affiliate.id));
    const log = page.getByRole('table', { name: 'Click log' });
    await log.getByRole('row', { name: /Invalid: bot/ }).waitFor();
    expect(await log.getByRole('row', { name: /Valid, unique/ }).count()).toBe(1);
    await screenshots(page, 'click-log-affiliate');
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });
});
