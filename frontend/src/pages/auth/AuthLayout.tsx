import type { ReactNode } from 'react';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';

export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  useDocumentTitle(title);
  return (
    <div className="flex min-h-screen bg-slate-50">
      <div className="relative hidden w-[42%] flex-col justify-between overflow-hidden bg-slate-900 p-10 text-white lg:flex">
        <div className="flex items-center gap-2 text-lg font-semibold">
          <span className="flex h-8 w-8 items-center justify-center rounded-md bg-indigo-500 font-bold" aria-hidden="true">
            O
          </span>
          Offerly
        </div>
        <div>
          <p className="text-3xl leading-tight font-semibold">Track every click. Attribute every conversion. Pay on time.</p>
          <ul className="mt-6 space-y-2 text-sm text-slate-300">
            <li>• Redirects in milliseconds, live counters over WebSockets</li>
            <li>• Server-to-server postbacks with clear resolution reasons</li>
            <li>• CPA, CPL, CPS and CPC payouts with caps and budgets</li>
          </ul>
        </div>
        <p className="text-xs text-slate-400">Open-source affiliate tracking and payouts</p>
        <div className="pointer-events-none absolute -right-24 -bottom-24 h-72 w-72 rounded-full bg-indigo-600/30 blur-3xl" aria-hidden="true" />
      </div>
      <main className="flex flex-1 items-center justify-center px-4 py-10 sm:px-8">
        <div className="w-full max-w-md">
          <div className="mb-6 flex items-center gap-2 text-lg font-semibold text-slate-900 lg:hidden">
            <span className="flex h-8 w-8 items-center justify-center rounded-md bg-indigo-600 font-bold text-white" aria-hidden="true">
              O
            </span>
            Offerly
          </div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
          {subtitle && <p className="mt-1 text-sm text-slate-600">{subtitle}</p>}
          <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">{children}</div>
          {footer && <div className="mt-4 text-center text-sm text-slate-600">{footer}</div>}
        </div>
      </main>
    </div>
  );
}
