import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { parse } from '../middleware/validate';
import { noInput, route, type RouteSpec } from './types';

export const QUEUE_BOARD_PATH = '/api/admin/queues';

/**
 * Queue health for admins: a JSON summary and the Bull Board UI. The board is
 * read-only: its own buttons cannot send our CSRF header, and retrying or
 * cleaning jobs by hand is not something the dashboard needs to offer.
 */
export function queueRoutes(ctx: AppContext): RouteSpec[] {
  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: Object.values(ctx.queues).map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    // @bull-board/express pins its own copy of @bull-board/api; the two copies' types differ only in private fields.
    serverAdapter: board as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Offerly queues' } },
  });
  const boardRouter = board.getRouter();

  return [
    route('get', `${QUEUE_BOARD_PATH}/summary`, 'queues.view', 'Depth and failures of every BullMQ queue', async (req, res) => {
      parse(noInput, req.query, 'query');
      try {
        const queues = await Promise.all(
          Object.values(ctx.queues).map(async (q) => {
            const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
            return { name: q.name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 };
          }),
        );
        res.json({ queues });
      } catch (err) {
        ctx.log.warn({ err }, 'queue summary unavailable');
        throw new ApiError('service_unavailable', 'Redis is not reachable; queue counts are unavailable');
      }
    }),
    {
      ...route('get', QUEUE_BOARD_PATH, 'queues.view', 'Bull Board: queues, jobs and failures (read-only UI)', () => {}),
      use: boardRouter,
      mount: true,
    },
  ];
}
