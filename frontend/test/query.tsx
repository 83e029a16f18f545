import { QueryClientProvider } from '@tanstack/react-query';
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
