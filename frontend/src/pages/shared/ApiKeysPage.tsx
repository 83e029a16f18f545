import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { SCOPE_TEXT, type ApiKey } from '../../api/api-keys';
import { useApiKeyRevoke } from '../../api/mutations';
import { queries } from '../../api/queries';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { useToast } from '../../context/ToastContext';
import { formatDateTime } from '../../lib/format';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';

/** Columns a phone leaves out (the name cell repeats the key's prefix and access there). */
const WIDE = 'hidden sm:table-cell';

function KeysTable({ items, onRevoke }: { items: ApiKey[]; onRevoke(k: ApiKey): void }) {
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-600 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2 sm:px-4">
              Name
            </th>
            {['Key', 'Access', 'Created', 'Last used'].map((h) => (
              <th key={h} scope="col" className={`px-4 py-2 ${WIDE}`}>
                {h}
              </th>
            ))}
            <th scope="col" className="px-3 py-2 sm:px-4">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((k) => (
            <tr key={k.id}>
              <td className="px-3 py-2 break-words sm:px-4">
                <span className="font-medium text-slate-900">{k.name}</span>
                <span className="mt-0.5 block text-xs text-slate-600 sm:hidden">
                  <span className="font-mono">{k.prefix}…</span> · {SCOPE_TEXT[k.scope].label}
                </span>
              </td>
              <td className={`px-4 py-2 font-mono text-xs whitespace-nowrap text-slate-700 ${WIDE}`}>{k.prefix}…</td>
              <td className={`px-4 py-2 whitespace-nowrap ${WIDE}`}>{SCOPE_TEXT[k.scope].label}</td>
              <td className={`px-4 py-2 whitespace-nowrap text-slate-700 ${WIDE}`}>{formatDateTime(k.createdAt)}</td>
              <td className={`px-4 py-2 whitespace-nowrap text-slate-700 ${WIDE}`}>{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</td>
              <td className="px-3 py-2 text-right sm:px-4">
                <Button variant="secondary" size="sm" aria-label={`Revoke ${k.name}`} onClick={() => onRevoke(k)}>
                  Revoke
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** API keys of the signed-in account, for every role: create (the secret is shown once), list and revoke. */
export function ApiKeysPage() {
  // The account's keys (a few dozen at most), read again after every change (api/mutations.ts).
  const keys = useQuery(queries.apiKeys.list());
  const revokeKey = useApiKeyRevoke();
  const [creating, setCreating] = useState(false);
  const confirm = useConfirm();
  const { notify } = useToast();
  const full = keys.data !== undefined && keys.data.items.length >= keys.data.max;

  const revoke = (k: ApiKey) =>
    confirm.ask({
      title: `Revoke “${k.name}”?`,
      message: `Requests made with ${k.prefix}… will be refused at once. This cannot be undone.`,
      confirmLabel: 'Revoke key',
      variant: 'danger',
      onConfirm: async () => {
        await revokeKey.mutateAsync(k.id);
        notify('success', `API key “${k.name}” revoked`);
      },
    });

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your own programs call the API as your account, as Authorization: Bearer <key>. A key never does more than your account may."
        actions={
          <Button onClick={() => setCreating(true)} disabled={keys.data === undefined || full} title={full ? `At most ${keys.data?.max} keys; revoke one first` : undefined}>
            Create API key
          </Button>
        }
      />
      <Card>
        <Async state={keys} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No API keys yet">Create one for each program that calls the API, so you can revoke them one by one.</EmptyState>}>
          {(d) => <KeysTable items={d.items} onRevoke={revoke} />}
        </Async>
      </Card>
      {creating && <CreateApiKeyDialog onClose={() => setCreating(false)} />}
      {confirm.dialog}
    </>
  );
}
