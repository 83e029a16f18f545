import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { lazy, Suspense, useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary, isChunkLoadError } from './ErrorBoundary';

function Boom({ what }: { what: string }): never {
  throw new Error(what);
}

beforeEach(() => {
  // React and the boundary log caught errors; keep the test output readable.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('error boundary', () => {
  it('shows the error panel with a reload button instead of a blank page when a page throws', async () => {
    const reload = vi.fn();
    render(
      <ErrorBoundary onReload={reload}>
        <p>header</p>
        <Boom what="rows is not iterable" />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('This page could not be shown');
    expect(screen.getByRole('alert')).toHaveTextContent('rows is not iterable');
    await userEvent.click(screen.getByRole('button', { name: 'Reload page' }));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('says a page script failed to load (e.g. after a deploy) rather than showing the raw error', async () => {
    const Page = lazy(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module: http://localhost/assets/OverviewPage-abc.js')));
    render(
      <ErrorBoundary onReload={() => {}}>
        <Suspense fallback={<p>Loading…</p>}>
          <Page />
        </Suspense>
      </ErrorBoundary>,
    );
    expect(await screen.findByText(/Part of the dashboard could not be loaded/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload page' })).toBeInTheDocument();
    expect(isChunkLoadError(new TypeError('Importing a module script failed.'))).toBe(true);
    expect(isChunkLoadError(new TypeError('x is undefined'))).toBe(false);
  });

  it('clears the error when its reset key changes (another page)', async () => {
    function Harness() {
      const [path, setPath] = useState('/broken');
      return (
        <>
          <button type="button" onClick={() => setPath('/fine')}>
            Go elsewhere
          </button>
          <ErrorBoundary resetKey={path} onReload={() => {}}>
            {path === '/broken' ? <Boom what="bad data" /> : <p>Fine page</p>}
          </ErrorBoundary>
        </>
      );
    }
    render(<Harness />);
    expect(screen.getByText('This page could not be shown')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Go elsewhere' }));
    expect(screen.getByText('Fine page')).toBeInTheDocument();
    expect(screen.queryByText('This page could not be shown')).toBeNull();
  });
});
