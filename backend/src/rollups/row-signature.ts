import { STAT_VALUE_FIELDS, type StatKeys, type StatValues } from '../db/models/stats';
import type { StatRow } from './compute';

/**
 * A row's values as a string (`advertiserId|currency|v1,v2,…` in STAT_VALUE_FIELDS
 * order): rows whose signature did not change are not rewritten.
 */
export function signature(r: StatKeys & StatValues): string {
  return `${r.advertiserId}|${r.currency}|${STAT_VALUE_FIELDS.map((f) => r[f]).join(',')}`;
}

/** The row an id and signature stand for (inverse of `hourlyStatId` + `signature`). */
export function rowFromSignature(id: string, sig: string): StatRow {
  const [hourIso = '', campaignId = '', affiliateId = '', ...sub] = id.split('|');
  const [advertiserId = '', currency = '', values = ''] = sig.split('|');
  const nums = values.split(',').map(Number);
  const row = { hour: Date.parse(hourIso), campaignId, affiliateId, sub1: sub.join('|'), advertiserId, currency } as StatRow;
  STAT_VALUE_FIELDS.forEach((f, i) => { row[f] = nums[i] ?? 0; });
  return row;
}

