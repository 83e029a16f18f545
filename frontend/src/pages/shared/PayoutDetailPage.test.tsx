import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthProvider, useAuth } from '../../context/AuthContext';
import { ToastProvider } from '../../context/ToastContext';
import { PayoutDetailPage } from './PayoutDetailPage';
import { withQueryClient } from '../../../test/query';

/** A payout as GET /api/payouts/:id answers it (backend/src/payouts/views.ts). */
const payout = (over: Record<string, unknown> = {}) => ({
  id: 'p1',
  runId: 'r1',
  affiliateId: 'a1',
  affiliateName: 'Finn Affiliate',
  currency: 'USD',
  amountCents: 800,
  conversionCount: 1,
  clickEarningCount: 0,
  clickCount: 0,
  clickAmountCents: 0,
  status: 'approved',
  cutoff: '2026-11-25T10:00:00.000Z',
  periodStart: null,
  periodEnd: null,
  paidReference: null,
  createdAt: '2026-11-25T10:00:01.000Z',
  updatedAt: '2026-11-25T10:00:01.000Z',
  history: [
    { at: '2026-11-25T10:00:01.000Z', by: 'system', from: 'building', to: 'pending_approval', note: '' },
    { at: '2026-11-25T11:00:00.000Z', by: 'u1', from: 'pending_approval', to: 'approved', note: 'Checked' },
  ],
  ...over,
});
const account = (role: string) => ({ id: 'u1', email: 'root@example.test', role, status: 'approved', name: 'Root', company: '', createdAt: '2026-11-01T00:00:00Z' });
const conversionLine = { id: 'l1', kind: 'conversion', conversionId: 'c1', clickEarningId: null, day: null, clicks: null, campaignId: 'k1', campaignName: 'Summer Sale', amountCents: 800, convertedAt: '2026-11-24T10:00:00.000Z' };
const paged = (items: unknown[]) => ({ items, total: items.length, limit: 50, nextCursor: null, page: null, pages: null });
let lines: ReturnType<typeof paged>;

let me: ReturnType<typeof account>;
let current: ReturnType<typeof payout>;
let posts: Array<{ url: string; body: unknown }>;

beforeEach(() => {
  posts = [];
  lines = paged([conversionLine]);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url === '/api/auth/me') return json(200, { user: me, csrfToken: 't' });
      if (init.method === 'POST' && url === '/api/payouts/p1/reject') {
        posts.push({ url, body: JSON.parse(String(init.body)) });
        current = payout({ status: 'rejected', history: [...current.history, { at: '2026-11-25T12:00:00.000Z', by: 'u1', from: current.status, to: 'rejected', note: 'Chargebacks' }] });
        return json(200, { payout: current });
      }
      if (url.startsWith('/api/payouts/p1?')) return json(200, { payout: current, lines });
      return json(404, { error: { code: 'not_found', message: 'no' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function SignedIn({ children }: { children: ReactNode }) {
  return useAuth().user ? children : null;
}

function renderPage() {
  render(
    <MemoryRouter initialEntries={['/payouts/p1']}>
      <AuthProvider>
        <ToastProvider>
          <SignedIn>
            <Routes>
              <Route path="/payouts/:id" element={<PayoutDetailPage />} />
            </Routes>
          </SignedIn>
        </ToastProvider>
      </AuthProvider>
    </MemoryRouter>,
    { wrapper: withQueryClient() },
  );
}

describe('payout detail', () => {
  it('lets an admin reject an approved payout (not paid yet), with a note, and shows the new status', async () => {
    me = account('admin');
    current = payout();
    renderPage();
    await screen.findByRole('heading', { name: 'Payout to Finn Affiliate' });
    expect(screen.getByRole('button', { name: 'Mark paid' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Reject' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveTextContent('Reject $8.00 to Finn Affiliate, although it was approved?');
    // A rejection needs a reason.
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(within(dialog).getByText('Please add a note')).toBeInTheDocument();
    expect(posts).toEqual([]);
    await user.type(within(dialog).getByLabelText(/Note/), 'Chargebacks');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await screen.findByText('Payout rejected')).toBeInTheDocument();
    expect(posts).toEqual([{ url: '/api/payouts/p1/reject', body: { note: 'Chargebacks' } }]);
    expect(within(screen.getByRole('list', { name: 'Payout history' })).getByText('Approved →', { exact: false })).toHaveTextContent('Approved → Rejected');
    expect(screen.queryByRole('button', { name: 'Reject' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Mark paid' })).toBeNull();
  });

  it('offers approve and reject while pending, nothing once paid, and nothing to affiliates', async () => {
    me = account('admin');
    current = payout({ status: 'pending_approval' });
    renderPage();
    await screen.findByRole('heading', { name: 'Payout to Finn Affiliate' });
    expect(screen.getByRole('button', { name: 'Approve' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reject' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Mark paid' })).toBeNull();
  });

  it('shows no review buttons on a paid payout or to the affiliate', async () => {
    me = account('admin');
    current = payout({ status: 'paid', paidReference: 'WIRE-1' });
    renderPage();
    await screen.findByText('WIRE-1');
    expect(screen.queryByRole('button', { name: /Reject|Approve|Mark paid/ })).toBeNull();
    cleanup();

    me = account('affiliate');
    current = payout();
    renderPage();
    await screen.findByRole('heading', { name: 'Payout to Finn Affiliate' });
    expect(screen.queryByRole('button', { name: /Reject|Approve|Mark paid/ })).toBeNull();
  });

  it('shows a CPC clicks line with its day and clicks next to a conversion line', async () => {
    me = account('affiliate');
    current = payout({ amountCents: 30_900, clickEarningCount: 1, clickCount: 1204, clickAmountCents: 30_100 });
    lines = paged([
      { id: 'l2', kind: 'clicks', conversionId: null, clickEarningId: '2026-11-20|k2|a1|USD', day: '2026-11-20', clicks: 1204, campaignId: 'k2', campaignName: 'Click Bonanza', amountCents: 30_100, convertedAt: '2026-11-20T00:00:00.000Z' },
      conversionLine,
    ]);
    renderPage();
    const table = await screen.findByRole('table', { name: 'Payout lines' });
    const clicksRow = within(table).getByText('Clicks on 2026-11-20 · 1,204 clicks').closest('tr')!;
    expect(clicksRow).toHaveTextContent('Click Bonanza');
    expect(clicksRow).toHaveTextContent('$301.00');
    expect(clicksRow).not.toHaveTextContent('2026-11-20|k2');
    const conversionRow = within(table).getByText('Summer Sale').closest('tr')!;
    expect(conversionRow).toHaveTextContent(/^Conversion · /);
    expect(conversionRow).toHaveTextContent('c1');
    expect(screen.getByTestId('payout-clicks')).toHaveTextContent('1,204');
    expect(screen.getByTestId('payout-amount')).toHaveTextContent('$309.00');
  });

  it('shows no paid clicks figure for a payout of conversions only', async () => {
    me = account('affiliate');
    current = payout();
    renderPage();
    await screen.findByRole('table', { name: 'Payout lines' });
    expect(screen.queryByTestId('payout-clicks')).toBeNull();
  });
});
