import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { createQueryClient } from '../api/query-client';
import { useAuth } from './AuthContext';

/**
 * The dashboard's one query cache (api/query-client.ts). It is emptied when
 * the account signs out: the next account to sign in in this tab would
 * otherwise see the previous one's lists while its own load. Signing out
 * unmounts every page first, so no query is left watching a dropped entry.
 */
export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(createQueryClient);
  const signedIn = useAuth().user !== null;
  useEffect(() => {
    if (!signedIn) client.clear();
  }, [signedIn, client]);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
