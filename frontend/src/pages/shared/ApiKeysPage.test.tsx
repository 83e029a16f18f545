import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiKey } from '../../api/api-keys';
import { ToastProvider } from '../../context/ToastContext';
import { ApiKeysPage } from './ApiKeysPage';
import { withQueryClient } from '../../../test/query';

let keys: ApiKey[];
let requests: Array<{ method: string; url: string; body: unknown }>;
const SECRET = `ofl_${'Ab3'.repeat(13)}x`;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const key = (over: Partial<ApiKey> = {}): ApiKey => ({
  id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  name: 'Checkout server',
  prefix: 'ofl_Ab3Ab3Ab',
  scope: 'postbacks',
  userId: 'bbbbbbbbbbbbbbbbbbbbbbbb',
  createdAt: '2026-12-01T10:00:00.000Z',
  lastUsedAt: null,
  revokedAt: null,
  ...over,
});

beforeEach(() => {
  requests = [];
  keys = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ method: String(init.method), url, body });
      if (url === '/api/api-keys' && init.method === 'GET') return json(200, { items: keys, max: 25 });
      if (url === '/api/api-keys' && init.method === 'POST') {
        const created = key({ id: 'cccccccccccccccccccccccc', name: body.name, scope: body.scope });
        keys = [created, ...keys];
        return json(201, { apiKey: created, secret: SECRET });
      }
      if (url.startsWith('/api/api-keys/') && init.method === 'DELETE') {
        const gone = keys.find((k) => url.endsWith(k.id))!;
        keys = keys.filter((k) => k !== gone);
        return json(200, { apiKey: { ...gone, revokedAt: '2026-12-05T10:00:00.000Z' } });
      }
      return json(404, { error: { code: 'not_found', message: 'no' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

const renderPage = () =>
  render(
    <ToastProvider>
      <ApiKeysPage />
    </ToastProvider>,
    { wrapper: withQueryClient() },
  );

describe('API keys page', () => {
  it('creates a key and shows its secret once, then lists it without the secret', async () => {
    renderPage();
    await screen.findByText('No API keys yet');
    await userEvent.click(screen.getByRole('button', { name: 'Create API key' }));
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText(/Name/), 'Checkout server');
    await userEvent.click(within(dialog).getByRole('radio', { name: /Full access/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(await screen.findByLabelText('New API key')).toHaveTextContent(SECRET);
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ name: 'Checkout server', scope: 'full' });
    await userEvent.click(screen.getByRole('button', { name: 'Done' }));
    const row = (await screen.findByText('Checkout server')).closest('tr')!;
    expect(row).toHaveTextContent('ofl_Ab3Ab3Ab…');
    expect(row).toHaveTextContent('Never');
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it('revokes a key after confirmation', async () => {
    keys = [key({ lastUsedAt: '2026-12-04T09:30:00.000Z' })];
    renderPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Revoke Checkout server' }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke key' }));
    await screen.findByText('No API keys yet');
    expect(requests.some((r) => r.method === 'DELETE' && r.url === '/api/api-keys/aaaaaaaaaaaaaaaaaaaaaaaa')).toBe(true);
  });
});
