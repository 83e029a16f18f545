import { fillUrlMacros, isAllowedDeepLink } from '@offerly/contract';
import { deepLinkLocation, DEEP_LINK_MAX_LENGTH } from '../domain/click-rules';
import type { ClickEvent } from './click-event';
import type { LinkTarget } from './link-cache';

/** Destination with macros filled; null only if the stored template cannot form a URL. */
function destinationFor(t: LinkTarget, ev: ClickEvent, deepLinkParam: string | null): { location: string | null; deepLink: string | null } {
  const filled = fillUrlMacros(t.destination, {
    click_id: ev.id,
    aff_id: t.affiliateId,
    campaign_id: t.campaignId,
    link_id: t.linkId,
    sub1: ev.sub1,
    sub2: ev.sub2,
    sub3: ev.sub3,
    sub4: ev.sub4,
    sub5: ev.sub5,
  });
  if (deepLinkParam && t.allowDeepLink && deepLinkParam.length <= DEEP_LINK_MAX_LENGTH && isAllowedDeepLink(deepLinkParam, t.destination)) {
    try {
      const location = deepLinkLocation(new URL(deepLinkParam), filled);
      return { location, deepLink: location };
    } catch {
      /* refused like any other unusable deep link */
    }
  }
  if (t.destinationAscii) return { location: filled, deepLink: null };
  try {
    return { location: new URL(filled).href, deepLink: null };
  } catch {
    return { location: null, deepLink: null };
  }
}

/**
 * Where a click sends its visitor: a blocked click to the link's fallback,
 * any other to its destination (the deep link it asked for, if allowed; the
 * fallback if the template cannot form a URL). The deep link taken is
 * recorded on the event. Null: nowhere, the "not available" page.
 */
export function clickLocation(t: LinkTarget, ev: ClickEvent, blocked: boolean, deepLinkParam: string | null): string | null {
  if (blocked) return t.fallbackUrl;
  const d = destinationFor(t, ev, deepLinkParam);
  ev.deepLink = d.deepLink;
  return d.location ?? t.fallbackUrl;
}
