import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { keyEmail } from '../../backend/src/accounts/email-keys';
import { hashPassword } from '../../backend/src/auth/passwords';
import { markHoursDirty } from '../../backend/src/db/rollup-dirty';
import { RawEventsBuilder } from '../../backend/test/helpers/raw-events-builder';
import { PASSWORD, PHONE, screenshots, startStack, type Stack } from './harness';
import { downloadCsv, expectHeading, signIn } from './steps';

/**
 * An affiliate promoting a USD and a EUR campaign: the dashboard's headline
 * shows each currency's earnings and EPC side by side, never '—' and never a sum.
 */
let stack: Stack;
const AFFILIATE = 'two-currencies@example.test';

beforeAll(async () => {
  stack = await startStack();
  const { ctx } = stack;
  const aff = await ctx.models.User.create({
    email: AFFILIATE,
    passwordHash: await hashPassword(PASSWORD),
    role: 'affiliate',
    status: 'approved',
    name: 'Zoë Dual',
    statusHistory: [{ at: new Date(), to: 'approved', note: 'test affiliate' }],
  });
  await keyEmail(ctx.db, AFFILIATE, aff._id);
  const b = new RawEventsBuilder(ctx);
  const usd = await b.campaign({ name: 'Dollar Deals', currency: 'USD' });
  const eur = await b.campaign({ name: 'Crème Brûlée Offers', currency: 'EUR' });
  // Two hours ago: inside the default 7-day range, in an hour the API reads from raw events until it is rolled up.
  const at = Date.now() - 2 * 3_600_000;
  await b.addClicks([
    ...Array.from({ length: 100 }, (_, i) => ({ at: at + i * 1000, campaign: usd, affiliateId: aff._id })),
    ...Array.from({ length: 10 }, (_, i) => ({ at: at + i * 1000, campaign: eur, affiliateId: aff._id })),
  ]);
  await b.addConversions([
    { at: at + 200_000, campaign: usd, affiliateId: aff._id, status: 'approved', revenueCents: 60_000, payoutCents: 42_159 },
    { at: at + 200_000, campaign: eur, affiliateId: aff._id, status: 'approved', revenueCents: 1_500, payoutCents: 1_011 },
  ]);
  await markHoursDirty(ctx.db, [at]);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

const kpi = (page: Page, id: string) => page.locator(`[data-kpi="${id}"]`);

describe('money in several currencies', () => {
  it('shows an affiliate its earnings and EPC per currency in the headline', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, AFFILIATE);
    await expectHeading(page, 'Welcome back, Zoë Dual');
    await kpi(page, 'report-clicks').filter({ hasText: '110' }).waitFor();
    expect(await kpi(page, 'report-earnings').textContent()).toBe('€10.11 · $421.59');
    expect(await kpi(page, 'report-epc').textContent()).toBe('€1.0110 · $4.2159');
    await page.getByText(/Your campaigns pay in several currencies/).waitFor();
    // The per-campaign table keeps each campaign's own currency.
    const usdRow = page.getByRole('row', { name: /Dollar Deals/ });
    expect(await usdRow.textContent()).toContain('$421.59');
    expect(await page.getByRole('row', { name: /Crème Brûlée Offers/ }).textContent()).toContain('€10.11');
    await screenshots(page, 'multi-currency-affiliate-dashboard');
    // The CSV download starts with a UTF-8 byte order mark, so a spreadsheet reads the accented name as written.
    const csv = await downloadCsv(page);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.text.slice(1).trim().split(/\r?\n/);
    expect(lines.some((l) => l.includes(',Crème Brûlée Offers,'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('by_currency,')).map((l) => l.split(',').slice(1, 3).join(','))).toEqual(['EUR,EUR', 'USD,USD']);
    await context.close();

    // At phone width the two figures wrap inside their card instead of pushing the page sideways.
    const phone = await stack.newSession({ viewport: PHONE });
    await signIn(phone.page, AFFILIATE);
    await kpi(phone.page, 'report-earnings').filter({ hasText: '€10.11 · $421.59' }).waitFor();
    for (const id of ['report-earnings', 'report-epc']) {
      const card = (await kpi(phone.page, id).boundingBox())!;
      expect(card.x + card.width).toBeLessThanOrEqual(PHONE.width);
    }
    await phone.context.close();
    expect(stack.pageErrors).toEqual([]);
  });
});
