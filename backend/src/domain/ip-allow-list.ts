import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { MAX_ALLOWED_IPS } from '@offerly/contract';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

// ipaddr.js also reads legacy IPv4 forms (`127.1`, `0x7f.0.0.1`); a list people read must hold what they typed.
const isV4 = (s: string) => ipaddr.IPv4.isValidFourPartDecimal(s);
const isV4Cidr = (s: string) => ipaddr.IPv4.isValidCIDRFourPartDecimal(s);

function parseEntry(entry: string): Range | null {
  if (entry.includes('/')) {
    if (!isV4Cidr(entry) && !ipaddr.IPv6.isValidCIDR(entry)) return null;
    return ipaddr.parseCIDR(entry);
  }
  if (!isV4(entry) && !ipaddr.IPv6.isValid(entry)) return null;
  const addr = ipaddr.parse(entry);
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}

/** One spelling per entry (compact IPv6, no leading zeros), so the same range is never listed twice. */
function normalize(entry: string): string {
  const [addr, bits] = parseEntry(entry)!;
  const full = addr.kind() === 'ipv4' ? 32 : 128;
  return bits === full && !entry.includes('/') ? addr.toString() : `${addr.toString()}/${bits}`;
}

export const ipAllowListSchema = z
  .array(
    z
      .string()
      .trim()
      .max(64)
      .refine((s) => parseEntry(s) !== null, { message: 'must be an IPv4 or IPv6 address, or a CIDR range such as 203.0.113.0/24' })
      .transform(normalize),
  )
  .max(MAX_ALLOWED_IPS)
  .transform((list) => [...new Set(list)]);

/**
 * Is `ip` inside one of the list's addresses or ranges? An empty list allows
 * everyone (the allow-list is optional). IPv4-mapped IPv6 peers
 * (`::ffff:203.0.113.9`, how a dual-stack socket reports IPv4 clients) are
 * compared as the IPv4 address they carry.
 */
export function ipAllowed(list: readonly string[], ip: string | null | undefined): boolean {
  if (list.length === 0) return true;
  if (!ip || !ipaddr.isValid(ip)) return false;
  const addr = ipaddr.process(ip);
  return list.some((entry) => {
    const range = parseEntry(entry);
    return range !== null && range[0].kind() === addr.kind() && addr.match(range);
  });
}
