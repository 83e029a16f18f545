import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';

// The live socket is not under test here.
vi.mock('socket.io-client', () => ({
  io: () => ({ connected: false, on: vi.fn(), off: vi.fn(), emit: vi.fn(), disconnect: vi.fn() }),
}));

type Handler = (url: string, init: RequestInit) => { status: number; body: unknown };
let handler: Handler;
const calls: string[] = [];

beforeEach(() => {
  calls.length = 0;
  window.history.pushState({}, '', '/');
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push(`${init.method} ${url}`);
      const r = handler(url, init);
      return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const user = (over: Record<string, unknown> = {}) => ({ id: 'u1', email: 'ada@example.test', role: 'advertiser', status: 'approved', name: 'Ada', company: '', createdAt: '2026-11-25T00:00:00Z', ...over });
const unauthenticated = { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in first' } } };

describe('auth flow in the app shell', () => {
  it('sends signed-out visitors to the sign-in page, validates the form, and shows the server’s error', async () => {
    handler = (url) => (url.startsWith('/api/auth/login') ? { status: 401, body: { error: { code: 'unauthenticated', message: 'Email or password is incorrect' } } } : unauthenticated);
    window.history.pushState({}, '', '/campaigns');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in to Offerly' })).toBeInTheDocument();
    const u = userEvent.setup();
    await u.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Enter a valid email address')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(calls.filter((c) => c.includes('/login'))).toHaveLength(0);
    await u.type(screen.getByRole('textbox', { name: 'Email' }), 'ada@example.test');
    await u.type(screen.getByLabelText(/Password/), 'wrong-password');
    await u.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Email or password is incorrect')).toBeInTheDocument();
  });

  it('a 401 from any page signs out and says the session ended', async () => {
    let signedIn = true;
    handler = (url) => {
      if (url === '/api/auth/me') return signedIn ? { status: 200, body: { user: user(), csrfToken: 't' } } : unauthenticated;
      if (url.startsWith('/api/campaigns')) {
        signedIn = false;
        return unauthenticated;
      }
      return { status: 404, body: { error: { code: 'not_found', message: 'No route' } } };
    };
    window.history.pushState({}, '', '/campaigns');
    render(<App />);
    expect(await screen.findByText('Your session ended. Please sign in again.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Sign in to Offerly' })).toBeInTheDocument();
  });

  it('a pending affiliate sees that its account awaits approval, whatever page it opens', async () => {
    handler = (url) => (url === '/api/auth/me' ? { status: 200, body: { user: user({ role: 'affiliate', status: 'pending' }), csrfToken: 't' } } : unauthenticated);
    window.history.pushState({}, '', '/offers');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Your account is awaiting approval' })).toBeInTheDocument();
    expect(calls).toEqual(['GET /api/auth/me']);
  });

  it('a pending advertiser works in the dashboard under a banner saying its campaigns get no traffic until approved; Check again clears it once approved', async () => {
    let status = 'pending';
    handler = (url) => {
      if (url === '/api/auth/me') return { status: 200, body: { user: user({ status }), csrfToken: 't' } };
      if (url.startsWith('/api/campaigns')) return { status: 200, body: { items: [], total: 0, page: 1, limit: 25, pages: 0 } };
      return { status: 404, body: { error: { code: 'not_found', message: 'No route' } } };
    };
    window.history.pushState({}, '', '/campaigns');
    render(<App />);
    expect(await screen.findByText('Your advertiser account is awaiting approval')).toBeInTheDocument();
    expect(screen.getByText(/No traffic reaches them until an admin approves your account/)).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Campaigns' })).toBeInTheDocument();
    status = 'approved';
    await userEvent.setup().click(screen.getByRole('button', { name: 'Check again' }));
    await waitFor(() => expect(screen.queryByText('Your advertiser account is awaiting approval')).toBeNull());
  });

  it('an approved user lands on its role’s home page with the role’s navigation', async () => {
    handler = (url) => {
      if (url === '/api/auth/me') return { status: 200, body: { user: user({ role: 'admin', name: 'Root' }), csrfToken: 't' } };
      return { status: 404, body: { error: { code: 'not_found', message: 'No route for GET /x' } } };
    };
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Platform overview' })).toBeInTheDocument();
    const nav = screen.getAllByRole('navigation', { name: 'Main' })[0]!;
    for (const label of ['Overview', 'Affiliates', 'Campaigns', 'Payouts', 'Job runs', 'Queues']) expect(nav).toHaveTextContent(label);
    expect(screen.getByText('admin')).toBeInTheDocument();
    // Endpoints this server lacks show their error state inside the page.
    expect((await screen.findAllByText('This server does not provide this yet.')).length).toBeGreaterThan(0);
  });

  it('after signing out, the next account lands on its own home page, not the previous user’s page', async () => {
    adminThenAdvertiser(() => undefined);
    window.history.pushState({}, '', '/jobs');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Job runs' })).toBeInTheDocument();
    const u = userEvent.setup();
    await switchToAdvertiser(u);
    expect(window.location.pathname).toBe('/campaigns');
    expect(await screen.findByText('No campaigns yet')).toBeInTheDocument();
  });

  it('what one account read is dropped when it signs out: the next account on the same page never sees it', async () => {
    const admins = [{ id: 'cv1', campaignName: 'Another advertiser’s campaign', txnId: 'ORDER-SEEN-BY-ADMIN', status: 'approved', reason: null, currency: 'USD', saleAmountCents: 0, revenueCents: 100, payoutCents: 50, convertedAt: '2026-11-25T10:00:00Z', sub1: null, payoutId: null }];
    adminThenAdvertiser((url, me) => {
      if (!url.startsWith('/api/conversions')) return undefined;
      const items = me.role === 'admin' ? admins : [];
      return { status: 200, body: { items, total: items.length, limit: 25, nextCursor: null, page: null, pages: null } };
    });
    window.history.pushState({}, '', '/conversions');
    render(<App />);
    expect(await screen.findByText('ORDER-SEEN-BY-ADMIN')).toBeInTheDocument();
    const u = userEvent.setup();
    await switchToAdvertiser(u);
    await u.click(within(screen.getAllByRole('navigation', { name: 'Main' })[0]!).getByRole('link', { name: 'Conversions' }));
    // Within the cache's stale time the admin's answer would be shown, and not even asked again.
    expect(await screen.findByText('No conversions yet')).toBeInTheDocument();
    expect(screen.queryByText('ORDER-SEEN-BY-ADMIN')).toBeNull();
  });
});

/**
 * Root (an admin) is signed in; once signed out, whoever signs in is Ada, an
 * advertiser with no campaigns. `answer` answers the pages' other requests for
 * the account signed in (undefined: a 404).
 */
function adminThenAdvertiser(answer: (url: string, me: Record<string, unknown>) => { status: number; body: unknown } | undefined) {
  let me: Record<string, unknown> | null = user({ role: 'admin', name: 'Root' });
  handler = (url) => {
    if (url === '/api/auth/me') return me ? { status: 200, body: { user: me, csrfToken: 't' } } : unauthenticated;
    if (url === '/api/auth/logout') {
      me = null;
      return { status: 200, body: { ok: true } };
    }
    if (url === '/api/auth/login') {
      me = user();
      return { status: 200, body: { user: me } };
    }
    const answered = me ? answer(url, me) : undefined;
    if (answered) return answered;
    if (url.startsWith('/api/campaigns')) return { status: 200, body: { items: [], total: 0, page: 1, limit: 25, pages: 1 } };
    return { status: 404, body: { error: { code: 'not_found', message: 'No route for GET /x' } } };
  };
}

/** Signs out through the shell and in again through the form; done once Ada's home page shows. */
async function switchToAdvertiser(u: ReturnType<typeof userEvent.setup>) {
  await u.click(screen.getByRole('button', { name: 'Sign out' }));
  await screen.findByRole('heading', { name: 'Sign in to Offerly' });
  await u.type(screen.getByRole('textbox', { name: 'Email' }), 'ada@example.test');
  await u.type(screen.getByLabelText(/Password/), 'correct horse');
  await u.click(screen.getByRole('button', { name: 'Sign in' }));
  expect(await screen.findByRole('heading', { name: 'Campaigns' })).toBeInTheDocument();
}

const emptyPage = { items: [], total: 0, page: 1, limit: 50, pages: 1 };

describe('app shell: errors, titles, focus and account changes', () => {
  it('names the browser tab after the page and moves focus to the page content on navigation', async () => {
    handler = (url) => {
      if (url === '/api/auth/me') return { status: 200, body: { user: user({ role: 'admin', name: 'Root' }), csrfToken: 't' } };
      if (url.startsWith('/api/admin/job-runs')) return { status: 200, body: emptyPage };
      if (url.startsWith('/api/admin/queues/summary')) return { status: 200, body: { queues: [] } };
      return { status: 404, body: { error: { code: 'not_found', message: 'No route for GET /x' } } };
    };
    window.history.pushState({}, '', '/jobs');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Job runs' })).toBeInTheDocument();
    // Title and focus are set by effects, which may run a tick after the heading is in the DOM.
    await waitFor(() => expect(document.title).toBe('Job runs · Offerly'));
    // The first page of a visit keeps focus where the browser put it.
    expect(document.activeElement).not.toBe(screen.getByRole('main'));

    const u = userEvent.setup();
    const link = within(screen.getAllByRole('navigation', { name: 'Main' })[0]!).getByRole('link', { name: 'Queues' });
    await u.click(link);
    expect(await screen.findByRole('heading', { name: 'Queue health' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Queue health · Offerly'));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('main')));
  });

  it('shows an error panel with a reload button when a page throws, and the other pages still open', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    handler = (url) => {
      if (url === '/api/auth/me') return { status: 200, body: { user: user({ role: 'admin', name: 'Root' }), csrfToken: 't' } };
      // A malformed answer makes the page throw while rendering.
      if (url.startsWith('/api/admin/job-runs')) return { status: 200, body: { ...emptyPage, items: null, total: 3 } };
      if (url.startsWith('/api/admin/queues/summary')) return { status: 200, body: { queues: [] } };
      return { status: 404, body: { error: { code: 'not_found', message: 'No route for GET /x' } } };
    };
    window.history.pushState({}, '', '/jobs');
    render(<App />);
    expect(await screen.findByText('This page could not be shown')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload page' })).toBeInTheDocument();
    // The navigation survives, and another page clears the panel.
    const u = userEvent.setup();
    await u.click(within(screen.getAllByRole('navigation', { name: 'Main' })[0]!).getByRole('link', { name: 'Queues' }));
    expect(await screen.findByRole('heading', { name: 'Queue health' })).toBeInTheDocument();
    expect(screen.queryByText('This page could not be shown')).toBeNull();
  });

  it('an affiliate suspended mid-session gets the account-status page on its next request', async () => {
    let status = 'approved';
    handler = (url) => {
      if (url === '/api/auth/me') return { status: 200, body: { user: user({ role: 'affiliate', status }), csrfToken: 't' } };
      if (url.startsWith('/api/links')) {
        status = 'suspended';
        return { status: 403, body: { error: { code: 'affiliate_not_approved', message: 'Your affiliate account is suspended; an admin must approve it first' } } };
      }
      return { status: 404, body: { error: { code: 'not_found', message: 'No route for GET /x' } } };
    };
    window.history.pushState({}, '', '/links');
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Your account is suspended' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Your account is suspended · Offerly'));
    expect(calls.filter((c) => c === 'GET /api/auth/me')).toHaveLength(2);
  });
});

