import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Delivery, OutboundSettings } from '../../api/types';
import { ToastProvider } from '../../context/ToastContext';
import { PostbackSettingsPage } from './PostbackSettingsPage';
import { withRouterAndQueryClient } from '../../../test/query';

type Reply = { status: number; body: unknown };
let settings: OutboundSettings;
let putReply: (body: { url: string | null; enabled: boolean }) => Reply;
let testReply: Reply;
let deliveries: Delivery[];
let requests: Array<{ method: string; url: string; body: unknown }>;

const json = (r: Reply) => new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
const delivery = (over: Partial<Delivery> = {}): Delivery => ({
  id: 'd1',
  conversionId: null,
  event: 'test',
  url: 'https://tracker.example.net/pb?cid=test-click&payout=7.00',
  attempt: 1,
  outcome: 'delivered',
  httpStatus: 200,
  error: null,
  durationMs: 12,
  test: true,
  at: '2026-11-25T10:00:00.000Z',
  ...over,
});

beforeEach(() => {
  requests = [];
  settings = { url: null, enabled: false, secret: null };
  deliveries = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ method: String(init.method), url, body });
      if (url === '/api/affiliate/postback' && init.method === 'GET') return json({ status: 200, body: settings });
      if (url === '/api/affiliate/postback' && init.method === 'PUT') return json(putReply(body));
      if (url === '/api/affiliate/postback/test') return json(testReply);
      if (url.startsWith('/api/affiliate/deliveries')) return json({ status: 200, body: { items: deliveries, total: deliveries.length, limit: 25, nextCursor: null, page: null, pages: null } });
      return json({ status: 404, body: { error: { code: 'not_found', message: 'no' } } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function renderPage() {
  render(
    <ToastProvider>
      <PostbackSettingsPage />
    </ToastProvider>,
    { wrapper: withRouterAndQueryClient() },
  );
}

const urlField = () => screen.getByRole('textbox', { name: 'URL' });
const puts = () => requests.filter((r) => r.method === 'PUT');

describe('affiliate postback settings', () => {
  it('checks the URL and its macros before saving', async () => {
    renderPage();
    const user = userEvent.setup();
    await screen.findByText('No calls yet');
    await user.click(screen.getByRole('checkbox', { name: /Send postbacks/ }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(urlField()).toHaveAccessibleDescription('Enter a URL or turn postbacks off');

    await user.type(urlField(), 'https://tracker.example.net/pb?cid={{click_id}&x={{payout_usd}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(urlField()).toHaveAccessibleDescription('Unknown macro {payout_usd}');

    await user.clear(urlField());
    await user.type(urlField(), 'tracker.example.net/pb?cid={{click_id}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(urlField()).toHaveAccessibleDescription('Must be an absolute http(s) URL');
    expect(puts()).toEqual([]);
  });

  it('shows the server’s `url` error at the field', async () => {
    putReply = () => ({ status: 400, body: { error: { code: 'validation_failed', message: 'Postback URLs must point at a public address', details: [{ path: 'url', message: 'the host is a loopback address' }] } } });
    renderPage();
    const user = userEvent.setup();
    await screen.findByText('No calls yet');
    await user.type(urlField(), 'http://127.0.0.1:9/pb?cid={{click_id}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Postback URLs must point at a public address')).toBeInTheDocument();
    expect(urlField()).toHaveAccessibleDescription('the host is a loopback address');
    expect(puts().map((r) => r.body)).toEqual([{ url: 'http://127.0.0.1:9/pb?cid={click_id}', enabled: false }]);
  });

  it('saves, then sends a test call and shows its result; the delivery log reloads', async () => {
    const url = 'https://tracker.example.net/pb?cid={click_id}&payout={payout}';
    putReply = (b) => {
      settings = { url: b.url, enabled: b.enabled, secret: 'whsec_1' };
      return { status: 200, body: settings };
    };
    renderPage();
    const user = userEvent.setup();
    await screen.findByText('No calls yet');
    expect(screen.getByRole('button', { name: 'Send test call' })).toBeDisabled();
    await user.type(urlField(), url.replace(/\{/g, '{{'));
    await user.click(screen.getByRole('checkbox', { name: /Send postbacks/ }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Postback settings saved')).toBeInTheDocument();
    expect(puts().map((r) => r.body)).toEqual([{ url, enabled: true }]);
    expect(screen.getByText('Signing secret')).toBeInTheDocument();

    testReply = { status: 200, body: { delivery: delivery() } };
    deliveries = [delivery()];
    await user.click(screen.getByRole('button', { name: 'Send test call' }));
    const result = await screen.findByTestId('delivery-result');
    expect(result).toHaveTextContent('Delivered');
    expect(result).toHaveTextContent('HTTP 200');
    expect(result).toHaveTextContent('12 ms');
    expect(result).toHaveTextContent('https://tracker.example.net/pb?cid=test-click&payout=7.00');
    const log = await screen.findByRole('table', { name: 'Postback deliveries' });
    expect(within(log).getAllByRole('row')).toHaveLength(2);
    expect(requests.filter((r) => r.url.startsWith('/api/affiliate/deliveries'))).toHaveLength(2);
  });

  it('a failed test call shows why, and a refused one shows the API’s message', async () => {
    settings = { url: 'https://tracker.example.net/pb', enabled: true, secret: 'whsec_1' };
    renderPage();
    const user = userEvent.setup();
    await screen.findByText('No calls yet');
    testReply = { status: 200, body: { delivery: delivery({ outcome: 'failed', httpStatus: 503, error: 'HTTP 503' }) } };
    await user.click(screen.getByRole('button', { name: 'Send test call' }));
    const result = await screen.findByTestId('delivery-result');
    expect(result).toHaveTextContent('Failed');
    expect(result).toHaveTextContent('HTTP 503');

    testReply = { status: 409, body: { error: { code: 'conflict', message: 'Save a postback URL first' } } };
    await user.click(screen.getByRole('button', { name: 'Send test call' }));
    expect(await screen.findByText('Save a postback URL first')).toBeInTheDocument();
  });
});
