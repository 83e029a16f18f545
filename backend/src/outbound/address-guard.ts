import dns from 'node:dns';
import { isIP } from 'node:net';
import { nonPublicReason } from '../domain/public-address';

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

export type GuardResult =
  | { ok: true; addresses: VettedAddress[] }
  | { ok: false; refused: true; reason: string }
  | { ok: false; refused: false; reason: string };

/** The host part of a URL as DNS knows it (IPv6 literals lose their brackets). */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

function lookupAll(host: string, timeoutMs: number): Promise<dns.LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`DNS lookup of ${host} timed out`)), timeoutMs);
    dns.lookup(host, { all: true, order: 'verbatim' }, (err, addresses) => {
      clearTimeout(timer);
      if (err) reject(new Error(`DNS lookup of ${host} failed (${err.code ?? err.message})`));
      else resolve(addresses);
    });
  });
}

/**
 * Resolves every address of a host and refuses the host if any of them is
 * not public (loopback, private, CGNAT, link-local incl. cloud metadata, ULA,
 * multicast, unspecified, and IPv4-mapped forms of those), unless private
 * addresses are allowed. The caller connects to a vetted address, so a second
 * DNS answer cannot swap in another one (no rebinding window).
 */
export async function vetHost(host: string, opts: { allowPrivate: boolean; timeoutMs: number }): Promise<GuardResult> {
  let addresses: dns.LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookupAll(host, opts.timeoutMs);
  } catch (err) {
    return { ok: false, refused: false, reason: (err as Error).message };
  }
  if (addresses.length === 0) return { ok: false, refused: false, reason: `${host} has no address` };
  if (!opts.allowPrivate) {
    for (const a of addresses) {
      const why = nonPublicReason(a.address);
      if (why) return { ok: false, refused: true, reason: `${host} resolves to ${a.address}, a ${why} address` };
    }
  }
  return { ok: true, addresses: addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 })) };
}

/** Quick check when a URL is saved: literal addresses and localhost can be refused without DNS. */
export function obviouslyPrivateHost(host: string): string | null {
  if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost';
  return isIP(host) ? nonPublicReason(host) : null;
}
