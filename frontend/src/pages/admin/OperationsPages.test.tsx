import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobRun } from '../../api/types';
import { JobRunsPage } from './OperationsPages';
import { withRouterAndQueryClient } from '../../../test/query';

let runs: JobRun[];
let requests: string[];

const run = (over: Partial<JobRun>): JobRun => ({
  id: 'r1',
  job: 'payouts',
  trigger: 'manual',
  slot: null,
  windowFrom: null,
  windowTo: null,
  startedAt: '2026-11-25T10:00:00.000Z',
  finishedAt: '2026-11-25T10:00:01.500Z',
  status: 'succeeded',
  counts: { payouts: 1, conversions: 3 },
  details: {},
  error: null,
  host: 'h:1',
  ...over,
});

beforeEach(() => {
  requests = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      requests.push(url);
      const status = new URL(url, 'http://x').searchParams.get('status');
      const items = runs.filter((r) => !status || r.status === status);
      return new Response(JSON.stringify({ items, total: items.length, limit: 50, nextCursor: null, page: null, pages: null }), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

describe('job runs page', () => {
  it('filters by status and sorts through the API', async () => {
    runs = [run({}), run({ id: 'r2', job: 'rollup-hourly', trigger: 'schedule', status: 'failed', counts: {}, error: 'stats collection unavailable' })];
    render(<JobRunsPage />, { wrapper: withRouterAndQueryClient() });
    const table = await screen.findByRole('table', { name: 'Job runs' });
    expect(within(table).getByText('Payouts')).toBeInTheDocument();
    expect(within(table).getByText('Payouts: 1 · Conversions: 3')).toBeInTheDocument();
    expect(requests[0]).toBe('/api/admin/job-runs?sort=startedAt&order=desc&limit=50');

    const user = userEvent.setup();
    await user.click(within(screen.getByRole('group', { name: 'Job run status' })).getByRole('button', { name: 'Failed' }));
    await waitFor(() => expect(within(table).queryByText('Payouts')).toBeNull());
    expect(within(table).getByText('stats collection unavailable')).toBeInTheDocument();
    expect(requests.at(-1)).toBe('/api/admin/job-runs?status=failed&sort=startedAt&order=desc&limit=50');

    // Runs are listed in startedAt order only (day buckets): the other columns do not sort.
    expect(within(table).queryByRole('button', { name: /^Job/ })).toBeNull();
    await user.click(within(table).getByRole('button', { name: /Started/ }));
    await waitFor(() => expect(requests.at(-1)).toBe('/api/admin/job-runs?status=failed&sort=startedAt&order=asc&limit=50'));

    await user.click(within(screen.getByRole('group', { name: 'Job run status' })).getByRole('button', { name: 'Running' }));
    expect(await screen.findByText('No job runs match')).toBeInTheDocument();
  });
});
