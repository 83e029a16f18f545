/**
 * Macro templating for destination and postback URLs, with the names the
 * affiliate networks use: {click_id}, {aff_id}, {campaign_id}, {sub1}…{sub5}, …
 * Values are URL-encoded; macros we do not know are left as written.
 */
export type MacroValues = Record<string, string | number | null | undefined>;

const MACRO_RE = /\{([a-z0-9_]+)\}/gi;

export const DESTINATION_MACROS = ['click_id', 'aff_id', 'campaign_id', 'link_id', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
export const POSTBACK_MACROS = [
  'click_id', 'conversion_id', 'campaign_id', 'aff_id', 'txn_id', 'payout', 'payout_cents', 'currency', 'status',
  'sub1', 'sub2', 'sub3', 'sub4', 'sub5',
] as const;

export function fillMacros(template: string, values: MacroValues): string {
  return template.replace(MACRO_RE, (whole, name: string) => {
    const key = name.toLowerCase();
    if (!(key in values)) return whole;
    const v = values[key];
    return v === null || v === undefined ? '' : encodeURIComponent(String(v));
  });
}

/** Macro names used in a template, lower-cased. */
export function macrosIn(template: string): string[] {
  return [...template.matchAll(MACRO_RE)].map((m) => (m[1] ?? '').toLowerCase());
}

/** A template is valid if it is an absolute http(s) URL once its known macros are filled. */
export function isValidUrlTemplate(template: string, known: readonly string[]): boolean {
  const sample = Object.fromEntries(known.map((k) => [k, 'x']));
  try {
    const u = new URL(fillMacros(template, sample));
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/**
 * Deep links may only point at the destination's own site, otherwise a
 * tracking link would be an open redirect.
 */
export function isAllowedDeepLink(deepLink: string, destinationTemplate: string): boolean {
  let target: URL;
  let dest: URL;
  try {
    target = new URL(deepLink);
    dest = new URL(fillMacros(destinationTemplate, Object.fromEntries(DESTINATION_MACROS.map((k) => [k, 'x']))));
  } catch {
    return false;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return false;
  if (target.username || target.password) return false;
  const site = dest.hostname.replace(/^www\./, '');
  return target.hostname === site || target.hostname.endsWith(`.${site}`);
}
