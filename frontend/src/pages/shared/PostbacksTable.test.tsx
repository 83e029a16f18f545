import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../../context/ToastContext';
import { withQueryClient } from '../../../test/query';
import type { Role } from '../../api/types';
import { PostbacksTable } from './PostbacksTable';

let urls: string[];

beforeEach(() => {
  urls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      return new Response(JSON.stringify({ items: [], total: 0, limit: 25, nextCursor: null, page: null, pages: null }), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function Where() {
  return <output aria-label="address">{useLocation().search}</output>;
}

const CAMPAIGN = 'c'.repeat(24);
const ADVERTISER = 'a'.repeat(24);

function renderLog(at: string, props: { role?: Role; campaignId?: string } = {}) {
  render(
    <MemoryRouter initialEntries={[at]}>
      <ToastProvider>
        <PostbacksTable {...props} />
        <Where />
      </ToastProvider>
    </MemoryRouter>,
    { wrapper: withQueryClient() },
  );
}

describe('postback log controls', () => {
  it('reads the search and days from the address, sends them to the API and the CSV, and writes changes back', async () => {
    const user = userEvent.setup();
    renderLog('/postbacks?q=ORDER-9&from=2026-12-01&to=2026-12-05&order=asc');
    expect(await screen.findByText('No postback with txn id or click id “ORDER-9”')).toBeInTheDocument();
    expect(urls[0]).toBe('/api/postbacks?from=2026-12-01&to=2026-12-06&search=ORDER-9&sort=receivedAt&order=asc&limit=25');
    expect(screen.getByLabelText('Received from (UTC)')).toHaveValue('2026-12-01');
    await user.click(screen.getByRole('button', { name: /Download CSV/ }));
    await waitFor(() => expect(urls.at(-1)).toBe('/api/postbacks?from=2026-12-01&to=2026-12-06&search=ORDER-9&sort=receivedAt&order=asc&format=csv'));
    const box = screen.getByRole('searchbox', { name: 'Txn id or click id' });
    await user.clear(box);
    await user.type(box, '{Enter}');
    expect(await screen.findByText('No postbacks match these filters')).toBeInTheDocument();
    expect(screen.getByLabelText('address').textContent).toBe('?from=2026-12-01&to=2026-12-05&order=asc');
  });

  it('on the whole log, filters an admin’s postbacks by advertiser and campaign from the address, and choosing an advertiser clears the campaign', async () => {
    const user = userEvent.setup();
    renderLog(`/postbacks?advertiser=${ADVERTISER}&campaign=${CAMPAIGN}`, { role: 'admin' });
    expect(await screen.findByText('No postbacks match these filters')).toBeInTheDocument();
    expect(urls.find((u) => u.startsWith('/api/postbacks?'))).toBe(`/api/postbacks?campaignId=${CAMPAIGN}&advertiserId=${ADVERTISER}&sort=receivedAt&order=desc&limit=25`);
    expect(screen.getByLabelText('Campaign')).toHaveValue(CAMPAIGN);
    await user.selectOptions(screen.getByLabelText('Advertiser'), '');
    await waitFor(() => expect(screen.getByLabelText('address').textContent).toBe(''));
  });

  it('gives an advertiser the campaign picker but no advertiser filter, and a campaign’s own log neither', async () => {
    renderLog(`/postbacks?advertiser=${ADVERTISER}&campaign=${CAMPAIGN}`, { role: 'advertiser' });
    expect(await screen.findByLabelText('Campaign')).toBeInTheDocument();
    expect(screen.queryByLabelText('Advertiser')).toBeNull();
    await waitFor(() => expect(urls.find((u) => u.startsWith('/api/postbacks?'))).toBe(`/api/postbacks?campaignId=${CAMPAIGN}&sort=receivedAt&order=desc&limit=25`));
  });

  it('on a campaign’s own log ignores the address’s campaign and offers no pickers', async () => {
    const own = 'e'.repeat(24);
    renderLog(`/campaigns/x?campaign=${CAMPAIGN}`, { role: 'admin', campaignId: own });
    await waitFor(() => expect(urls.find((u) => u.startsWith('/api/postbacks?'))).toBe(`/api/postbacks?campaignId=${own}&sort=receivedAt&order=desc&limit=25`));
    expect(screen.queryByLabelText('Campaign')).toBeNull();
    expect(screen.queryByLabelText('Advertiser')).toBeNull();
  });
});
