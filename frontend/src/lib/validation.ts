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

// The macro lists and URL-template rules are the API's own (the contract package), so the form and the API agree.
export { DESTINATION_MACROS, POSTBACK_MACROS, isValidUrlTemplate as isUrlTemplate, unknownMacros } from '@offerly/contract';

/**
 * Macros may fill the path, query and fragment, never the scheme, user info,
 * host or port. Unlike the API's check, a template without a scheme passes here,
 * so the form says "not an absolute URL" first, which is the more useful message.
 */
export function macroInOrigin(template: string): boolean {
  // eslint-disable-next-line no-control-regex -- URL parsers drop these, so the check must too
  const t = template.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  const origin = /^[a-z][a-z0-9+.-]*:[\\/]*[^\\/?#]*/i.exec(t)?.[0] ?? '';
  return /\{[a-z0-9_]+\}/i.test(origin);
}

export const MACRO_IN_ORIGIN_MESSAGE = 'Macros work only in the path and query, never in the host (https://shop.example.com/{sub1} is fine; https://{sub1}/ is not)';

export type Errors<K extends string> = Partial<Record<K, string>>;

export const hasErrors = (e: Record<string, string | undefined>) => Object.values(e).some(Boolean);
