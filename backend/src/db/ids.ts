import crypto from 'node:crypto';
import { Types } from 'mongoose';

/** Document ids are hex ObjectId strings: time-ordered, compact and plain JSON. */
export const newId = (): string => new Types.ObjectId().toHexString();
export const isObjectIdHex = (s: unknown): s is string => typeof s === 'string' && /^[0-9a-f]{24}$/.test(s);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Short unguessable id (≈59 bits for 10 chars) for public tracking links. */
export function randomBase62(length: number): string {
  const bytes = crypto.randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 248) out += BASE62[b % 62]; // 248 = 4 * 62: avoids modulo bias
  }
  return out.length === length ? out : randomBase62(length);
}

export const newSecret = (): string => crypto.randomBytes(24).toString('base64url');
