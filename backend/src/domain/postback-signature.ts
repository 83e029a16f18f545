import crypto from 'node:crypto';

/**
 * Outbound postbacks are signed so an affiliate can tell they come from
 * Offerly: `X-Offerly-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + url)>`
 * with the Unix time in seconds in `X-Offerly-Timestamp`. Binding the
 * timestamp lets receivers refuse replays older than a few minutes.
 */
export const SIGNATURE_HEADER = 'X-Offerly-Signature';
export const TIMESTAMP_HEADER = 'X-Offerly-Timestamp';

export function signPostback(secret: string, timestamp: string, url: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${url}`).digest('hex')}`;
}

export function verifyPostbackSignature(secret: string, timestamp: string, url: string, signature: string): boolean {
  const expected = Buffer.from(signPostback(secret, timestamp, url));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
