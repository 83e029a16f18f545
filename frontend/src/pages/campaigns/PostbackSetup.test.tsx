import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Campaign, PostbackRecord } from '../../api/types';
import { ToastProvider } from '../../context/ToastContext';
import { PostbackSetup } from './PostbackSetup';
import { withQueryClient } from '../../../test/query';

type Reply = { status: number; body: unknown };
let sendReply: Reply;
/** Successive answers of GET /api/track/postback/:id; the last one repeats. */
let resolutions: PostbackRecord[];
let requests: string[];

const json = (r: Reply) => new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
const record = (over: Partial<PostbackRecord>): PostbackRecord => ({
  id: 'pb1',
  state: 'queued',
  reason: null,
  detail: null,
  campaignId: 'c1',
  conversionId: null,
  params: { click_id: 'clk1', txn_id: 'test-1', token: 'secret' },
  receivedAt: '2026-11-25T10:00:00.000Z',
  resolvedAt: null,
  method: 'TEST',
  test: true,
  ...over,
});

const campaign = {
  id: 'c1',
  name: 'Summer Sale',
  currency: 'USD',
  payoutModel: 'CPA',
  postbackUrl: 'http://trk.example.test/api/track/postback?click_id={click_id}&txn_id={txn_id}&token=secret',
} as Campaign;

beforeEach(() => {
  requests = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      requests.push(`${String(init.method)} ${url}`);
      if (url === '/api/campaigns/c1/test-postback') return json(sendReply);
      if (url === '/api/track/postback/pb1') return json({ status: 200, body: { postback: resolutions.length > 1 ? resolutions.shift() : resolutions[0] } });
      if (url.startsWith('/api/postbacks')) return json({ status: 200, body: { items: [], total: 0, limit: 25, nextCursor: null, page: null, pages: null } });
      return json({ status: 404, body: { error: { code: 'not_found', message: 'no' } } });
    }),
  );
  sendReply = { status: 200, body: { postbackId: 'pb1', clickId: 'clk1' } };
});
afterEach(() => vi.unstubAllGlobals());

/** In StrictMode like the app (main.tsx): effects run, clean up and run again on mount; in a router, as the log's filter lives in the address. */
function renderSetup(pollLimitMs = 60_000) {
  render(
    <StrictMode>
      <MemoryRouter>
        <ToastProvider>
          <PostbackSetup campaign={campaign} onChanged={() => {}} pollMs={1} pollLimitMs={pollLimitMs} />
        </ToastProvider>
      </MemoryRouter>
    </StrictMode>,
    { wrapper: withQueryClient() },
  );
}

const send = () => userEvent.click(screen.getByRole('button', { name: 'Send test postback' }));

describe('postback setup: send test postback', () => {
  it('waits while queued and shows the conversion it was attributed to', async () => {
    resolutions = [record({}), record({}), record({ state: 'attributed', conversionId: 'conv-42', resolvedAt: '2026-11-25T10:00:01.000Z' })];
    renderSetup();
    await send();
    const result = await screen.findByText('Attributed: conversion conv-42 was recorded.');
    const panel = screen.getByTestId('postback-result');
    expect(panel).toContainElement(result);
    expect(within(panel).getByText('Attributed')).toBeInTheDocument();
    // The token is not shown in the clear.
    expect(panel).toHaveTextContent('token=••••••');
    expect(panel).not.toHaveTextContent('secret');
    expect(requests.filter((r) => r === 'GET /api/track/postback/pb1')).toHaveLength(3);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows a rejection with its reason explained', async () => {
    resolutions = [record({ state: 'rejected', reason: 'unknown_click', detail: 'no click clk1', resolvedAt: '2026-11-25T10:00:01.000Z' })];
    renderSetup();
    await send();
    const panel = await screen.findByTestId('postback-result');
    expect(within(panel).getByText('Rejected')).toBeInTheDocument();
    expect(within(panel).getByText('Unknown click')).toBeInTheDocument();
    expect(panel).toHaveTextContent('No click with this click_id was found.');
    expect(panel).toHaveTextContent('no click clk1');
  });

  it('says so when the postback is still queued after the wait (no worker)', async () => {
    resolutions = [record({})];
    renderSetup(0);
    await send();
    expect(await screen.findByRole('alert')).toHaveTextContent('The test postback is still queued. Is the worker running?');
    expect(screen.getByTestId('postback-result')).toHaveTextContent('Waiting for the worker to resolve it…');
    expect(screen.getByRole('button', { name: 'Send test postback' })).toBeEnabled();
  });

  it('shows why the test could not be sent', async () => {
    sendReply = { status: 409, body: { error: { code: 'conflict', message: 'No affiliate has a link to this campaign yet' } } };
    renderSetup();
    await send();
    expect(await screen.findByRole('alert')).toHaveTextContent('No affiliate has a link to this campaign yet');
    expect(screen.queryByTestId('postback-result')).toBeNull();
  });
});
