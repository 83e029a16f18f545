/** Client-side checks that mirror the API's rules, so most mistakes are caught before sending. */
export const isEmail = (s: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim());

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s.trim());
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

export const DESTINATION_MACROS = ['click_id', 'aff_id', 'campaign_id', 'link_id', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
export const POSTBACK_MACROS = ['click_id', 'conversion_id', 'campaign_id', 'aff_id', 'txn_id', 'payout', 'payout_cents', 'currency', 'status', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'delivery_id'] as const;

/** A URL template is valid when it is an absolute http(s) URL once known macros are filled. */
export function isUrlTemplate(template: string, macros: readonly string[]): boolean {
  const filled = template.trim().replace(/\{([a-z0-9_]+)\}/gi, (whole, name: string) => (macros.includes(name.toLowerCase()) ? 'x' : whole));
  return isHttpUrl(filled);
}

/**
 * Mirrors the API: macros may fill the path, query and fragment, never the
 * scheme, user info, host or port (a visitor's sub ID would pick the site).
 */
export function macroInOrigin(template: string): boolean {
  // eslint-disable-next-line no-control-regex -- URL parsers drop these, so the check must too
  const t = template.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  // Without a scheme it is no absolute URL at all, and that check answers first.
  const origin = /^[a-z][a-z0-9+.-]*:[\\/]*[^\\/?#]*/i.exec(t)?.[0] ?? '';
  return /\{[a-z0-9_]+\}/i.test(origin);
}

export const MACRO_IN_ORIGIN_MESSAGE = 'Macros work only in the path and query, never in the host (https://shop.example.com/{sub1} is fine; https://{sub1}/ is not)';

export function unknownMacros(template: string, macros: readonly string[]): string[] {
  return [...template.matchAll(/\{([a-z0-9_]+)\}/gi)].map((m) => (m[1] ?? '').toLowerCase()).filter((n) => !macros.includes(n));
}

export type Errors<K extends string> = Partial<Record<K, string>>;

export const hasErrors = (e: Record<string, string | undefined>) => Object.values(e).some(Boolean);
