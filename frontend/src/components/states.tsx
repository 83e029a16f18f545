import type { ReactNode } from 'react';
import type { ApiError } from '../api/client';
import { Button, Spinner } from './Button';

export function Loading({ label = 'Loading…', className = '' }: { label?: string; className?: string }) {
  return (
    <div role="status" className={`flex items-center justify-center gap-2 py-10 text-sm text-slate-600 ${className}`}>
      <Spinner className="h-5 w-5 text-indigo-600" />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-6 py-12 text-center">
      <div className="flex h-10 w-10 items-center justify-center rounded-full bg-slate-100 text-slate-500" aria-hidden="true">
        ∅
      </div>
      <p className="font-medium text-slate-900">{title}</p>
      {children && <div className="max-w-md text-sm text-slate-600">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

/** What went wrong, in the API's words; a 404 from a missing endpoint says the feature is unavailable. */
export function ErrorState({ error, onRetry, title, retryLabel = 'Try again' }: { error: ApiError; onRetry?: () => void; title?: string; retryLabel?: string }) {
  const heading = title ?? (error.status === 404 ? 'Not available' : error.status === 403 ? 'Not allowed' : 'Could not load this');
  // The API answers unknown routes with "No route for …": this server does not offer the feature.
  const message = error.code === 'not_found' && error.message.startsWith('No route for') ? 'This server does not provide this yet.' : error.message;
  return (
    <div role="alert" className="flex flex-col items-center justify-center gap-2 px-6 py-10 text-center">
      <div className="flex h-10 w-10 items-center justify-center rounded-full bg-rose-50 font-bold text-rose-700" aria-hidden="true">
        !
      </div>
      <p className="font-medium text-slate-900">{heading}</p>
      <p className="max-w-md text-sm text-slate-600">{message}</p>
      {onRetry && error.status !== 403 && (
        <Button variant="secondary" size="sm" onClick={onRetry} className="mt-2">
          {retryLabel}
        </Button>
      )}
    </div>
  );
}

interface AsyncProps<T> {
  /** A query's result (useQuery): the answer so far, the last error and how to ask again. */
  state: { data: T | undefined; error: ApiError | null; refetch(): unknown };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}

/** Loading, error and empty states in one place for anything a page reads. */
export function Async<T>({ state, isEmpty, empty, loadingLabel, children }: AsyncProps<T>) {
  if (state.error && state.data === undefined) return <ErrorState error={state.error} onRetry={() => void state.refetch()} />;
  if (state.data === undefined) return <Loading label={loadingLabel} />;
  if (isEmpty?.(state.data)) return <>{empty ?? <EmptyState title="Nothing here yet" />}</>;
  return (
    <>
      {state.error && (
        <p role="alert" className="mx-5 mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {state.error.message}
        </p>
      )}
      {children(state.data)}
    </>
  );
}
