import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outbound postback must never reach: everything that is not a
 * public unicast address. IPv4 rules also match IPv4-mapped IPv6 addresses
 * (::ffff:10.0.0.1), which BlockList handles natively.
 */
const IPV4_BLOCKED: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified / this network'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (incl. cloud metadata)'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved / broadcast'],
];

const IPV6_BLOCKED: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible'],
  ['64:ff9b::', 96, 'NAT64'],
  ['64:ff9b:1::', 48, 'NAT64 (local)'],
  ['100::', 64, 'discard'],
  ['2001::', 23, 'IETF protocol assignments'],
  ['2001:db8::', 32, 'documentation'],
  ['2002::', 16, '6to4'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

type Family = 'ipv4' | 'ipv6';

// Specific IPv6 rules come before ::/96, which would otherwise also name ::1.
const RULES = [
  ...IPV4_BLOCKED.map(([net, prefix, why]) => ({ net, prefix, why, type: 'ipv4' as Family })),
  ...IPV6_BLOCKED.map(([net, prefix, why]) => ({ net, prefix, why, type: 'ipv6' as Family })),
].map((r) => {
  const list = new BlockList();
  list.addSubnet(r.net, r.prefix, r.type);
  return { why: r.why, list };
});

/** Why an address is not public, or null when it is a public unicast address. */
export function nonPublicReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type: Family = family === 4 ? 'ipv4' : 'ipv6';
  for (const r of RULES) if (r.list.check(address, type)) return r.why;
  return null;
}

export const isPublicAddress = (address: string): boolean => nonPublicReason(address) === null;
