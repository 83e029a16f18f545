import { useEffect, useRef, useState, type ReactNode } from 'react';

/** A headline number. `live` adds the ticking dot; a change of `tick` flashes the value. */
export function KpiCard({ label, value, sub, live, tick, testId }: { label: string; value: ReactNode; sub?: ReactNode; live?: boolean; tick?: number; testId?: string }) {
  const [flash, setFlash] = useState(false);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    setFlash(true);
    const t = setTimeout(() => setFlash(false), 700);
    return () => clearTimeout(t);
  }, [tick]);
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3.5 shadow-sm" data-testid={testId}>
      <div className="flex items-center justify-between gap-2">
        <p className="text-xs font-medium tracking-wide text-slate-600 uppercase">{label}</p>
        {live !== undefined && <LiveDot live={live} compact />}
      </div>
      <p
        className={`mt-1.5 text-2xl font-semibold tracking-tight text-slate-900 tabular-nums transition-colors duration-500 ${flash ? 'text-indigo-600' : ''}`}
        aria-live={live !== undefined ? 'polite' : undefined}
        aria-atomic="true"
        data-kpi={testId}
      >
        {value}
      </p>
      {sub && <div className="mt-0.5 text-xs text-slate-600">{sub}</div>}
    </div>
  );
}

/** `compact` shows the dot only (the label stays for screen readers). */
export function LiveDot({ live, label, compact = false }: { live: boolean; label?: string; compact?: boolean }) {
  const text = label ?? (live ? 'Live' : 'Offline');
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium ${live ? 'text-emerald-700' : 'text-slate-500'}`} title={compact ? text : undefined}>
      <span className="relative flex h-2 w-2" aria-hidden="true">
        {live && <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-emerald-400 opacity-75" />}
        <span className={`relative inline-flex h-2 w-2 rounded-full ${live ? 'bg-emerald-500' : 'bg-slate-400'}`} />
      </span>
      <span className={compact ? 'sr-only' : undefined}>{text}</span>
    </span>
  );
}

export function KpiGrid({ children }: { children: ReactNode }) {
  return <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">{children}</div>;
}
