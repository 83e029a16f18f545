import { Schema, type Connection } from 'mongoose';

/** One execution of a scheduled or on-demand job. */
export interface JobRunDoc {
  _id: string;
  job: string;
  trigger: 'schedule' | 'manual' | 'cli';
  /** For scheduled runs, the scheduled instant (one run per slot across all job processes). */
  slot: string | null;
  windowFrom: Date | null;
  windowTo: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  status: 'running' | 'succeeded' | 'failed';
  counts: Record<string, number>;
  /** What a run did beyond counts (e.g. the raw partitions retention dropped). */
  details: Record<string, unknown>;
  error: string | null;
  host: string | null;
}

const jobRunSchema = new Schema<JobRunDoc>(
  {
    _id: { type: String, required: true },
    job: { type: String, required: true },
    trigger: { type: String, enum: ['schedule', 'manual', 'cli'], required: true },
    slot: { type: String, default: null },
    windowFrom: { type: Date, default: null },
    windowTo: { type: Date, default: null },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    status: { type: String, enum: ['running', 'succeeded', 'failed'], required: true },
    counts: { type: Schema.Types.Mixed, default: {} },
    details: { type: Schema.Types.Mixed, default: {} },
    error: { type: String, default: null },
    host: { type: String, default: null },
  },
  { versionKey: false, collection: 'job_runs', minimize: false },
);
// The seed's wrap-up finds its own runs by job and window; the job-runs list reads day buckets (job-runs/run-list.ts).
jobRunSchema.index({ job: 1, startedAt: -1 });

export const jobRunModel = (conn: Connection) => conn.model<JobRunDoc>('JobRun', jobRunSchema);
export type JobRunModel = ReturnType<typeof jobRunModel>;
