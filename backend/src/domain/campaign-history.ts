import { isDeepStrictEqual } from 'node:util';

/**
 * The fields an edit really changes, as the campaign's history names them
 * (`caps.<cap>` for a cap): a field sent with the value it already had is not
 * a change.
 */
export function changedFields(current: object, patch: object): string[] {
  const cur = current as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === 'caps' && v && typeof v === 'object') {
      const caps = (cur.caps ?? {}) as Record<string, unknown>;
      for (const [ck, cv] of Object.entries(v)) if (cv !== undefined && !isDeepStrictEqual(caps[ck] ?? null, cv)) out.push(`caps.${ck}`);
    } else if (!isDeepStrictEqual(cur[k] ?? null, v)) {
      out.push(k);
    }
  }
  return out;
}
