import type { ClickDoc } from '../db/raw-events';
import { UNKNOWN, UNKNOWN_COUNTRY } from '../domain/click-classify';
import { hourStart } from '../domain/time-buckets';
import type { ClickEvent } from './click-event';

/**
 * The raw click document of an event. The naive benchmark server stores it
 * too, so both designs write the same shape. Only a unique valid click is paid.
 */
export function toClickDoc(c: ClickEvent, unique: boolean): ClickDoc {
  const valid = c.reason === null;
  const paid = unique && valid;
  return {
    _id: c.id,
    ts: new Date(c.ts),
    hour: new Date(hourStart(c.ts)),
    linkId: c.linkId,
    campaignId: c.campaignId,
    affiliateId: c.affiliateId,
    advertiserId: c.advertiserId,
    unique: paid ? 1 : 0,
    valid: valid ? 1 : 0,
    invalid: valid ? 0 : 1,
    reason: c.reason,
    sub1: c.sub1,
    sub2: c.sub2,
    sub3: c.sub3,
    sub4: c.sub4,
    sub5: c.sub5,
    visitor: c.visitor,
    ua: c.ua,
    country: c.country ?? UNKNOWN_COUNTRY,
    device: c.device ?? UNKNOWN,
    os: c.os ?? UNKNOWN,
    browser: c.browser ?? UNKNOWN,
    referer: c.referer,
    deepLink: c.deepLink,
    revenueCents: paid ? c.cpcRevenueCents : 0,
    payoutCents: paid ? c.cpcPayoutCents : 0,
    currency: c.currency,
  };
}
