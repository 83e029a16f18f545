import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { QUEUE_BOARD_URL } from '../../api/admin';
import { queries } from '../../api/queries';
import type { JobRun, JobRunStatus, QueueSummary } from '../../api/types';
import { buttonClass, Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { DataTable, type Column } from '../../components/DataTable';
import { inputClass } from '../../components/form/fields';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useDebounced } from '../../hooks/useDebounced';
import { useListFilter } from '../../hooks/useListFilter';
import { useCursorList } from '../../hooks/useServerList';
import { formatDateTime, formatNumber, humanize } from '../../lib/format';

function duration(run: JobRun): string {
  if (!run.finishedAt) return '—';
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return Number.isFinite(ms) ? (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`) : '—';
}

/** "payouts: 3 · conversions: 41"; a dash while running or when the job counted nothing. */
function jobCounts(run: JobRun): string {
  const entries = Object.entries(run.counts ?? {});
  return entries.length ? entries.map(([k, v]) => `${humanize(k)}: ${formatNumber(v)}`).join(' · ') : '—';
}

const STATUSES: Record<JobRunStatus | 'all', string> = { all: 'All', running: 'Running', succeeded: 'Succeeded', failed: 'Failed' };

export function JobRunsPage() {
  const [jobInput, setJobInput] = useState('');
  const job = useDebounced(jobInput.trim(), 300);
  const status = useListFilter('Job run status', STATUSES, 'all');
  const list = useCursorList((paging) => queries.jobRuns.list({ job: job || undefined, status: status.param, ...paging, limit: 50 }), { key: 'startedAt', dir: 'desc' });
  const columns: Column<JobRun>[] = [
    { id: 'job', header: 'Job', cell: (r) => <span className="font-medium">{humanize(r.job)}</span> },
    { id: 'status', header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
    { id: 'trigger', header: 'Trigger', cell: (r) => humanize(r.trigger), hideOnMobile: true },
    { id: 'started', header: 'Started', cell: (r) => formatDateTime(r.startedAt), sortKey: 'startedAt' },
    { id: 'duration', header: 'Duration', align: 'right', cell: duration, hideOnMobile: true },
    { id: 'window', header: 'Window', cell: (r) => (r.windowFrom ? `${formatDateTime(r.windowFrom)} → ${formatDateTime(r.windowTo)}` : '—'), hideOnMobile: true },
    {
      id: 'counts',
      header: 'Result',
      cell: (r) =>
        r.error ? (
          <span className="block max-w-xs truncate text-xs text-rose-800" title={r.error}>
            {r.error}
          </span>
        ) : (
          <span className="text-xs text-slate-700">{jobCounts(r)}</span>
        ),
      hideOnMobile: true,
    },
  ];
  return (
    <>
      <PageHeader title="Job runs" description="Rollups, auto-approval, payout runs and retention, newest first." />
      <Card>
        <ListTable
          list={list}
          toolbar={
            <>
              <div className="w-full sm:w-64">
                <label htmlFor="job-filter" className="block text-xs font-medium text-slate-700">
                  Job
                </label>
                <input id="job-filter" list="job-names" value={jobInput} onChange={(e) => setJobInput(e.target.value)} placeholder="All jobs" className={inputClass(false, 'mt-1 py-1.5')} />
                <datalist id="job-names">
                  {['rollup-hourly', 'rollup', 'auto-approve', 'payouts', 'retention'].map((j) => (
                    <option key={j} value={j} />
                  ))}
                </datalist>
              </div>
              <div>
                <span className="block text-xs font-medium text-slate-700">Status</span>
                <div className="mt-1">{status.control}</div>
              </div>
              <Button variant="secondary" size="sm" onClick={() => void list.query.refetch()} busy={list.query.isFetching}>
                Refresh
              </Button>
            </>
          }
          caption="Job runs"
          columns={columns}
          rowKey={(r) => r.id}
          rowLabel="runs"
          empty={
            job || status.param ? (
              <EmptyState title="No job runs match">Try another job or status.</EmptyState>
            ) : (
              <EmptyState title="No job runs yet">Runs appear once the jobs process has started.</EmptyState>
            )
          }
        />
      </Card>
    </>
  );
}

export function QueuesPage() {
  const state = useQuery(queries.queues.summary());
  const columns: Column<QueueSummary>[] = [
    { id: 'name', header: 'Queue', cell: (q) => <span className="font-medium">{q.name}</span>, sortValue: (q) => q.name },
    { id: 'waiting', header: 'Waiting', align: 'right', cell: (q) => formatNumber(q.waiting), sortValue: (q) => q.waiting },
    { id: 'active', header: 'Active', align: 'right', cell: (q) => formatNumber(q.active), sortValue: (q) => q.active },
    { id: 'delayed', header: 'Delayed', align: 'right', cell: (q) => formatNumber(q.delayed), sortValue: (q) => q.delayed },
    { id: 'failed', header: 'Failed', align: 'right', cell: (q) => <span className={q.failed ? 'font-semibold text-rose-700' : ''}>{formatNumber(q.failed)}</span>, sortValue: (q) => q.failed },
    { id: 'completed', header: 'Completed', align: 'right', cell: (q) => formatNumber(q.completed), sortValue: (q) => q.completed, hideOnMobile: true },
  ];
  return (
    <>
      <PageHeader
        title="Queue health"
        description="BullMQ queue depths and failures."
        actions={
          <>
            <Button variant="secondary" onClick={() => void state.refetch()} busy={state.isFetching}>
              Refresh
            </Button>
            <a href={QUEUE_BOARD_URL} target="_blank" rel="noreferrer" className={buttonClass('primary')}>
              Open queue dashboard ↗
            </a>
          </>
        }
      />
      <Card>
        <Async state={state} isEmpty={(d) => d.queues.length === 0} empty={<EmptyState title="No queues reported" />}>
          {(d) => <DataTable caption="Queues" columns={columns} rows={d.queues} rowKey={(q) => q.name} rowLabel="queues" />}
        </Async>
      </Card>
    </>
  );
}
