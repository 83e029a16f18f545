import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReactNode } from 'react';
import { AuthProvider, useAuth } from '../../context/AuthContext';
import { ToastProvider } from '../../context/ToastContext';
import { PayoutsPage } from './PayoutsPage';
import { withQueryClient } from '../../../test/query';

/** A payout exactly as GET /api/payouts answers it (backend/src/payouts/views.ts). */
const payout = (over: Record<string, unknown> = {}) => ({
  id: 'p1',
  runId: 'r1',
  affiliateId: 'a1',
  affiliateName: 'Finn Affiliate',
  currency: 'JPY',
  amountCents: 1500,
  conversionCount: 3,
  status: 'pending_approval',
  cutoff: '2026-11-25T10:00:00.000Z',
  periodStart: '2026-11-20T08:00:00.000Z',
  periodEnd: '2026-11-25T09:00:00.000Z',
  paidReference: null,
  createdAt: '2026-11-25T10:00:01.000Z',
  updatedAt: '2026-11-25T10:00:01.000Z',
  history: [{ at: '2026-11-25T10:00:01.000Z', by: 'system', from: 'building', to: 'pending_approval', note: 'payout run r1' }],
  ...over,
});
const admin = { id: 'u1', email: 'root@example.test', role: 'admin', status: 'approved', name: 'Root', company: '', createdAt: '2026-11-01T00:00:00Z' };
const page = (items: unknown[]) => ({ items, total: items.length, limit: 25, nextCursor: null, page: null, pages: null });

let requests: string[];
let bodies: unknown[];
let runReply: unknown;
let items: unknown[];

beforeEach(() => {
  requests = [];
  bodies = [];
  items = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      requests.push(`${String(init.method)} ${url}`);
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url === '/api/auth/me') return json(200, { user: admin, csrfToken: 't' });
      if (url === '/api/payouts/run') return json(200, runReply);
      if (url === '/api/payouts/bulk-approve') {
        const { ids } = JSON.parse(String(init.body)) as { ids: string[] };
        bodies.push({ ids });
        const results = ids.map((id) => (id === 'p2' ? { id, outcome: 'refused', reason: 'changed', message: 'The payout changed meanwhile; reload and retry', status: null } : { id, outcome: 'approved', status: 'approved' }));
        return json(200, { results, approved: ids.length - 1, refused: 1 });
      }
      if (url.includes('format=csv')) return new Response('id\n', { status: 200, headers: { 'content-type': 'text/csv' } });
      if (url.startsWith('/api/payouts?')) return json(200, page(items));
      return json(404, { error: { code: 'not_found', message: 'no' } });
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Like the app's routes: signed-in pages render once the account is known. */
function SignedIn({ children }: { children: ReactNode }) {
  return useAuth().user ? children : null;
}

function renderPage() {
  render(
    <MemoryRouter>
      <AuthProvider>
        <ToastProvider>
          <SignedIn>
            <PayoutsPage />
          </SignedIn>
        </ToastProvider>
      </AuthProvider>
    </MemoryRouter>,
    { wrapper: withQueryClient() },
  );
}

const run = (over: Record<string, unknown>) => ({
  run: { id: 'r2', job: 'payouts', trigger: 'manual', slot: null, windowFrom: null, windowTo: null, startedAt: '2026-11-25T10:00:00Z', finishedAt: '2026-11-25T10:00:01Z', status: 'succeeded', counts: { payouts: 1, conversions: 3, carriedOver: 0, carriedOverGroups: 0, resumed: 0, released: 0 }, details: {}, error: null, host: 'h:1', ...over },
});

describe('payouts page (admin)', () => {
  it('lists pending payouts in their currency, with the CSV link for the same filter', async () => {
    items = [payout()];
    renderPage();
    const row = (await screen.findByRole('button', { name: 'Finn Affiliate' })).closest('tr')!;
    expect(within(row).getByText('¥1,500')).toBeInTheDocument();
    expect(within(row).getByText('Pending approval')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: /Review/ })).toHaveAttribute('href', '/payouts/p1');
    expect(requests).toContain('GET /api/payouts?status=pending_approval&sort=createdAt&order=desc&limit=25');
    // The CSV comes through the API client, with the same filter and order as the table.
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:test/1');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalledTimes(1));
    expect(requests).toContain('GET /api/payouts?status=pending_approval&sort=createdAt&order=desc&format=csv');
  });

  it('a run that succeeded says what it created and reloads the list', async () => {
    runReply = run({});
    renderPage();
    await screen.findByText('No payouts here');
    items = [payout()];
    await userEvent.click(screen.getByRole('button', { name: 'Run payouts now' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Run payouts' }));
    expect(await screen.findByText('Payout run succeeded: 1 payout, 3 conversions')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Finn Affiliate' })).toBeInTheDocument();
  });

  it('a run recorded as failed (still answered 200) shows its error, not a success', async () => {
    runReply = run({ status: 'failed', counts: {}, error: 'claims collection unavailable' });
    renderPage();
    await screen.findByText('No payouts here');
    await userEvent.click(screen.getByRole('button', { name: 'Run payouts now' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Run payouts' }));
    expect(await screen.findByText('Payout run failed: claims collection unavailable')).toBeInTheDocument();
    expect(screen.queryByText(/Payout run succeeded/)).toBeNull();
  });

  it('approves the ticked payouts awaiting approval in one request and says which were refused', async () => {
    items = [payout(), payout({ id: 'p2', affiliateName: 'Gus Affiliate' }), payout({ id: 'p3', affiliateName: 'Hal Affiliate', status: 'approved' })];
    renderPage();
    await screen.findByRole('button', { name: 'Gus Affiliate' });
    // A payout not awaiting approval has no checkbox.
    expect(screen.getAllByRole('checkbox', { name: /^Select payout of/ })).toHaveLength(2);
    expect(screen.getByRole('button', { name: 'Approve selected (0)' })).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select every payout awaiting approval on this page' }));
    await userEvent.click(screen.getByRole('button', { name: 'Approve selected (2)' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('Approved 1 payout; 1 refused: The payout changed meanwhile; reload and retry')).toBeInTheDocument();
    expect(bodies).toEqual([{ ids: ['p1', 'p2'] }]);
  });
});
