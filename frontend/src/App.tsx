import { Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { LinkButton } from './components/Button';
import { ErrorBoundary } from './components/ErrorBoundary';
import { AppShell } from './components/layout/AppShell';
import { homeFor } from './components/layout/nav';
import { EmptyState, ErrorState, Loading } from './components/states';
import { AuthProvider, useAuth } from './context/AuthContext';
import { QueryProvider } from './context/QueryProvider';
import { SocketProvider } from './context/SocketContext';
import { ToastProvider } from './context/ToastContext';
import { useDocumentTitle } from './hooks/useDocumentTitle';
import { AccountStatusPage } from './pages/auth/AccountStatusPage';
import { RegisterPage } from './pages/auth/RegisterPage';
import { ResetPasswordPage } from './pages/auth/ResetPasswordPage';
import { SignInPage } from './pages/auth/SignInPage';
import { ROUTES } from './routes';

function NotFound({ home }: { home: string }) {
  useDocumentTitle('Page not found');
  return (
    <EmptyState title="Page not found" action={<LinkButton to={home}>Go to the dashboard</LinkButton>}>
      This page does not exist or is not available to your account.
    </EmptyState>
  );
}

function Gate() {
  const { state, refresh } = useAuth();
  const location = useLocation();

  if (state.status === 'loading') return <Loading label="Loading Offerly…" className="min-h-screen" />;
  if (state.status === 'error') {
    return (
      <div className="flex min-h-screen items-center justify-center">
        <ErrorState error={state.error} onRetry={() => void refresh()} title="Offerly is not reachable" />
      </div>
    );
  }
  if (state.status === 'signedOut') {
    return (
      <Routes>
        <Route path="/signin" element={<SignInPage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/reset-password" element={<ResetPasswordPage />} />
        <Route path="*" element={<Navigate to="/signin" replace state={state.reason === 'signedOut' ? null : { from: location.pathname + location.search }} />} />
      </Routes>
    );
  }

  const user = state.user;
  if (user.role === 'affiliate' && user.status !== 'approved') return <AccountStatusPage />;
  const home = homeFor(user.role);
  return (
    <AppShell>
      {/* A page that throws, or whose script fails to load, shows an error panel; another page clears it. */}
      <ErrorBoundary resetKey={location.pathname}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Navigate to={home} replace />} />
            <Route path="/signin" element={<Navigate to={home} replace />} />
            <Route path="/register" element={<Navigate to={home} replace />} />
            {ROUTES[user.role].map((r) => (
              <Route key={r.path} path={r.path} element={r.element} />
            ))}
            <Route path="*" element={<NotFound home={home} />} />
          </Routes>
        </Suspense>
      </ErrorBoundary>
    </AppShell>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <ToastProvider>
        <AuthProvider>
          <QueryProvider>
            <SocketProvider>
              <ErrorBoundary>
                <Gate />
              </ErrorBoundary>
            </SocketProvider>
          </QueryProvider>
        </AuthProvider>
      </ToastProvider>
    </BrowserRouter>
  );
}
