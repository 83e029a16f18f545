import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './client';

declare module '@tanstack/react-query' {
  // The API client turns every failed request into an ApiError (client.ts), so
  // queries and mutations fail with one error type that ErrorState can read.
  interface Register {
    defaultError: ApiError;
  }
}

/** Answers younger than this are shown without asking again (another page opening the same list, say). */
export const STALE_MS = 5_000;

/** Attempts after the first one, for failures that may pass on their own. */
export const MAX_RETRIES = 2;

/**
 * Whether asking again may help: the network dropped, the server failed (5xx)
 * or asked us to slow down (429). A 4xx other than 429 answers the same on
 * every try, and a retry would only delay its message.
 */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return false;
  return err.code === 'network' || err.status >= 500 || err.status === 429;
}

export function shouldRetry(failureCount: number, err: unknown): boolean {
  return failureCount < MAX_RETRIES && isTransient(err);
}

/**
 * The dashboard's one query cache. Pages that show data which moves on its
 * own (conversions arriving, job runs finishing) opt into refetching when
 * the tab regains focus (see queries.ts); elsewhere a focus change costs no
 * requests. Writes are not retried: a POST that timed out may have happened.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: STALE_MS, retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}
