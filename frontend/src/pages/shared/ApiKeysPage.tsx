import { useCallback, useEffect, useState } from 'react';
import { apiKeysApi, SCOPE_TEXT, type ApiKey } from '../../api/api-keys';
import { ApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { useToast } from '../../context/ToastContext';
import { formatDateTime } from '../../lib/format';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';

interface KeysState {
  items: ApiKey[] | null;
  max: number;
  error: ApiError | null;
}

/** The account's keys, read again after every change (at most a few dozen rows). */
function useApiKeys() {
  const [state, setState] = useState<KeysState>({ items: null, max: 0, error: null });
  const reload = useCallback(async (signal?: AbortSignal) => {
    try {
      const list = await apiKeysApi.list(signal);
      setState({ items: list.items, max: list.max, error: null });
    } catch (err) {
      if (signal?.aborted) return;
      setState((s) => ({ ...s, error: err instanceof ApiError ? err : new ApiError(0, 'client', String(err)) }));
    }
  }, []);
  useEffect(() => {
    const ctl = new AbortController();
    void reload(ctl.signal);
    return () => ctl.abort();
  }, [reload]);
  return { ...state, reload };
}

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
  const keys = useApiKeys();
  const [creating, setCreating] = useState(false);
  const confirm = useConfirm();
  const { notify } = useToast();
  const full = keys.items !== null && keys.items.length >= keys.max;

  const revoke = (k: ApiKey) =>
    confirm.ask({
      title: `Revoke “${k.name}”?`,
      message: `Requests made with ${k.prefix}… will be refused at once. This cannot be undone.`,
      confirmLabel: 'Revoke key',
      variant: 'danger',
      onConfirm: async () => {
        await apiKeysApi.revoke(k.id);
        notify('success', `API key “${k.name}” revoked`);
        await keys.reload();
      },
    });

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your own programs call the API as your account, as Authorization: Bearer <key>. A key never does more than your account may."
        actions={
          <Button onClick={() => setCreating(true)} disabled={keys.items === null || full} title={full ? `At most ${keys.max} keys; revoke one first` : undefined}>
            Create API key
          </Button>
        }
      />
      <Card>
        {keys.error && keys.items === null ? (
          <ErrorState error={keys.error} onRetry={() => void keys.reload()} />
        ) : keys.items === null ? (
          <Loading />
        ) : keys.items.length === 0 ? (
          <EmptyState title="No API keys yet">Create one for each program that calls the API, so you can revoke them one by one.</EmptyState>
        ) : (
          <KeysTable items={keys.items} onRevoke={revoke} />
        )}
      </Card>
      {creating && <CreateApiKeyDialog onCreated={() => void keys.reload()} onClose={() => setCreating(false)} />}
      {confirm.dialog}
    </>
  );
}
