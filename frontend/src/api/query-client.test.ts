import { focusManager, useMutation, useQuery } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withQueryClient } from '../../test/query';
import { ApiError } from './client';
import { queries } from './queries';
import { createQueryClient, isTransient, MAX_RETRIES, shouldRetry, STALE_MS } from './query-client';
import { queryKeys } from './query-keys';

afterEach(() => {
  vi.unstubAllGlobals();
  focusManager.setFocused(undefined);
});

const err = (status: number, code = `http_${status}`) => new ApiError(status, code, 'failed');

describe('query client defaults', () => {
  it('retries only what may pass on its own: the network, 5xx and 429', () => {
    expect(isTransient(err(0, 'network'))).toBe(true);
    for (const status of [500, 502, 503, 504, 429]) expect(isTransient(err(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 422]) expect(isTransient(err(status))).toBe(false);
    // A request that never left (bad input in the page) is not a network failure.
    expect(isTransient(err(0, 'client'))).toBe(false);
    expect(isTransient(new TypeError('x is undefined'))).toBe(false);
    expect(shouldRetry(0, err(503))).toBe(true);
    expect(shouldRetry(MAX_RETRIES - 1, err(503))).toBe(true);
    expect(shouldRetry(MAX_RETRIES, err(503))).toBe(false);
  });

  it('a query that meets a 503 asks again and shows the answer', async () => {
    const fn = vi.fn().mockRejectedValueOnce(err(503)).mockResolvedValue('rows');
    const { result } = renderHook(() => useQuery({ queryKey: ['flaky'], queryFn: fn }), { wrapper: withQueryClient() });
    await waitFor(() => expect(result.current.data).toBe('rows'));
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('a 404 is shown at once, without retries', async () => {
    const fn = vi.fn().mockRejectedValue(err(404, 'not_found'));
    const { result } = renderHook(() => useQuery({ queryKey: ['missing'], queryFn: fn }), { wrapper: withQueryClient() });
    await waitFor(() => expect(result.current.error?.status).toBe(404));
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('writes are never retried, even after a 503', async () => {
    const fn = vi.fn().mockRejectedValue(err(503));
    const { result } = renderHook(() => useMutation({ mutationFn: fn }), { wrapper: withQueryClient() });
    await act(() => result.current.mutateAsync(undefined).catch(() => {}));
    await waitFor(() => expect(result.current.error?.status).toBe(503));
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an answer younger than the stale time serves another reader without a request', async () => {
    const client = createQueryClient();
    const fn = vi.fn().mockResolvedValue('rows');
    const wrapper = withQueryClient(client);
    const first = renderHook(() => useQuery({ queryKey: ['list'], queryFn: fn }), { wrapper });
    await waitFor(() => expect(first.result.current.data).toBe('rows'));
    const second = renderHook(() => useQuery({ queryKey: ['list'], queryFn: fn }), { wrapper });
    expect(second.result.current.data).toBe('rows');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(client.getQueryCache().find({ queryKey: ['list'] })!.isStaleByTime(STALE_MS)).toBe(false);
  });

  it('lists of moving data read again when the tab regains focus; a campaign does not', async () => {
    const fetchMock = vi.fn(async (url: string) => {
      const body = url.startsWith('/api/conversions') ? { items: [], total: 0, limit: 25, nextCursor: null, page: null, pages: null } : { campaign: { id: 'c1' } };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    vi.stubGlobal('fetch', fetchMock);
    const client = createQueryClient();
    const wrapper = withQueryClient(client);
    const conversions = queries.conversions.list({ limit: 25 });
    const campaign = queries.campaigns.detail('c1');
    const a = renderHook(() => useQuery(conversions), { wrapper });
    const b = renderHook(() => useQuery(campaign), { wrapper });
    await waitFor(() => expect(a.result.current.isSuccess && b.result.current.isSuccess).toBe(true));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    // Both answers are old now; only the list is asked for again on focus.
    for (const key of [queryKeys.conversions.list({ limit: 25 }), queryKeys.campaigns.detail('c1')]) client.setQueryData(key, client.getQueryData(key), { updatedAt: 0 });
    act(() => focusManager.setFocused(false));
    act(() => focusManager.setFocused(true));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(3));
    expect(fetchMock.mock.calls.at(-1)![0]).toBe('/api/conversions?limit=25');
    // Focus refetches start together: had the campaign been asked for, it would be counted already.
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });
});
