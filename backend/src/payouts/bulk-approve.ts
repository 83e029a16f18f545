import type { PayoutBulkResult } from '@offerly/contract';
import type { AppContext } from '../context';
import { tryTransitionPayout } from './transitions';

/** Approvals made at once: each takes its payout's lock and a few writes, so a batch of 100 ends in seconds without crowding the database. */
const CONCURRENCY = 4;

/**
 * Approves each payout named (duplicates once) with the single approval's
 * transition, answering every id's outcome in the order given: approved, or
 * refused with why (not found, not awaiting approval, being changed, changed
 * meanwhile). One refusal does not stop the others.
 */
export async function bulkApprovePayouts(ctx: AppContext, ids: string[], by: string, note: string): Promise<PayoutBulkResult[]> {
  const unique = [...new Set(ids)];
  const out: PayoutBulkResult[] = new Array(unique.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < unique.length; i = next++) {
      const id = unique[i]!;
      const r = await tryTransitionPayout(ctx, id, 'approve', by, { note });
      out[i] = r.ok
        ? { id, outcome: 'approved', status: 'approved' }
        : { id, outcome: 'refused', reason: r.refusal.kind, message: r.refusal.message, status: r.refusal.status === 'building' ? null : r.refusal.status };
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, unique.length) }, worker));
  return out;
}
