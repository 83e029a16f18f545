/**
 * Macro templating for destination and postback URLs, with the names the
 * affiliate networks use: {click_id}, {aff_id}, {campaign_id}, {sub1}…{sub5}, …
 * Values are URL-encoded; macros we do not know are left as written. Shared by
 * the API (which fills and validates templates) and the dashboard (which checks
 * them before sending), so both accept the same templates.
 */
export type MacroValues = Record<string, string | number | null | undefined>;

const MACRO_RE = /\{([a-z0-9_]+)\}/gi;

export const DESTINATION_MACROS = ['click_id', 'aff_id', 'campaign_id', 'link_id', 'sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
export const POSTBACK_MACROS = [
  'click_id', 'conversion_id', 'campaign_id', 'aff_id', 'txn_id', 'payout', 'payout_cents', 'currency', 'status',
  'sub1', 'sub2', 'sub3', 'sub4', 'sub5', 'delivery_id',
] as const;

export function fillMacros(template: string, values: MacroValues): string {
  return template.replace(MACRO_RE, (whole, name: string) => {
    const key = name.toLowerCase();
    if (!(key in values)) return whole;
    const v = values[key];
    return v === null || v === undefined ? '' : encodeURIComponent(String(v));
  });
}

/**
 * Scheme, slashes, user info, host and port: the part of a URL a macro must
 * never reach, or a visitor's `sub1` would choose where the redirect (or an
 * outbound postback) goes. It ends at the first `/`, `\\`, `?` or `#` after
 * the scheme, as the WHATWG parser ends it for http(s).
 */
const ORIGIN_PART_RE = /^[a-z][a-z0-9+.-]*:[\\/]*[^\\/?#]*/i;

/**
 * The template as a URL parser reads it (leading and trailing controls and
 * spaces trimmed, tabs and newlines removed anywhere), split into the origin
 * part and the rest. Without a scheme the whole template is the origin part.
 */
function splitOrigin(template: string): { origin: string; rest: string } {
  // eslint-disable-next-line no-control-regex -- the parser drops exactly these, so a split must too
  const t = template.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const m = ORIGIN_PART_RE.exec(t);
  if (!m) return { origin: t, rest: '' };
  return { origin: m[0], rest: t.slice(m[0].length) };
}

export const MACROS_ONLY_IN_PATH = 'macros may be used only in the path, query or fragment, never in the scheme, user info, host or port';

/** Whether a template has a macro (known or not) in its scheme, user info, host or port. */
export function hasMacroInOrigin(template: string): boolean {
  return /\{[a-z0-9_]+\}/i.test(splitOrigin(template).origin);
}

/**
 * Fills macros in the path, query and fragment only. A macro in the origin
 * part (refused on save, but possibly stored before that rule) stays as
 * written, so no value can pick the host.
 */
export function fillUrlMacros(template: string, values: MacroValues): string {
  const { origin, rest } = splitOrigin(template);
  return origin + fillMacros(rest, values);
}

/** Macro names used in a template, lower-cased. */
export function macrosIn(template: string): string[] {
  return [...template.matchAll(MACRO_RE)].map((m) => (m[1] ?? '').toLowerCase());
}

/** Macro names of a template that are not in the list (left as written when filled, so most likely typos). */
export function unknownMacros(template: string, known: readonly string[]): string[] {
  return macrosIn(template).filter((name) => !known.includes(name));
}

/** A template is valid if it is an absolute http(s) URL once its known macros are filled. */
export function isValidUrlTemplate(template: string, known: readonly string[]): boolean {
  const sample = Object.fromEntries(known.map((k) => [k, 'x']));
  try {
    const u = new URL(fillUrlMacros(template, sample));
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
    dest = new URL(fillUrlMacros(destinationTemplate, Object.fromEntries(DESTINATION_MACROS.map((k) => [k, 'x']))));
  } catch {
    return false;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return false;
  if (target.username || target.password) return false;
  const site = dest.hostname.replace(/^www\./, '');
  return target.hostname === site || target.hostname.endsWith(`.${site}`);
}
