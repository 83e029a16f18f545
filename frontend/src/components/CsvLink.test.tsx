import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastProvider } from '../context/ToastContext';
import { CsvLink } from './CsvLink';

let reply: () => Response;
let calls: Array<{ url: string; accept: string | undefined }>;
let saved: Array<{ href: string; download: string }>;
let blobs: Map<string, Blob>;

beforeEach(() => {
  calls = [];
  saved = [];
  blobs = new Map();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, accept: (init.headers as Record<string, string>).Accept });
      return reply();
    }),
  );
  // jsdom has no object URLs and does not download: record what would be saved.
  vi.spyOn(URL, 'createObjectURL').mockImplementation((b: Blob | MediaSource) => {
    const url = `blob:test/${blobs.size + 1}`;
    blobs.set(url, b as Blob);
    return url;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ href: this.getAttribute('href') ?? '', download: this.download });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function renderLink() {
  render(
    <ToastProvider>
      <CsvLink url="/api/payouts?status=paid&format=csv" filename="payouts.csv" />
    </ToastProvider>,
  );
}

describe('CSV download', () => {
  it('fetches the CSV through the API client and saves it under the server’s file name', async () => {
    reply = () => new Response('id,amount\np1,15.00\n', { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="payouts-2026-11-25.csv"' } });
    renderLink();
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(calls).toEqual([{ url: '/api/payouts?status=paid&format=csv', accept: 'text/csv, application/json;q=0.5' }]);
    expect(saved[0]!.download).toBe('payouts-2026-11-25.csv');
    expect(await blobs.get(saved[0]!.href)!.text()).toBe('id,amount\np1,15.00\n');
    expect(screen.getByRole('button', { name: 'Download CSV' })).toBeEnabled();
  });

  it('falls back to the given file name when the server sends none', async () => {
    reply = () => new Response('a\n1\n', { status: 200, headers: { 'content-type': 'text/csv' } });
    renderLink();
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    await waitFor(() => expect(saved.map((s) => s.download)).toEqual(['payouts.csv']));
  });

  it('shows a refused download’s message in a toast and saves nothing', async () => {
    reply = () => new Response(JSON.stringify({ error: { code: 'validation_failed', message: 'Invalid request query', details: [{ path: 'sort', message: 'Invalid option' }] } }), { status: 400, headers: { 'content-type': 'application/json' } });
    renderLink();
    await userEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
    expect(await screen.findByText('Download failed: Invalid request query')).toBeInTheDocument();
    expect(saved).toEqual([]);
    expect(URL.createObjectURL).not.toHaveBeenCalled();
  });
});
