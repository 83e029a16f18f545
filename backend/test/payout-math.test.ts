import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedAffiliate } from './helpers/api';
import { campaignWithLink, insertClick, sendAndResolve, startPostbackEnv, type Party, type PostbackEnv, type TestCampaign } from './helpers/postbacks';

/** Revenue and payout of conversions through the whole pipeline, per payout model, with and without overrides. */
let e: PostbackEnv;
let vip: Party;

beforeAll(async () => {
  e = await startPostbackEnv();
  vip = await approvedAffiliate(e.api.url, e.admin.client, 'vip');
}, 60_000);
afterAll(async () => { await e?.close(); });

async function convert(c: TestCampaign, extra: Record<string, string> = {}) {
  const pb = await sendAndResolve(e, { click_id: await insertClick(e.ctx, c), token: c.postbackSecret, ...extra });
  expect(pb.state, JSON.stringify(pb)).toBe('attributed');
  return (await e.ctx.models.Conversion.findById(pb.conversionId).lean())!;
}

async function withOverride(over: Record<string, unknown>, override: Record<string, unknown>) {
  const base = await campaignWithLink(e, over);
  const res = await e.adv.client.put(`/api/campaigns/${base.id}/overrides/${vip.id}`, override);
  expect(res.status).toBe(200);
  const link = await vip.client.get(`/api/campaigns/${base.id}/link`);
  return { base, vipCampaign: { ...base, linkId: link.body.link.id, affiliateId: vip.id } };
}

describe('payout math', () => {
  it('CPA: fixed revenue and payout; an override changes the payout only', async () => {
    const { base, vipCampaign } = await withOverride({ name: 'CPA', payoutModel: 'CPA', revenueCents: 1000, payoutCents: 700 }, { payoutCents: 850 });
    expect(await convert(base)).toMatchObject({ revenueCents: 1000, payoutCents: 700 });
    expect(await convert(vipCampaign)).toMatchObject({ revenueCents: 1000, payoutCents: 850, payApprovedCents: 850 });
  });

  it('CPL: same as CPA, an amount sent along is kept but does not change the value', async () => {
    const { base, vipCampaign } = await withOverride({ name: 'CPL', payoutModel: 'CPL', revenueCents: 300, payoutCents: 120 }, { payoutCents: 150 });
    expect(await convert(base, { amount: '55.00' })).toMatchObject({ revenueCents: 300, payoutCents: 120, saleAmountCents: 5500 });
    expect(await convert(vipCampaign)).toMatchObject({ revenueCents: 300, payoutCents: 150, saleAmountCents: null });
  });

  it('CPS: basis points of the sale amount, rounded half up to the cent', async () => {
    const { base, vipCampaign } = await withOverride(
      { name: 'CPS', payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1250, payoutBps: 833 },
      { payoutBps: 1000 },
    );
    // 12.5 % of 19.99 = 2.49875 → 2.50; 8.33 % of 19.99 = 1.665167 → 1.67
    expect(await convert(base, { amount: '19.99' })).toMatchObject({ saleAmountCents: 1999, revenueCents: 250, payoutCents: 167 });
    // 10.005 → 10.01 (extra decimals round half up); 12.5 % = 1.25125 → 1.25; 8.33 % = 0.833833 → 0.83
    expect(await convert(base, { amount: '10.005' })).toMatchObject({ saleAmountCents: 1001, revenueCents: 125, payoutCents: 83 });
    // Override: 10 % of 19.99 = 1.999 → 2.00
    expect(await convert(vipCampaign, { amount: '19.99' })).toMatchObject({ revenueCents: 250, payoutCents: 200 });
  });

  it('CPS in a currency without minor units', async () => {
    const jpy = await campaignWithLink(e, { name: 'JPY', currency: 'JPY', payoutModel: 'CPS', revenueCents: null, payoutCents: null, revenueBps: 1000, payoutBps: 750 });
    // ¥1234.5 → ¥1235; 10 % = 123.5 → 124; 7.5 % = 92.625 → 93
    expect(await convert(jpy, { amount: '1234.5', currency: 'JPY' })).toMatchObject({ currency: 'JPY', saleAmountCents: 1235, revenueCents: 124, payoutCents: 93 });
  });

  it('CPC: conversions are worth nothing (clicks are paid), with or without an override', async () => {
    const { base, vipCampaign } = await withOverride({ name: 'CPC', payoutModel: 'CPC', revenueCents: 40, payoutCents: 25 }, { payoutCents: 30 });
    expect(await convert(base)).toMatchObject({ revenueCents: 0, payoutCents: 0, status: 'approved' });
    expect(await convert(vipCampaign, { amount: '99.00' })).toMatchObject({ revenueCents: 0, payoutCents: 0 });
  });
});
