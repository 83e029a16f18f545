import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { authApi, type RegisterInput } from '../api/auth';
import { api, ApiError } from '../api/client';
import type { User } from '../api/types';

export type AuthState =
  | { status: 'loading' }
  /** `reason`: never signed in this visit, the session ended (a 401), or the user signed out. */
  | { status: 'signedOut'; reason: 'visit' | 'expired' | 'signedOut' }
  | { status: 'signedIn'; user: User }
  | { status: 'error'; error: ApiError };

export interface AuthValue {
  state: AuthState;
  user: User | null;
  signIn(email: string, password: string): Promise<User>;
  register(input: RegisterInput): Promise<User>;
  signOut(): Promise<void>;
  /** Re-reads the account (e.g. to see whether an admin approved it). */
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const { user } = await authApi.me();
      setState({ status: 'signedIn', user });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setState({ status: 'signedOut', reason: 'visit' });
      else setState({ status: 'error', error: err instanceof ApiError ? err : new ApiError(0, 'unknown', String(err)) });
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Any 401 from any page means the session is gone: show the sign-in page.
  useEffect(
    () =>
      api.onUnauthorized(() => {
        setState((s) => (s.status === 'signedIn' ? { status: 'signedOut', reason: 'expired' } : s));
      }),
    [],
  );

  // An affiliate suspended (or rejected) while signed in gets 403 affiliate_not_approved
  // from every page: re-read the account so the account-status page replaces them.
  // A failed re-read changes nothing (a 401 signs out above; other errors stay in the page).
  const recheck = useRef<Promise<void> | null>(null);
  useEffect(
    () =>
      api.onNotApproved(() => {
        recheck.current ??= authApi
          .me()
          .then(({ user }) => setState((s) => (s.status === 'signedIn' ? { status: 'signedIn', user } : s)))
          .catch(() => {})
          .finally(() => {
            recheck.current = null;
          });
      }),
    [],
  );

  const signIn = useCallback(async (email: string, password: string) => {
    const { user } = await authApi.login(email, password);
    setState({ status: 'signedIn', user });
    return user;
  }, []);

  const register = useCallback(async (input: RegisterInput) => {
    const { user } = await authApi.register(input);
    setState({ status: 'signedIn', user });
    return user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch {
      // The session may already be gone; either way we forget it here.
    }
    setState({ status: 'signedOut', reason: 'signedOut' });
  }, []);

  const value = useMemo<AuthValue>(
    () => ({ state, user: state.status === 'signedIn' ? state.user : null, signIn, register, signOut, refresh }),
    [state, signIn, register, signOut, refresh],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

/** For pages that only render when signed in. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}
