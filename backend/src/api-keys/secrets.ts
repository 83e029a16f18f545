import crypto from 'node:crypto';
import { randomBase62 } from '../db/ids';

/**
 * Secrets of API keys: `ofl_` and 40 base62 characters (about 238 random
 * bits). The prefix makes a leaked key easy to recognise (secret scanners,
 * logs) and lets authentication tell a key from a session token without
 * trying to verify it as one. Only the SHA-256 of a secret is stored: the
 * secret is random enough that a fast hash cannot be reversed by guessing,
 * and the hash is what the key's document is found by.
 */
export const KEY_PREFIX = 'ofl_';
const RANDOM_LENGTH = 40;
const SHAPE = /^ofl_[0-9A-Za-z]{40}$/;
/** Characters of the secret shown in lists: `ofl_` and 8 of its random ones. */
const VISIBLE = KEY_PREFIX.length + 8;

export const newKeySecret = (): string => KEY_PREFIX + randomBase62(RANDOM_LENGTH);

export const looksLikeApiKey = (token: string): boolean => SHAPE.test(token);

export const keyHash = (secret: string): string => crypto.createHash('sha256').update(secret).digest('hex');

export const visiblePrefix = (secret: string): string => secret.slice(0, VISIBLE);
