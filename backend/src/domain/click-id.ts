import crypto from 'node:crypto';

/**
 * Click ids are 32 hex chars: 12 of millisecond timestamp, 20 random.
 * The time prefix lets a postback find the click's day partition without an
 * index, and the 80 random bits make ids unguessable and collision-free.
 */
export const CLICK_ID_RE = /^[0-9a-f]{32}$/;

const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomHex10(): string {
  if (poolOffset + 10 > pool.length) {
    pool = crypto.randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const s = pool.toString('hex', poolOffset, poolOffset + 10);
  poolOffset += 10;
  return s;
}

export function newClickId(nowMs: number = Date.now()): string {
  return nowMs.toString(16).padStart(12, '0') + randomHex10();
}

export function isClickId(id: unknown): id is string {
  return typeof id === 'string' && CLICK_ID_RE.test(id);
}

/** Click time encoded in the id, or null for anything that is not a click id. */
export function clickIdTime(id: string): number | null {
  if (!isClickId(id)) return null;
  return parseInt(id.slice(0, 12), 16);
}
