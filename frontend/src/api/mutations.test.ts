import type { QueryClient } from '@tanstack/react-query';
import { renderHook } from '@testing-library/react';
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withQueryClient } from '../../test/query';
import { useConversionReview, usePayoutDecision } from './mutations';
import { createQueryClient } from './query-client';
import { queryKeys } from './query-keys';

const conversion = (status: string) => ({ id: 'cv1', status, payoutCents: 725, currency: 'EUR' });
const page = (items: unknown[]) => ({ items, total: items.length, limit: 25, nextCursor: null, page: null, pages: null });
const payout = (status: string) => ({ id: 'p1', status, amountCents: 800, currency: 'USD' });
const range = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-08T00:00:00.000Z', granularity: 'day' as const, tz: 'UTC' };

type Rows = { items: Array<{ status: string }> };

let client: QueryClient;
let answer: unknown;

beforeEach(() => {
  client = createQueryClient();
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } })));
  // What pages read earlier: no page is open, so nothing is read again here; what a write makes stale is marked invalidated.
  client.setQueryData(queryKeys.conversions.list({ status: '', limit: 25 }), page([conversion('pending')]));
  client.setQueryData(queryKeys.conversions.list({ status: 'pending', limit: 25 }), page([conversion('pending')]));
  client.setQueryData(queryKeys.reports.overview(range), { totals: {} });
  client.setQueryData(queryKeys.campaigns.detail('k1'), { campaign: { id: 'k1' } });
  client.setQueryData(queryKeys.payouts.detailPage('p1', { limit: 50 }), { payout: payout('approved'), lines: page([]) });
  client.setQueryData(queryKeys.payouts.list({ status: '', limit: 25 }), page([payout('approved')]));
});
afterEach(() => vi.unstubAllGlobals());

const invalidated = (key: readonly unknown[]) => client.getQueryState(key)?.isInvalidated;

describe('writes and the cache', () => {
  it('approving a conversion puts it approved in every cached list, and makes conversion lists and reports stale, not campaigns', async () => {
    answer = { conversion: conversion('approved') };
    const { result } = renderHook(() => useConversionReview(), { wrapper: withQueryClient(client) });
    await act(() => result.current.mutateAsync({ id: 'cv1', action: 'approve', note: '' }));
    for (const status of ['', 'pending'] as const) {
      const key = queryKeys.conversions.list({ status, limit: 25 });
      expect(client.getQueryData<Rows>(key)?.items[0]?.status).toBe('approved');
      expect(invalidated(key)).toBe(true);
    }
    expect(invalidated(queryKeys.reports.overview(range))).toBe(true);
    expect(invalidated(queryKeys.campaigns.detail('k1'))).toBe(false);
    expect(invalidated(queryKeys.payouts.list({ status: '', limit: 25 }))).toBe(false);
  });

  it('rejecting a payout updates its page and lists, and makes conversions stale (they return to the next run); approving one does not', async () => {
    const { result } = renderHook(() => usePayoutDecision(), { wrapper: withQueryClient(client) });
    answer = { payout: payout('paid') };
    await act(() => result.current.mutateAsync({ id: 'p1', action: 'markPaid', note: '', reference: 'WIRE-1' }));
    expect(invalidated(queryKeys.conversions.list({ status: '', limit: 25 }))).toBe(false);

    answer = { payout: payout('rejected') };
    await act(() => result.current.mutateAsync({ id: 'p1', action: 'reject', note: 'Chargebacks' }));
    expect(client.getQueryData<{ payout: { status: string } }>(queryKeys.payouts.detailPage('p1', { limit: 50 }))?.payout.status).toBe('rejected');
    expect(client.getQueryData<Rows>(queryKeys.payouts.list({ status: '', limit: 25 }))?.items[0]?.status).toBe('rejected');
    expect(invalidated(queryKeys.payouts.list({ status: '', limit: 25 }))).toBe(true);
    expect(invalidated(queryKeys.conversions.list({ status: '', limit: 25 }))).toBe(true);
  });
});
