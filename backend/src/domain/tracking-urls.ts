import type { PayoutModel } from './payout-models';
import { SUB_MAX_LENGTH, SUB_PARAMS } from './click-rules';

/** The public URLs of an affiliate's link: the short form to share, the long form, and how to add sub IDs. */
export function trackingLinkUrls(trackingBase: string, linkId: string) {
  const url = `${trackingBase}/c/${linkId}`;
  return {
    url,
    clickUrl: `${trackingBase}/api/track/click/${linkId}`,
    subIds: { params: [...SUB_PARAMS], maxLength: SUB_MAX_LENGTH, example: `${url}?sub1=facebook&sub2=adset-42` },
  };
}

/**
 * The postback URL an advertiser's server calls, with the macros its platform
 * fills in: CPS campaigns also need the sale amount and its currency.
 */
export function postbackUrlTemplate(trackingBase: string, payoutModel: PayoutModel, secret: string): string {
  const base = `${trackingBase}/api/track/postback?click_id={click_id}&txn_id={txn_id}`;
  return `${base}${payoutModel === 'CPS' ? '&amount={amount}&currency={currency}' : ''}&token=${secret}`;
}
