import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QueueSummary } from '@offerly/contract';
import type { AppContext } from '../../context';
import { ApiError } from '../../domain/errors';
import { queueSummary } from '../../queues/summary';
import { defineRoute, type RouteSpec } from './types';

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
    defineRoute({
      method: 'get',
      path: `${QUEUE_BOARD_PATH}/summary`,
      action: 'queues.view',
      tag: 'Operations',
      summary: 'Depth and failures of every BullMQ queue',
      description: 'A 503 while Redis does not answer.',
      responses: { 200: QueueSummary },
    }).handle(async () => {
      try {
        return { queues: await queueSummary(ctx.queues) };
      } catch (err) {
        ctx.log.warn({ err }, 'queue summary unavailable');
        throw new ApiError('service_unavailable', 'Redis is not reachable; queue counts are unavailable');
      }
    }),
    {
      ...defineRoute({
        method: 'get',
        path: QUEUE_BOARD_PATH,
        action: 'queues.view',
        tag: 'Operations',
        summary: 'Bull Board: queues, jobs and failures (read-only UI)',
        description: 'A browser UI mounted here, with its own pages, assets and JSON under this path (behind the same permission); its retry and clean actions are refused.',
        responses: { 200: { mediaType: 'text/html', description: 'The queue dashboard’s page' } },
      }).handle(async () => {}),
      use: boardRouter,
      mount: true,
    },
  ];
}
