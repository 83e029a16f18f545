import net from 'node:net';

/**
 * Which proxies to believe about the client's address: none (`0`), the
 * nearest N hops, or every hop (`true`). Same meaning as Express's
 * `trust proxy`, so the click path and the API agree on who the client is.
 */
export type TrustProxy = number | true;

/**
 * The client's address behind `trust` proxies. The socket's peer is the
 * nearest hop; X-Forwarded-For lists the farther ones, nearest last. Only
 * trusted hops may name the next one, so a client cannot pick its own address
 * by sending X-Forwarded-For to a proxy that appends to it.
 */
export function clientAddress(socketAddress: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  if (trust === 0 || !forwardedFor) return socketAddress;
  const hops = [socketAddress, ...forwardedFor.split(',').map((s) => s.trim()).reverse()];
  const target = trust === true ? hops.length - 1 : Math.min(trust, hops.length - 1);
  // A malformed entry ends what can be believed: the hop that sent it is the client.
  for (let i = 1; i <= target; i++) if (!net.isIP(hops[i] as string)) return hops[i - 1] as string;
  return hops[target] as string;
}
