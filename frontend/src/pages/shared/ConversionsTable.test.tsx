import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ComponentProps } from 'react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../../context/ToastContext';
import { ConversionsTable } from './ConversionsTable';
import { withQueryClient } from '../../../test/query';

const conversion = (id: string, status: string, over: Record<string, unknown> = {}) => ({
  id,
  clickId: `ck-${id}`,
  campaignId: 'c1',
  campaignName: 'Summer Sale',
  affiliateId: 'a1',
  txnId: `ORDER-${id}`,
  status,
  reason: status === 'rejected' ? 'duplicate' : null,
  suspectedFraud: false,
  currency: 'EUR',
  saleAmountCents: 4990,
  revenueCents: 1050,
  payoutCents: 725,
  clickedAt: '2026-11-25T09:00:00.000Z',
  convertedAt: '2026-11-25T10:00:00.000Z',
  sub1: 'facebook',
  payoutId: null,
  ...over,
});

let requests: Array<{ method: string; url: string; body: unknown }>;
let respond: (method: string, url: string) => { status: number; body: unknown };

beforeEach(() => {
  requests = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      requests.push({ method: String(init.method), url, body: init.body ? JSON.parse(String(init.body)) : undefined });
      const r = respond(String(init.method), url);
      return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

/** The conversions list's requests (the pickers ask for campaigns and accounts too). */
const convUrls = () => requests.filter((r) => r.url.startsWith('/api/conversions')).map((r) => r.url);

const page = (items: unknown[], over: Record<string, unknown> = {}) => ({ items, total: items.length, limit: 25, nextCursor: null, page: null, pages: null, ...over });

/** The table as its pages show it: in the router, under the toasts, with a query cache of its own. */
function cleanupAndRender(props: ComponentProps<typeof ConversionsTable>, at: string) {
  cleanup();
  renderTable(props, at);
}

function Where() {
  return <output aria-label="address">{useLocation().search}</output>;
}

function renderTable(props: ComponentProps<typeof ConversionsTable>, at = '/conversions') {
  render(
    <MemoryRouter initialEntries={[at]}>
      <ToastProvider>
        <ConversionsTable {...props} />
        <Where />
      </ToastProvider>
    </MemoryRouter>,
    { wrapper: withQueryClient() },
  );
}

describe('conversions table', () => {
  it('lists statuses, reasons and money in the conversion’s currency; affiliates see no revenue and no review buttons', async () => {
    respond = () => ({ status: 200, body: page([conversion('1', 'approved'), conversion('2', 'rejected')]) });
    renderTable({ role: 'affiliate' });
    expect(await screen.findByText('ORDER-1')).toBeInTheDocument();
    expect(screen.getByText('Duplicate')).toBeInTheDocument();
    expect(screen.getAllByText('€7.25')).toHaveLength(2);
    expect(screen.queryByRole('columnheader', { name: /Revenue/ })).toBeNull();
    expect(screen.getByRole('columnheader', { name: /Earnings/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Approve conversion/ })).toBeNull();
    expect(convUrls()[0]).toBe('/api/conversions?sort=convertedAt&order=desc&limit=25');
  });

  it('filters by status through the API', async () => {
    respond = () => ({ status: 200, body: page([]) });
    const user = userEvent.setup();
    renderTable({ role: 'advertiser', campaignId: 'c1' });
    expect(await screen.findByText('No conversions yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Pending' }));
    expect(await screen.findByText('No conversions match these filters')).toBeInTheDocument();
    expect(convUrls().at(-1)).toBe('/api/conversions?status=pending&campaignId=c1&sort=convertedAt&order=desc&limit=25');
  });

  it('pages with cursors: Next sends the answer’s nextCursor, Previous goes back, a new sort starts over', async () => {
    // Three pages of 25: cursors "c2" and "c3" lead on; the last page has no nextCursor.
    respond = (_method, url) => {
      const cursor = new URL(url, 'http://x').searchParams.get('cursor');
      const next = cursor === null ? 'c2' : cursor === 'c2' ? 'c3' : null;
      const id = cursor ?? 'c1';
      return { status: 200, body: page([conversion(`${id}-a`, 'approved'), conversion(`${id}-b`, 'pending')], { total: 52, limit: 2, nextCursor: next }) };
    };
    const user = userEvent.setup();
    renderTable({ role: 'advertiser' });
    const converted = await screen.findByRole('columnheader', { name: /Converted/ });
    expect(converted).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getByText(/1–2 of 52 conversions/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(convUrls().at(-1)).toBe('/api/conversions?cursor=c2&sort=convertedAt&order=desc&limit=25'));
    expect(await screen.findByText('ORDER-c2-a')).toBeInTheDocument();
    expect(screen.getByText(/3–4 of 52 conversions/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('ORDER-c3-a')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    // The page before was read already: it shows again from the cache.
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('ORDER-c2-a')).toBeInTheDocument();
    expect(screen.getByText(/3–4 of 52 conversions/)).toBeInTheDocument();
    await user.click(within(converted).getByRole('button'));
    await waitFor(() => expect(convUrls().at(-1)).toBe('/api/conversions?sort=convertedAt&order=asc&limit=25'));
    await waitFor(() => expect(converted).toHaveAttribute('aria-sort', 'ascending'));
    // Payout, status… cannot be sorted by the API: no sort buttons there (one page sorted alone would mislead).
    expect(within(screen.getByRole('columnheader', { name: /Payout/ })).queryByRole('button')).toBeNull();
    expect(within(screen.getByRole('columnheader', { name: /Status/ })).queryByRole('button')).toBeNull();
  });

  it('without a total (a filter no counter answers) shows the rows of the page only', async () => {
    respond = () => ({ status: 200, body: page([conversion('9', 'approved')], { total: null, nextCursor: 'more' }) });
    renderTable({ role: 'admin' });
    expect(await screen.findByText('ORDER-9')).toBeInTheDocument();
    expect(screen.getByText('1–1 conversions')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next page' })).toBeEnabled();
  });

  it('rejecting a pending conversion asks for a note, sends it, and updates the row', async () => {
    // Like the API, the list read after the rejection has the conversion rejected.
    let third = conversion('3', 'pending');
    respond = (method, url) => {
      if (method === 'POST' && url === '/api/conversions/3/reject') {
        third = conversion('3', 'rejected', { reason: 'advertiser_rejected' });
        return { status: 200, body: { conversion: third } };
      }
      return { status: 200, body: page([third, conversion('4', 'pending', { payoutId: 'p1' })]) };
    };
    const user = userEvent.setup();
    renderTable({ role: 'advertiser' });
    await user.click(await screen.findByRole('button', { name: 'Reject conversion ORDER-3' }));
    // Already in a payout: no review buttons.
    expect(screen.queryByRole('button', { name: 'Reject conversion ORDER-4' })).toBeNull();
    const dialog = screen.getByRole('dialog', { name: 'Reject conversion' });
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(within(dialog).getByText('Please add a note')).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    await user.type(within(dialog).getByRole('textbox', { name: /Note/ }), 'Test order from our QA team');
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await screen.findByText('Conversion rejected')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')).toEqual({ method: 'POST', url: '/api/conversions/3/reject', body: { note: 'Test order from our QA team' } });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText('Advertiser rejected')).toBeInTheDocument();
  });

  it('opens a conversion from its transaction id, and can share the review note with the affiliate', async () => {
    respond = (method) => (method === 'POST' ? { status: 200, body: { conversion: conversion('6', 'rejected', { reason: 'advertiser_rejected' }) } } : { status: 200, body: page([conversion('6', 'pending')]) });
    const user = userEvent.setup();
    renderTable({ role: 'advertiser' });
    expect(await screen.findByRole('link', { name: 'Open conversion ORDER-6' })).toHaveAttribute('href', '/conversions/6');
    await user.click(screen.getByRole('button', { name: 'Reject conversion ORDER-6' }));
    const dialog = screen.getByRole('dialog', { name: 'Reject conversion' });
    await user.type(within(dialog).getByRole('textbox', { name: /Note/ }), 'Refunded');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Also show this note to the affiliate' }));
    await user.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await screen.findByText('Conversion rejected')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ note: 'Refunded', shareNote: true });
  });

  it('shows a 409 from the API inside the dialog and keeps it open', async () => {
    respond = (method) =>
      method === 'POST' ? { status: 409, body: { error: { code: 'conflict', message: 'The conversion is already in a payout' } } } : { status: 200, body: page([conversion('5', 'pending')]) };
    const user = userEvent.setup();
    renderTable({ role: 'admin' });
    await user.click(await screen.findByRole('button', { name: 'Approve conversion ORDER-5' }));
    const dialog = screen.getByRole('dialog', { name: 'Approve conversion' });
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    expect(await within(dialog).findByText('The conversion is already in a payout')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({});
  });

  it('reads its filters from the address and searches by txn id or click id through the API', async () => {
    respond = () => ({ status: 200, body: page([]) });
    const user = userEvent.setup();
    renderTable({ role: 'admin' }, '/conversions?status=rejected&q=ORDER-9');
    expect(await screen.findByText('No conversion with txn id or click id “ORDER-9”')).toBeInTheDocument();
    expect(convUrls()[0]).toBe('/api/conversions?status=rejected&search=ORDER-9&sort=convertedAt&order=desc&limit=25');
    expect(screen.getByRole('button', { name: 'Rejected' })).toHaveAttribute('aria-pressed', 'true');
    const box = screen.getByRole('searchbox', { name: 'Txn id or click id' });
    await user.clear(box);
    await user.type(box, 'ck-7{Enter}');
    await waitFor(() => expect(convUrls().at(-1)).toBe('/api/conversions?status=rejected&search=ck-7&sort=convertedAt&order=desc&limit=25'));
  });

  it('shows admins the affiliate’s name, and affiliates a rejected conversion’s amount struck through as not paid', async () => {
    respond = () => ({ status: 200, body: page([conversion('1', 'rejected', { affiliateName: 'Finn Media' })]) });
    renderTable({ role: 'admin' });
    expect(await screen.findByText('Finn Media')).toBeInTheDocument();
    expect(screen.queryByText('Not paid')).toBeNull();
  });

  it('does not show an affiliate a rejected conversion as earned', async () => {
    respond = () => ({ status: 200, body: page([conversion('1', 'rejected'), conversion('2', 'approved')]) });
    renderTable({ role: 'affiliate' });
    expect(await screen.findByText('Not paid')).toBeInTheDocument();
    expect(screen.getAllByText('Not paid')).toHaveLength(1);
    expect(screen.queryByRole('columnheader', { name: /Affiliate/ })).toBeNull();
  });

  it('approves the ticked pending conversions together with one note', async () => {
    respond = (method) =>
      method === 'POST'
        ? { status: 200, body: { results: [{ id: '1', done: true, error: null }, { id: '3', done: false, error: { code: 'conflict', message: 'The conversion is already approved', reason: null } }], done: 1, refused: 1 } }
        : { status: 200, body: page([conversion('1', 'pending'), conversion('2', 'approved'), conversion('3', 'pending')]) };
    const user = userEvent.setup();
    renderTable({ role: 'advertiser' });
    await user.click(await screen.findByRole('checkbox', { name: 'Select conversion ORDER-1' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select conversion ORDER-3' }));
    expect(screen.queryByRole('checkbox', { name: 'Select conversion ORDER-2' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Approve selected (2)' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByRole('textbox'), 'batch ok');
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(requests.find((r) => r.method === 'POST')).toMatchObject({ url: '/api/conversions/bulk-review', body: { ids: ['1', '3'], action: 'approve', note: 'batch ok' } }));
    expect(await screen.findByText('1 approved, 1 refused: The conversion is already approved')).toBeInTheDocument();
  });

  it('keeps campaign, affiliate, advertiser and days in the address, and sends them to the API and to the CSV', async () => {
    const [camp, aff, adv] = ['c'.repeat(24), 'a'.repeat(24), 'd'.repeat(24)];
    respond = (_m, url) => ({ status: 200, body: url.startsWith('/api/campaigns') ? { items: [{ id: camp, name: 'Summer Sale' }], total: 1, page: 1, pages: 1, limit: 100 } : page([]) });
    const user = userEvent.setup();
    renderTable({ role: 'admin' }, `/conversions?campaign=${camp}&affiliate=${aff}&advertiser=${adv}&from=2026-11-01&to=2026-11-30`);
    expect(await screen.findByText('No conversions match these filters')).toBeInTheDocument();
    expect(convUrls()[0]).toBe(`/api/conversions?campaignId=${camp}&affiliateId=${aff}&advertiserId=${adv}&from=2026-11-01&to=2026-12-01&sort=convertedAt&order=desc&limit=25`);
    expect(screen.getByRole('combobox', { name: 'Campaign' })).toHaveValue(camp);
    await waitFor(() => expect(screen.getByRole('option', { name: 'Summer Sale' })).toBeInTheDocument());
    await user.clear(screen.getByLabelText('Converted to (UTC)'));
    await user.type(screen.getByLabelText('Converted to (UTC)'), '2026-11-15');
    await waitFor(() => expect(convUrls().at(-1)).toContain('&to=2026-11-16&'));
    expect(screen.getByLabelText('address').textContent).toContain('to=2026-11-15');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Campaign' }), '');
    await waitFor(() => expect(convUrls().at(-1)).toBe(`/api/conversions?affiliateId=${aff}&advertiserId=${adv}&from=2026-11-01&to=2026-11-16&sort=convertedAt&order=desc&limit=25`));
    expect(screen.getByLabelText('address').textContent).not.toContain('campaign=');
    await user.click(screen.getByRole('button', { name: /Download CSV/ }));
    await waitFor(() => expect(convUrls().at(-1)).toBe(`/api/conversions?affiliateId=${aff}&advertiserId=${adv}&from=2026-11-01&to=2026-11-16&sort=convertedAt&order=desc&format=csv`));
  });

  it('ignores ids and days in the address that are not ones, and offers an advertiser the chosen campaign’s affiliates', async () => {
    const camp = 'c'.repeat(24);
    respond = (_m, url) => ({
      status: 200,
      body: url.startsWith('/api/analytics') ? { breakdown: [{ key: 'f'.repeat(24), label: 'Finn Media' }] } : url.startsWith('/api/campaigns') ? { items: [], total: 0, page: 1, pages: 1, limit: 100 } : page([]),
    });
    renderTable({ role: 'advertiser' }, `/conversions?campaign=nope&from=yesterday&advertiser=${'d'.repeat(24)}`);
    await screen.findByText('No conversions yet');
    expect(convUrls()[0]).toBe('/api/conversions?sort=convertedAt&order=desc&limit=25');
    expect(screen.getByRole('combobox', { name: 'Affiliate' })).toBeDisabled();
    expect(screen.queryByRole('combobox', { name: 'Advertiser' })).toBeNull();
    cleanupAndRender({ role: 'advertiser' }, `/conversions?campaign=${camp}`);
    expect(await screen.findByRole('option', { name: 'Finn Media' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Affiliate' })).toBeEnabled();
  });
});

describe('conversions at phone width', () => {
  beforeEach(() => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query.includes('max-width'), media: query, addEventListener() {}, removeEventListener() {} }));
  });

  it('shows each conversion as a card with its campaign, status, reason, payout and review buttons', async () => {
    respond = (method) => (method === 'POST' ? { status: 200, body: { conversion: conversion('1', 'approved') } } : { status: 200, body: page([conversion('1', 'pending'), conversion('2', 'rejected', { affiliateName: 'Finn Media' })]) });
    const user = userEvent.setup();
    renderTable({ role: 'admin' });
    const list = await screen.findByRole('list', { name: 'Conversions' });
    expect(screen.queryByRole('table')).toBeNull();
    const second = within(list).getByRole('article', { name: 'Conversion ORDER-2' });
    expect(within(second).getByText('Finn Media')).toBeInTheDocument();
    expect(within(second).getByText('Duplicate')).toBeInTheDocument();
    expect(within(second).getByText('€7.25')).toBeInTheDocument();
    expect(within(second).queryByRole('button', { name: /Approve/ })).toBeNull();
    const first = within(list).getByRole('article', { name: 'Conversion ORDER-1' });
    expect(within(first).getByText('Summer Sale')).toBeInTheDocument();
    expect(within(first).getByRole('checkbox', { name: 'Select conversion ORDER-1' })).toBeInTheDocument();
    await user.click(within(first).getByRole('button', { name: 'Approve conversion ORDER-1' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Approve conversion' })).getByRole('button', { name: 'Approve' }));
    expect(await screen.findByText('Conversion approved')).toBeInTheDocument();
    expect(requests.find((r) => r.method === 'POST')?.url).toBe('/api/conversions/1/approve');
    // The sort stays reachable without the table's headers.
    await user.click(screen.getByRole('button', { name: 'Sort by Converted' }));
    await waitFor(() => expect(convUrls().at(-1)).toBe('/api/conversions?sort=convertedAt&order=asc&limit=25'));
  });
});
