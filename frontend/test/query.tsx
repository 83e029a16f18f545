import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import type { ReactNode } from 'react';
import { createQueryClient } from '../src/api/query-client';

/**
 * A `wrapper` for render(): the app's query defaults in a cache of its own,
 * so no test sees answers cached by another.
 */
export function withQueryClient(client = createQueryClient()): (props: { children: ReactNode }) => ReactNode {
  return function QueryWrapper({ children }) {
    return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  };
}

/** withQueryClient inside a router at `entry` (lists keep their sort and filters in the URL). */
export function withRouterAndQueryClient(entry = '/', client = createQueryClient()): (props: { children: ReactNode }) => ReactNode {
  const Query = withQueryClient(client);
  return function RouterWrapper({ children }) {
    return (
      <MemoryRouter initialEntries={[entry]}>
        <Query>{children}</Query>
      </MemoryRouter>
    );
  };
}
