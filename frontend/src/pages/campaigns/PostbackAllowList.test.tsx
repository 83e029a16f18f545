import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Campaign } from '../../api/types';
import { ToastProvider } from '../../context/ToastContext';
import { PostbackAllowList } from './PostbackAllowList';

type Reply = { status: number; body: unknown };
let reply: Reply;
let sent: unknown[];

const campaign = { id: 'c1', name: 'Summer Sale', currency: 'USD', payoutModel: 'CPA', postbackAllowedIps: ['203.0.113.10'] } as Campaign;

beforeEach(() => {
  sent = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/api/campaigns/c1' && init.method === 'PATCH') sent.push(JSON.parse(String(init.body)));
      return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function renderList(onChanged = vi.fn()) {
  render(
    <ToastProvider>
      <PostbackAllowList campaign={campaign} onChanged={onChanged} />
    </ToastProvider>,
  );
  return onChanged;
}

describe('postback IP allow-list', () => {
  it('shows the saved list and saves one entry per line', async () => {
    reply = { status: 200, body: { campaign: { ...campaign, postbackAllowedIps: ['203.0.113.10', '198.51.100.0/24'] } } };
    const onChanged = renderList();
    const box = screen.getByLabelText('Addresses and ranges');
    expect(box).toHaveValue('203.0.113.10');
    await userEvent.type(box, '\n198.51.100.0/24');
    await userEvent.click(screen.getByRole('button', { name: 'Save allow-list' }));
    expect(sent).toEqual([{ postbackAllowedIps: ['203.0.113.10', '198.51.100.0/24'] }]);
    expect(onChanged).toHaveBeenCalledWith(expect.objectContaining({ postbackAllowedIps: ['203.0.113.10', '198.51.100.0/24'] }));
  });

  it('names the entry the API refused', async () => {
    reply = { status: 400, body: { error: { code: 'validation_failed', message: 'Invalid request', details: [{ path: 'postbackAllowedIps.1', message: 'must be an IPv4 or IPv6 address, or a CIDR range such as 203.0.113.0/24' }] } } };
    renderList();
    await userEvent.type(screen.getByLabelText('Addresses and ranges'), '\nexample.com');
    await userEvent.click(screen.getByRole('button', { name: 'Save allow-list' }));
    expect(await screen.findByText(/example\.com: must be an IPv4 or IPv6 address/)).toBeInTheDocument();
  });
});
