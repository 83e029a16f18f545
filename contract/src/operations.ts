import { z } from 'zod';
import { Instant, ObjectId, cursorPageQuery, cursorPagedOf, sortQuery } from './common';

// ---- Job runs -------------------------------------------------------------

export const JOB_RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export const JobRunStatus = z.enum(JOB_RUN_STATUSES).meta({ id: 'JobRunStatus' });
export type JobRunStatus = z.infer<typeof JobRunStatus>;

export const JOB_TRIGGERS = ['schedule', 'manual', 'cli'] as const;

/** One execution of a scheduled or on-demand job (rollup, payouts, retention, …). */
export const JobRun = z
  .strictObject({
    id: ObjectId,
    job: z.string().meta({ example: 'rollup' }),
    trigger: z.enum(JOB_TRIGGERS).meta({ description: 'The scheduler, an admin through the API, or the command line' }),
    slot: z.string().nullable().meta({ description: 'Scheduled runs: the scheduled instant (one run per slot across every process)' }),
    windowFrom: Instant.nullable().meta({ description: 'Start of the time window the run covered, if it covers one' }),
    windowTo: Instant.nullable(),
    startedAt: Instant,
    finishedAt: Instant.nullable(),
    status: JobRunStatus.meta({ description: 'A run whose process stopped is marked failed (abandoned) by the next run of its job' }),
    counts: z.record(z.string(), z.number()).meta({ description: 'What the run did, by name (e.g. `payouts`, `conversions`)' }),
    details: z.record(z.string(), z.unknown()).meta({ description: 'What a run did beyond counts' }),
    error: z.string().nullable().meta({ description: 'Why it failed' }),
    host: z.string().nullable().meta({ description: 'The process that ran it, `<hostname>:<pid>`' }),
  })
  .meta({ id: 'JobRun' });
export type JobRun = z.infer<typeof JobRun>;

export const JobRunPage = cursorPagedOf(JobRun).meta({ id: 'JobRunPage' });
export type JobRunPage = z.infer<typeof JobRunPage>;

/** Runs are listed in startedAt order (newest first unless asked otherwise). */
export const JOB_RUN_SORTS = ['startedAt'] as const;

export const JobRunListQuery = z.strictObject({
  ...cursorPageQuery,
  ...sortQuery(JOB_RUN_SORTS),
  job: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).optional().meta({ description: 'Only runs of this job', example: 'payouts' }),
  status: JobRunStatus.optional(),
});
export type JobRunListQuery = z.input<typeof JobRunListQuery>;

// ---- Reconciliation -------------------------------------------------------

/** The API reconciles at most this much at once (the command line has no limit). */
export const RECONCILE_API_MAX_DAYS = 31;

const ReconcileInstant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((s) => Date.parse(s))
  .meta({ description: 'An ISO 8601 instant with offset, or a day (its start in UTC)', example: '2026-05-01' });

export const ReconcileBody = z.strictObject({
  from: ReconcileInstant,
  to: ReconcileInstant.meta({ description: `Exclusive; after \`from\`, at most ${RECONCILE_API_MAX_DAYS} days later` }),
  listCounters: z.boolean().optional().meta({ description: 'Also compare the dashboard lists’ counters (all time) with their rows: a scan of every listed collection' }),
});
export type ReconcileBody = z.input<typeof ReconcileBody>;

export const ReconcileDifference = z
  .strictObject({
    kind: z.string().meta({ description: 'What was compared', example: 'hourly' }),
    key: z.string().meta({ description: 'The row compared (hour, campaign, affiliate, sub1; a payout; …)' }),
    field: z.string(),
    expected: z.number().meta({ description: 'Counted from the source of truth (raw events, conversions, lines)' }),
    actual: z.number().meta({ description: 'Found in what is derived from it (rollups, counters, payouts)' }),
  })
  .meta({ id: 'ReconcileDifference' });
export type ReconcileDifference = z.infer<typeof ReconcileDifference>;

const hours = z.array(Instant);

export const ReconcileResult = z
  .strictObject({
    ok: z.boolean().meta({ description: 'No differences' }),
    from: Instant.meta({ description: 'Start of the range compared (an hour start)' }),
    to: Instant,
    checked: z
      .strictObject({
        hours: z.number().int(),
        days: z.number().int().meta({ description: 'Whole days whose report documents were compared' }),
        clickDays: z.number().int().meta({ description: 'Settled days whose click earnings were compared with the rollup' }),
        counterDays: z.number().int().meta({ description: 'Days whose cap and budget counters were compared' }),
        payouts: z.number().int(),
      })
      .meta({ description: 'How much was compared' }),
    skipped: z
      .strictObject({
        dirtyHours: hours.meta({ description: 'Hours waiting to be rolled up again' }),
        settlingHours: hours.meta({ description: 'Hours that ended too recently' }),
        staleDays: z.array(z.string()).meta({ description: 'Always empty (kept for older clients)' }),
        droppedDays: z.array(z.string()).meta({ description: 'Days whose raw clicks retention dropped' }),
      })
      .meta({ description: 'What was not compared, and why' }),
    differences: z.array(ReconcileDifference),
    listCounters: z.boolean().meta({ description: 'Whether the dashboard lists’ counters were compared' }),
  })
  .meta({ id: 'ReconcileResult' });
export type ReconcileResult = z.infer<typeof ReconcileResult>;

// ---- Queues ---------------------------------------------------------------

export const QueueCounts = z
  .strictObject({
    name: z.string().meta({ example: 'clicks' }),
    waiting: z.number().int(),
    active: z.number().int(),
    delayed: z.number().int(),
    failed: z.number().int().meta({ description: 'Failed jobs kept for inspection (the last 10,000)' }),
    completed: z.number().int().meta({ description: 'Completed jobs still kept (they are removed at once)' }),
  })
  .meta({ id: 'QueueCounts' });
export type QueueCounts = z.infer<typeof QueueCounts>;

export const QueueSummary = z.strictObject({ queues: z.array(QueueCounts) }).meta({ id: 'QueueSummary' });
export type QueueSummary = z.infer<typeof QueueSummary>;
