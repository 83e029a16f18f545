import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthProvider, useAuth } from '../../context/AuthContext';
import { ToastProvider } from '../../context/ToastContext';
import { UsersPage } from './UsersPage';
import { withQueryClient } from '../../../test/query';

const account = (over: Record<string, unknown>) => ({ id: 'x', email: 'x@example.test', role: 'advertiser', status: 'pending', name: 'X', company: '', createdAt: '2026-11-01T00:00:00Z', statusHistory: [] as Array<Record<string, string>>, ...over });
const admin = account({ id: 'u1', email: 'root@example.test', role: 'admin', status: 'approved', name: 'Root' });

let items: ReturnType<typeof account>[];
let posts: Array<{ url: string; body: unknown }>;

beforeEach(() => {
  posts = [];
  items = [
    account({ id: 'adv1', name: 'Acme Ads', status: 'pending' }),
    account({ id: 'adv2', name: 'Globex', status: 'approved' }),
    account({ id: 'aff1', name: 'Finn', role: 'affiliate', status: 'suspended' }),
    admin,
  ];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      if (url === '/api/auth/me') return json(200, { user: admin, csrfToken: 't' });
      if (url.startsWith('/api/admin/users?')) return json(200, { items, total: items.length, limit: 50, nextCursor: null, page: null, pages: null });
      const m = /^\/api\/admin\/users\/(\w+)\/review$/.exec(url);
      if (m && init.method === 'POST') {
        const body = JSON.parse(String(init.body)) as { action: string; note: string };
        posts.push({ url, body });
        const to = body.action === 'suspend' ? 'suspended' : body.action === 'reject' ? 'rejected' : 'approved';
        const user = { ...items.find((u) => u.id === m[1])!, status: to, statusHistory: [{ at: '2026-12-05T10:00:00Z', by: 'u1', from: 'x', to, note: body.note }] };
        // Like the API, the list read after a review has the account's new status.
        items = items.map((u) => (u.id === user.id ? user : u));
        return json(200, { user });
      }
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
    <MemoryRouter>
      <AuthProvider>
        <ToastProvider>
          <SignedIn>
            <UsersPage />
          </SignedIn>
        </ToastProvider>
      </AuthProvider>
    </MemoryRouter>,
    { wrapper: withQueryClient() },
  );
}

describe('users page', () => {
  it('offers the actions each status allows, none for admins', async () => {
    renderPage();
    await screen.findByText('Acme Ads');
    expect(screen.getByRole('button', { name: 'Approve Acme Ads' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reject Acme Ads' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Suspend Globex' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reinstate Finn' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Root$/ })).toBeNull();
  });

  it('suspends an advertiser with a required note and shows its new status', async () => {
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByRole('button', { name: 'Suspend Globex' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/fallback pages/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Suspend' }));
    expect(await within(dialog).findByText('Please add a note')).toBeInTheDocument();
    expect(posts).toEqual([]);
    await user.type(within(dialog).getByLabelText(/Note/), 'chargebacks');
    await user.click(within(dialog).getByRole('button', { name: 'Suspend' }));
    await waitFor(() => expect(posts).toEqual([{ url: '/api/admin/users/adv2/review', body: { action: 'suspend', note: 'chargebacks' } }]));
    expect(await screen.findByRole('button', { name: 'Reinstate Globex' })).toBeInTheDocument();
  });

  it('approves a pending advertiser without a note', async () => {
    const user = userEvent.setup();
    renderPage();
    await user.click(await screen.findByRole('button', { name: 'Approve Acme Ads' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(posts).toEqual([{ url: '/api/admin/users/adv1/review', body: { action: 'approve', note: '' } }]));
    expect(await screen.findByRole('button', { name: 'Suspend Acme Ads' })).toBeInTheDocument();
  });
});
