import type { QueueCounts } from '@offerly/contract';
import type { Queues } from './index';

/** Depth and failures of every queue, as BullMQ counts them (one Redis round trip per queue). */
export async function queueSummary(queues: Queues): Promise<QueueCounts[]> {
  return Promise.all(
    Object.values(queues).map(async (q) => {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
      return { name: q.name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
    }),
  );
}
