import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { SIGNATURE_HEADER, signPostback, TIMESTAMP_HEADER } from '../domain/postback-signature';
import { hostOf, vetHost, type VettedAddress } from './address-guard';

export interface CallResult {
  outcome: 'delivered' | 'failed' | 'refused';
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface CallOptions {
  secret: string;
  timeoutMs: number;
  allowPrivate: boolean;
  /** The announcement's idempotency key, sent as `X-Offerly-Delivery-Id` (the same on every retry of it). */
  deliveryId?: string;
}

export const DELIVERY_ID_HEADER = 'X-Offerly-Delivery-Id';

/** A lookup that always answers the address that was vetted, whatever the host. */
function pinnedLookup(a: VettedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: a.address, family: a.family }]);
    else callback(null, a.address, a.family);
  }) as unknown as LookupFunction;
}

function request(url: URL, address: VettedAddress, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'GET',
      headers,
      lookup: pinnedLookup(address),
      agent: false, // no pooled socket from an earlier, differently vetted connection
      signal: AbortSignal.timeout(timeoutMs),
    });
    req.on('response', (res) => {
      // Only the status matters; redirects are not followed.
      res.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err) => reject(err.name === 'AbortError' || err.name === 'TimeoutError' ? new Error(`no answer within ${timeoutMs} ms`) : err));
    req.end();
  });
}

/**
 * One signed GET to an affiliate's postback URL: http(s) only, public
 * addresses only (unless allowed), connected to the vetted address, no
 * redirects, bounded by the timeout. Any 2xx counts as delivered.
 */
export async function callSigned(rawUrl: string, opts: CallOptions): Promise<CallResult> {
  const started = performance.now();
  const done = (outcome: CallResult['outcome'], httpStatus: number | null, error: string | null): CallResult => ({
    outcome,
    httpStatus,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return done('refused', null, 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return done('refused', null, `only http and https URLs are called, not ${url.protocol}`);
  const vetted = await vetHost(hostOf(url), { allowPrivate: opts.allowPrivate, timeoutMs: opts.timeoutMs });
  if (!vetted.ok) return done(vetted.refused ? 'refused' : 'failed', null, vetted.reason);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'user-agent': 'Offerly-Postback/1',
    accept: '*/*',
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: signPostback(opts.secret, timestamp, url.href),
    ...(opts.deliveryId ? { [DELIVERY_ID_HEADER]: opts.deliveryId } : {}),
  };
  try {
    // IPv4 first: a host listed with both families often listens on IPv4 only.
    const address = vetted.addresses.find((a) => a.family === 4) ?? vetted.addresses[0]!;
    const status = await request(url, address, headers, opts.timeoutMs);
    if (status >= 200 && status < 300) return done('delivered', status, null);
    const why = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
    return done('failed', status, why);
  } catch (err) {
    return done('failed', null, (err as Error).message);
  }
}
