import crypto from 'node:crypto';

/**
 * A visitor is identified by a keyed hash of IP and user agent, so uniqueness
 * can be decided without storing either in a reversible form.
 */
export function visitorHash(ip: string, userAgent: string, salt: string): string {
  return crypto.createHmac('sha256', salt).update(ip).update('\n').update(userAgent).digest('hex').slice(0, 32);
}
