import { useState } from 'react';
import { queries } from '../../api/queries';
import type { AuditEntry } from '../../api/settings';
import { Card } from '../../components/Card';
import type { Column } from '../../components/DataTable';
import { inputClass } from '../../components/form/fields';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { useDebounced } from '../../hooks/useDebounced';
import { useCursorList } from '../../hooks/useServerList';
import { formatDateTime, humanize } from '../../lib/format';

/** Actions the filter suggests; any `<area>.<verb>` may be typed. */
const KNOWN_ACTIONS = ['settings.update', 'api_key.create', 'api_key.revoke'];
const ACTION_RE = /^[a-z_]+\.[a-z_]+$/;

type Detail = AuditEntry['details'][string];
/** `payoutHoldDays` → "Payout hold days". */
const fieldLabel = (k: string) => humanize(k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());
const shown = (v: Detail) => (v === null ? '—' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));

/**
 * An entry's details, with `<field>_before` / `<field>_after` pairs (what a
 * settings change records) shown as one "before → after" line.
 */
export function AuditDetails({ details }: { details: AuditEntry['details'] }) {
  const keys = Object.keys(details);
  const paired = new Set<string>();
  const lines: Array<{ key: string; label: string; text: string }> = [];
  for (const k of keys) {
    const m = /^(.*)_before$/.exec(k);
    if (!m || !(`${m[1]}_after` in details)) continue;
    const field = m[1]!;
    paired.add(k).add(`${field}_after`);
    const reset = details[`${field}_reset`] === true;
    if (reset) paired.add(`${field}_reset`);
    lines.push({ key: field, label: fieldLabel(field), text: `${shown(details[k]!)} → ${shown(details[`${field}_after`]!)}${reset ? ' (default)' : ''}` });
  }
  for (const k of keys) if (!paired.has(k)) lines.push({ key: k, label: fieldLabel(k), text: shown(details[k]!) });
  if (!lines.length) return <span className="text-slate-500">—</span>;
  return (
    <ul className="space-y-0.5 text-xs">
      {lines.map((l) => (
        <li key={l.key}>
          <span className="font-medium text-slate-800">{l.label}:</span> <span className="text-slate-700">{l.text}</span>
        </li>
      ))}
    </ul>
  );
}

/** Who acted: the account's name and email (role as a hint), and the API key it used, if any. */
export function AuditActor({ actor }: { actor: AuditEntry['actor'] }) {
  if (!actor) return <span className="text-slate-600">System</span>;
  return (
    <div className="min-w-0 text-sm" title={`${humanize(actor.role)} ${actor.id}`}>
      <div className="font-medium text-slate-900">{actor.name ?? `${humanize(actor.role)} (account removed)`}</div>
      {actor.email && <div className="text-xs break-all text-slate-600">{actor.email}</div>}
      {actor.key && (
        <div className="text-xs text-slate-600">
          API key “{actor.key.name}” <span className="font-mono">{actor.key.prefix}…</span>
        </div>
      )}
    </div>
  );
}

export function AuditLogPage() {
  const [actionInput, setActionInput] = useState('');
  const typed = useDebounced(actionInput.trim(), 300);
  const action = ACTION_RE.test(typed) ? typed : undefined;
  // The audit log is ordered by time only: the list's sort key is dropped, its direction kept.
  const list = useCursorList(({ cursor, order }) => queries.auditLog.list({ cursor, order, action, limit: 50 }), { key: 'at', dir: 'desc' });
  const columns: Column<AuditEntry>[] = [
    { id: 'at', header: 'When', cell: (e) => formatDateTime(e.at), sortKey: 'at' },
    { id: 'who', header: 'Who', cell: (e) => <AuditActor actor={e.actor} /> },
    { id: 'action', header: 'Action', cell: (e) => <span className="font-mono text-xs">{e.action}</span> },
    { id: 'target', header: 'Target', cell: (e) => e.target.label, hideOnMobile: true },
    { id: 'details', header: 'Change', cell: (e) => <AuditDetails details={e.details} /> },
    { id: 'ip', header: 'Address', cell: (e) => <span className="font-mono text-xs">{e.ip ?? '—'}</span>, hideOnMobile: true },
  ];
  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, newest first: platform settings, API keys and account reviews." />
      <Card>
        <ListTable
          list={list}
          caption="Audit log"
          columns={columns}
          rowKey={(e) => e.id}
          rowLabel="entries"
          toolbar={
            <div className="w-full sm:w-64">
              <label htmlFor="audit-action" className="block text-xs font-medium text-slate-700">
                Action
              </label>
              <input id="audit-action" list="audit-actions" value={actionInput} onChange={(e) => setActionInput(e.target.value)} placeholder="All actions" className={inputClass(Boolean(typed) && !action, 'mt-1 py-1.5')} />
              <datalist id="audit-actions">
                {KNOWN_ACTIONS.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </div>
          }
          empty={<EmptyState title="No entries">Changes made by admins and users appear here.</EmptyState>}
        />
      </Card>
    </>
  );
}
