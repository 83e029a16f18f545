const TONES: Record<string, string> = {
  active: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  approved: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  delivered: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  attributed: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  completed: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  paid: 'bg-indigo-50 text-indigo-800 ring-indigo-600/20',
  status_updated: 'bg-indigo-50 text-indigo-800 ring-indigo-600/20',
  pending: 'bg-amber-50 text-amber-900 ring-amber-600/30',
  pending_approval: 'bg-amber-50 text-amber-900 ring-amber-600/30',
  queued: 'bg-amber-50 text-amber-900 ring-amber-600/30',
  running: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  paused: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  archived: 'bg-slate-100 text-slate-600 ring-slate-500/20',
  skipped: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  rejected: 'bg-rose-50 text-rose-800 ring-rose-600/20',
  failed: 'bg-rose-50 text-rose-800 ring-rose-600/20',
  refused: 'bg-rose-50 text-rose-800 ring-rose-600/20',
  suspended: 'bg-rose-50 text-rose-800 ring-rose-600/20',
  error: 'bg-rose-50 text-rose-800 ring-rose-600/20',
};

const LABELS: Record<string, string> = { pending_approval: 'Pending approval', status_updated: 'Status updated' };

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  const tone = TONES[status] ?? 'bg-slate-100 text-slate-700 ring-slate-500/20';
  const text = label ?? LABELS[status] ?? status.charAt(0).toUpperCase() + status.slice(1).replace(/_/g, ' ');
  return <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tone}`}>{text}</span>;
}

export function RoleBadge({ role }: { role: string }) {
  const tone = role === 'admin' ? 'bg-violet-100 text-violet-800' : role === 'advertiser' ? 'bg-sky-100 text-sky-800' : 'bg-teal-100 text-teal-800';
  return <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-semibold uppercase tracking-wide ${tone}`}>{role}</span>;
}
