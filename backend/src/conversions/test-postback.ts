import type { AppContext } from '../context';
import type { CampaignDoc } from '../db/models/campaign';
import { testClicks, type ClickDoc } from '../db/raw-events';
import { newClickId } from '../domain/click-id';
import { conflict } from '../domain/errors';
import { hourStart } from '../domain/time-buckets';
import { oldestLink } from '../links/links';
import { storedParams } from '../domain/postback-params';
import { acceptPostback } from './postback-intake';

/**
 * Marks a click made by "send test postback". A postback for such a click —
 * the dashboard's or one the advertiser fires from their own server with
 * this click id — runs every check of the real pipeline but records no
 * conversion, takes no cap place and moves no money.
 */
export const TEST_CLICK_REASON = 'test';

/**
 * Stores a test click on the campaign's oldest affiliate link (the campaign
 * needs one: clicks always belong to an affiliate) among the test clicks,
 * outside the traffic partitions, and sends a postback for it through the
 * real intake. The click is dated just past the campaign's minimum
 * click-to-conversion time so the test is not flagged as fraud.
 */
export async function sendTestPostback(ctx: AppContext, campaign: CampaignDoc, ip: string | null): Promise<{ postbackId: string; clickId: string }> {
  const link = await oldestLink(ctx, campaign._id);
  if (!link) throw conflict('No affiliate has a link for this campaign yet; a test needs one to attribute the click to');
  const ts = Date.now() - (campaign.minClickToConversionSeconds + 1) * 1000;
  const clickId = newClickId(ts);
  const click: ClickDoc = {
    _id: clickId,
    ts: new Date(ts),
    hour: new Date(hourStart(ts)),
    linkId: link._id,
    campaignId: campaign._id,
    affiliateId: link.affiliateId,
    advertiserId: campaign.advertiserId,
    unique: 0,
    valid: 1,
    invalid: 0,
    reason: TEST_CLICK_REASON,
    sub1: 'test',
    sub2: null,
    sub3: null,
    sub4: null,
    sub5: null,
    visitor: 'test',
    ua: 'Offerly test postback',
    country: null,
    referer: null,
    deepLink: null,
    revenueCents: 0,
    payoutCents: 0,
    currency: campaign.currency,
  };
  await testClicks(ctx.db).insertOne(click);
  const params = storedParams({
    click_id: clickId,
    txn_id: `test-${clickId}`,
    token: campaign.postbackSecret,
    ...(campaign.payoutModel === 'CPS' ? { amount: '100.00', currency: campaign.currency } : {}),
  });
  const postbackId = await acceptPostback(ctx, {
    method: 'TEST',
    ip,
    params,
    test: true,
    owner: { campaignId: campaign._id, advertiserId: campaign.advertiserId },
  });
  return { postbackId, clickId };
}
