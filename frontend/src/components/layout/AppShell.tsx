import { useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useAuth, useUser } from '../../context/AuthContext';
import { useSocket } from '../../context/SocketContext';
import { Icon } from '../Icon';
import { LiveDot } from '../KpiCard';
import { RoleBadge } from '../StatusBadge';
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
          {children}
        </main>
      </div>
    </div>
  );
}
