import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../../context/ToastContext';
import { withQueryClient } from '../../../test/query';
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

function renderLog(at: string) {
  render(
    <MemoryRouter initialEntries={[at]}>
      <ToastProvider>
        <PostbacksTable />
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
});
