import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { Async } from './states';

/** A query's result as Async reads it (useQuery's data, error and refetch). */
const state = <T,>(over: Partial<{ data: T; error: ApiError | null }>) => ({ data: undefined as T | undefined, error: null, refetch: vi.fn(), ...over });

describe('loading, empty and error states', () => {
  it('shows a loading state, then the data', () => {
    const { rerender } = render(<Async state={state<string[]>({})}>{(d) => <p>{d.join(',')}</p>}</Async>);
    expect(screen.getByRole('status')).toHaveTextContent('Loading…');
    rerender(<Async state={state({ data: ['a', 'b'] })}>{(d) => <p>{d.join(',')}</p>}</Async>);
    expect(screen.getByText('a,b')).toBeInTheDocument();
  });

  it('shows the empty state when the data is empty', () => {
    render(
      <Async state={state({ data: [] as string[] })} isEmpty={(d) => d.length === 0} empty={<p>Nothing yet</p>}>
        {() => <p>rows</p>}
      </Async>,
    );
    expect(screen.getByText('Nothing yet')).toBeInTheDocument();
  });

  it('shows a 404 from an endpoint this server lacks as “not available” with a retry, not a crash', async () => {
    const s = state<string>({ error: new ApiError(404, 'not_found', 'No route for GET /analytics/overview') });
    render(<Async state={s}>{(d) => <p>{d}</p>}</Async>);
    expect(screen.getByRole('alert')).toHaveTextContent('Not available');
    expect(screen.getByRole('alert')).toHaveTextContent('This server does not provide this yet.');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
    expect(s.refetch).toHaveBeenCalledTimes(1);
  });

  it('shows other errors in the API’s words; 403 has no retry', () => {
    render(<Async state={state<string>({ error: new ApiError(403, 'affiliate_not_approved', 'Your affiliate account is pending') })}>{(d) => <p>{d}</p>}</Async>);
    expect(screen.getByRole('alert')).toHaveTextContent('Not allowed');
    expect(screen.getByRole('alert')).toHaveTextContent('Your affiliate account is pending');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('keeps showing data when a reload fails, with the error above it', () => {
    render(<Async state={state({ data: 'old rows', error: new ApiError(0, 'network', 'Cannot reach the server.') })}>{(d) => <p>{d}</p>}</Async>);
    expect(screen.getByText('old rows')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Cannot reach the server.');
  });
});
