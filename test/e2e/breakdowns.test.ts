import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer, type Offer } from '../../backend/test/helpers/tracking';
import { screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/**
 * Report breakdowns by device, browser and country in the dashboard: clicks
 * sent with different user agents (and, behind a trusted proxy, a CDN
 * country header) show up grouped on the advertiser's campaign page and the
 * affiliate's dashboard, the grouping kept in the address.
 */
let stack: Stack;
let offer: Offer;
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const clickAs = (ua: string, country: string, sub2?: string) =>
  fetch(`${stack.baseUrl}/c/${offer.linkId}${sub2 ? `?sub2=${sub2}` : ''}`, { redirect: 'manual', headers: { 'user-agent': ua, 'cf-ipcountry': country } });

beforeAll(async () => {
  // One trusted proxy in front: the CDN's country header is believed.
  stack = await startStack({ TRUST_PROXY: '1' });
  offer = await createOffer(stack.ctx, stack.baseUrl, { name: 'Autumn sale' });
  for (const [ua, country, sub2] of [
    [IPHONE, 'FR', 'mail'],
    [IPHONE, 'FR', 'mail'],
    [WINDOWS_CHROME, 'DE', undefined],
  ] as const) {
    expect((await clickAs(ua, country, sub2)).status).toBe(302);
  }
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function emailOf(id: string): Promise<string> {
  const u = await stack.ctx.models.User.findById(id, { email: 1 }).lean();
  return u!.email;
}

/** The first two cells (name, clicks) of each row of a breakdown table, as shown (the phone-only stats under a name are hidden at this width). */
async function rowsOf(page: Page, table: string): Promise<string[][]> {
  const rows = page.getByRole('table', { name: table }).locator('tbody tr');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = rows.nth(i).locator('td');
    out.push([(await cells.nth(0).innerText()).trim(), (await cells.nth(1).innerText()).trim()]);
  }
  return out;
}

/** The clicker's worker stores clicks within moments: the page is read again until the breakdown shows them all. */
async function waitForRows(page: Page, table: string, want: string[][]): Promise<void> {
  let got: string[][] = [];
  for (let i = 0; i < 40; i++) {
    await page.getByRole('table', { name: table }).waitFor();
    got = await rowsOf(page, table);
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  expect(got).toEqual(want);
}

describe('report breakdowns', () => {
  it('group the advertiser’s campaign by device, browser, country and sub2, kept in the address', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, await emailOf(offer.advertiser.id));
    await page.goto(`/campaigns/${offer.campaign.id}`);
    await expectHeading(page, 'Autumn sale');
    await page.getByLabel('Group by').selectOption('device');
    expect(new URL(page.url()).searchParams.get('groupBy')).toBe('device');
    await waitForRows(page, 'Breakdown by device', [
      ['Mobile', '2'],
      ['Desktop', '1'],
    ]);
    // A reload keeps the grouping (the address holds it).
    expect(await page.getByLabel('Group by').inputValue()).toBe('device');
    await screenshots(page, 'breakdown-by-device');

    await page.getByLabel('Group by').selectOption('browser');
    await waitForRows(page, 'Breakdown by browser', [
      ['Safari', '2'],
      ['Chrome', '1'],
    ]);
    await page.getByLabel('Group by').selectOption('country');
    await waitForRows(page, 'Breakdown by country', [
      ['France FR', '2'],
      ['Germany DE', '1'],
    ]);
    await page.getByLabel('Group by').selectOption('sub2');
    await waitForRows(page, 'Breakdown by sub2', [
      ['mail', '2'],
      ['(none)', '1'],
    ]);
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });

  it('group the affiliate’s own traffic on its dashboard, opened from a shared address', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, await emailOf(offer.affiliate.id));
    await page.goto('/dashboard?groupBy=os');
    expect(await page.getByLabel('Group by').inputValue()).toBe('os');
    await waitForRows(page, 'Stats by OS', [
      ['iOS', '2'],
      ['Windows', '1'],
    ]);
    await page.getByLabel('Group by').selectOption('campaign');
    await waitForRows(page, 'Stats by campaign', [['Autumn sale', '3']]);
    expect(new URL(page.url()).searchParams.get('groupBy')).toBeNull();
    await screenshots(page, 'breakdown-affiliate');
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });
});
