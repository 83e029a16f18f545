import { useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useAuth, useUser } from '../../context/AuthContext';
import { useSocket } from '../../context/SocketContext';
import { Icon } from '../Icon';
import { LiveDot } from '../KpiCard';
import { RoleBadge } from '../StatusBadge';
import type { UserStatus } from '../../api/types';
import { NAV } from './nav';

function Logo() {
  return (
    <span className="flex items-center gap-2 text-lg font-semibold tracking-tight">
      <span className="flex h-7 w-7 items-center justify-center rounded-md bg-indigo-500 text-sm font-bold text-white" aria-hidden="true">
        O
      </span>
      Offerly
    </span>
  );
}

function NavList({ onNavigate }: { onNavigate?: () => void }) {
  const user = useUser();
  return (
    <ul className="space-y-0.5">
      {NAV[user.role].map((item) => (
        <li key={item.to}>
          <NavLink
            to={item.to}
            onClick={onNavigate}
            className={({ isActive }) =>
              `flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-300 ${
                isActive ? 'bg-slate-800 text-white' : 'text-slate-300 hover:bg-slate-800/60 hover:text-white'
              }`
            }
          >
            <Icon name={item.icon} className="h-5 w-5 shrink-0 text-slate-400" />
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

function Account() {
  const user = useUser();
  const { signOut } = useAuth();
  const { connected } = useSocket();
  return (
    <div className="flex items-center gap-3">
      <span className="hidden sm:inline">
        <LiveDot live={connected} label={connected ? 'Live' : 'Reconnecting'} />
      </span>
      <div className="hidden min-w-0 text-right sm:block">
        <p className="truncate text-sm font-medium text-slate-900">{user.name}</p>
        <p className="truncate text-xs text-slate-600">{user.email}</p>
      </div>
      <RoleBadge role={user.role} />
      <button
        type="button"
        onClick={() => void signOut()}
        className="rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        Sign out
      </button>
    </div>
  );
}

const ADVERTISER_NOTICE: Partial<Record<UserStatus, { title: string; body: string }>> = {
  pending: {
    title: 'Your advertiser account is awaiting approval',
    body: 'You can create and edit campaigns now. No traffic reaches them until an admin approves your account: affiliates cannot see them yet.',
  },
  suspended: {
    title: 'Your advertiser account is suspended',
    body: 'Clicks on your campaigns go to their fallback pages, and the account is read-only. Conversions of earlier clicks are still recorded. Contact the network for details.',
  },
  rejected: {
    title: 'Your advertiser application was not approved',
    body: 'The account is read-only and its campaigns take no traffic. Contact the network if you think this is a mistake.',
  },
};

/** An advertiser works while pending (campaigns get no traffic yet), so its status is a banner, not a page. */
function AccountNotice() {
  const user = useUser();
  const { refresh } = useAuth();
  const [checking, setChecking] = useState(false);
  const notice = user.role === 'advertiser' ? ADVERTISER_NOTICE[user.status] : undefined;
  if (!notice) return null;
  return (
    <div role="status" className="mb-6 flex flex-wrap items-start justify-between gap-3 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <div>
        <p className="font-semibold">{notice.title}</p>
        <p className="mt-0.5">{notice.body}</p>
      </div>
      <button
        type="button"
        disabled={checking}
        onClick={async () => {
          setChecking(true);
          await refresh();
          setChecking(false);
        }}
        className="rounded-md bg-white px-2.5 py-1.5 font-medium text-amber-900 ring-1 ring-amber-300 hover:bg-amber-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-600"
      >
        {checking ? 'Checking…' : 'Check again'}
      </button>
    </div>
  );
}

/** Sidebar on laptops; on phones the navigation folds into a menu under the top bar. */
export function AppShell({ children }: { children: ReactNode }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname]);

  // After moving to another page, focus goes to its content (as a page load would
  // start there), so keyboard and screen-reader users are not left on the old link.
  const main = useRef<HTMLElement>(null);
  const shownPath = useRef(location.pathname);
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    main.current?.focus();
  }, [location.pathname]);

  return (
    <div className="min-h-screen bg-slate-50 lg:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow">
        Skip to content
      </a>
      <div className="hidden w-60 shrink-0 bg-slate-900 lg:block">
        <aside className="sticky top-0 flex h-screen flex-col px-3 py-5 text-white" aria-label="Sidebar">
          <div className="px-3">
            <Logo />
          </div>
          <nav className="mt-8 flex-1 overflow-y-auto" aria-label="Main">
            <NavList />
          </nav>
          <p className="px-3 text-xs text-slate-400">Affiliate tracking &amp; payouts</p>
        </aside>
      </div>
      <div className="min-w-0 flex-1">
        <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
          <div className="flex h-14 items-center justify-between gap-3 px-4 sm:px-6">
            <div className="flex items-center gap-2 lg:hidden">
              <button
                type="button"
                onClick={() => setMenuOpen((o) => !o)}
                aria-expanded={menuOpen}
                aria-controls="mobile-nav"
                className="rounded-md p-2 text-slate-700 ring-1 ring-slate-300 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <span className="sr-only">{menuOpen ? 'Close menu' : 'Open menu'}</span>
                <span aria-hidden="true">{menuOpen ? '✕' : '☰'}</span>
              </button>
              <span className="text-slate-900">
                <Logo />
              </span>
            </div>
            <div className="hidden lg:block" />
            <Account />
          </div>
          {menuOpen && (
            <nav id="mobile-nav" aria-label="Main" className="border-t border-slate-800 bg-slate-900 px-3 py-3 lg:hidden">
              <NavList onNavigate={() => setMenuOpen(false)} />
            </nav>
          )}
        </header>
        <main id="main" ref={main} tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 outline-none sm:px-6 lg:px-8">
          <AccountNotice />
          {children}
        </main>
      </div>
    </div>
  );
}
