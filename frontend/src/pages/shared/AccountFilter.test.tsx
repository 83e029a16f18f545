import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withQueryClient } from '../../../test/query';
import { AccountFilter } from './AccountFilter';

const account = (id: string, name: string) => ({ id, email: `${id}@example.test`, role: 'affiliate', status: 'approved', name, company: '', createdAt: '2026-11-01T00:00:00Z', statusHistory: [] });

let urls: string[];

beforeEach(() => {
  urls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      const q = new URL(url, 'http://x').searchParams;
      // The newest page has a next page; a search for "zed" finds one account the first page did not offer.
      const body = q.get('q')
        ? { items: q.get('q') === 'zed' ? [account('a9', 'Zed Media')] : [], nextCursor: null }
        : q.get('cursor')
          ? { items: [account('a2', 'Older Partner')], nextCursor: null }
          : { items: [account('a1', 'Newest Partner')], nextCursor: 'c1' };
      return new Response(JSON.stringify({ ...body, total: null, limit: 25, page: null, pages: null }), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function Filter({ initial = '', chosenName }: { initial?: string; chosenName?: string }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <AccountFilter role="affiliate" value={value} onChange={setValue} chosenName={chosenName} />
      <output aria-label="chosen">{value}</output>
    </>
  );
}

describe('AccountFilter', () => {
  it('offers the newest accounts, the next page with More, and any account a search finds', async () => {
    const user = userEvent.setup();
    render(<Filter />, { wrapper: withQueryClient() });
    const select = screen.getByRole('combobox', { name: 'Affiliate' });
    expect(await screen.findByRole('option', { name: 'Newest Partner' })).toBeInTheDocument();
    expect(urls[0]).toBe('/api/admin/users?role=affiliate&limit=25');
    await user.click(screen.getByRole('button', { name: 'More affiliates' }));
    expect(await screen.findByRole('option', { name: 'Older Partner' })).toBeInTheDocument();
    expect(urls.at(-1)).toBe('/api/admin/users?role=affiliate&limit=25&cursor=c1');
    expect(screen.queryByRole('button', { name: 'More affiliates' })).toBeNull();

    await user.type(screen.getByRole('searchbox', { name: 'Find an affiliate' }), 'zed');
    expect(await screen.findByRole('option', { name: 'Zed Media' })).toBeInTheDocument();
    expect(urls.at(-1)).toBe('/api/admin/users?role=affiliate&q=zed&limit=25');
    expect(screen.getByRole('option', { name: 'All affiliates (1 found)' })).toBeInTheDocument();
    await user.selectOptions(select, 'a9');
    expect(screen.getByLabelText('chosen').textContent).toBe('a9');
  });

  it('keeps the chosen account among the options, by name, when no page brought it', async () => {
    render(<Filter initial={'f'.repeat(24)} chosenName="From a row" />, { wrapper: withQueryClient() });
    await waitFor(() => expect(urls).toHaveLength(1));
    expect(screen.getByRole('combobox', { name: 'Affiliate' })).toHaveValue('f'.repeat(24));
    expect(screen.getByRole('option', { name: 'From a row' })).toBeInTheDocument();
  });
});
