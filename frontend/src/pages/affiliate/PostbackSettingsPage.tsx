import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { asApiError } from '../../api/client';
import { usePostbackSettingsSave, usePostbackTestCall } from '../../api/mutations';
import { queries } from '../../api/queries';
import type { Delivery, OutboundSettings } from '../../api/types';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { CopyField } from '../../components/CopyButton';
import type { Column } from '../../components/DataTable';
import { CheckboxField, FormAlert, TextField } from '../../components/form/fields';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../context/ToastContext';
import { useCursorList } from '../../hooks/useServerList';
import { formatDateTime } from '../../lib/format';
import { isUrlTemplate, MACRO_IN_ORIGIN_MESSAGE, macroInOrigin, POSTBACK_MACROS, unknownMacros } from '../../lib/validation';

/** The affiliate's outbound postback: URL with macros, a test call, and the delivery log. */
export function PostbackSettingsPage() {
  const settings = useQuery(queries.postbackSettings.get());
  return (
    <>
      <PageHeader title="Postback" description="Offerly calls your URL whenever one of your conversions is recorded or changes status." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Postback URL" />
          <CardBody>
            <Async state={settings}>{(s) => <SettingsForm initial={s} />}</Async>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Delivery log" description="Every call Offerly made to your URL, with the response." />
          <DeliveryLog />
        </Card>
      </div>
    </>
  );
}

/** The saved settings come back into the page's query (usePostbackSettingsSave); a test call reloads the delivery log. */
function SettingsForm({ initial }: { initial: OutboundSettings }) {
  const [url, setUrl] = useState(initial.url ?? '');
  const [enabled, setEnabled] = useState(initial.enabled);
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [testResult, setTestResult] = useState<Delivery | null>(null);
  const saveSettings = usePostbackSettingsSave();
  const testCall = usePostbackTestCall();
  const { notify } = useToast();
  useEffect(() => setUrl(initial.url ?? ''), [initial.url]);

  const validate = (): string | undefined => {
    const u = url.trim();
    if (!u) return enabled ? 'Enter a URL or turn postbacks off' : undefined;
    if (u.length > 2048) return 'At most 2048 characters';
    const unknown = unknownMacros(u, POSTBACK_MACROS);
    if (unknown.length) return `Unknown macro {${unknown[0]}}`;
    if (macroInOrigin(u)) return MACRO_IN_ORIGIN_MESSAGE;
    if (!isUrlTemplate(u, POSTBACK_MACROS)) return 'Must be an absolute http(s) URL';
    return undefined;
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const v = validate();
    setError(v);
    setFormError(null);
    if (v) return;
    try {
      await saveSettings.mutateAsync({ url: url.trim() || null, enabled });
      notify('success', 'Postback settings saved');
    } catch (err) {
      const apiErr = asApiError(err);
      setError(apiErr.fieldErrors.url);
      setFormError(apiErr.message);
    }
  };

  const test = async () => {
    setTestResult(null);
    try {
      const { delivery } = await testCall.mutateAsync();
      setTestResult(delivery);
    } catch (err) {
      notify('error', asApiError(err).message);
    }
  };

  return (
    <form onSubmit={save} noValidate className="space-y-4">
      <FormAlert message={formError} />
      <TextField label="URL" type="url" value={url} onChange={setUrl} error={error} placeholder="https://tracker.example.com/postback?cid={click_id}&payout={payout}&status={status}" spellCheck={false} />
      <div className="rounded-lg bg-slate-50 p-3 text-xs text-slate-700">
        <p className="font-medium">Macros</p>
        <p className="mt-1 font-mono leading-6 text-indigo-700">{POSTBACK_MACROS.map((m) => `{${m}}`).join(' ')}</p>
        <p className="mt-1">
          <span className="font-mono">{'{payout}'}</span> is a decimal amount (e.g. 12.50); <span className="font-mono">{'{payout_cents}'}</span> the integer minor units.
        </p>
      </div>
      <CheckboxField label="Send postbacks" checked={enabled} onChange={setEnabled} hint="Turn off to pause calls without losing the URL." />
      {initial.secret && (
        <div>
          <p className="mb-1 text-sm font-medium text-slate-800">Signing secret</p>
          <p className="mb-2 text-xs text-slate-600">
            Each call carries an <span className="font-mono">X-Offerly-Signature</span> header made with this secret, so your server can check the call came from Offerly.
          </p>
          <CopyField value={initial.secret} what="signing secret" />
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" busy={saveSettings.isPending}>
          Save
        </Button>
        <Button variant="secondary" onClick={() => void test()} busy={testCall.isPending} disabled={!initial.url}>
          Send test call
        </Button>
      </div>
      <div aria-live="polite">
        {testResult && (
          <div className="rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="delivery-result">
            <div className="flex flex-wrap items-center gap-2">
              <StatusBadge status={testResult.outcome} />
              <span>{testResult.httpStatus !== null ? `HTTP ${testResult.httpStatus}` : 'No response'}</span>
              {testResult.durationMs !== null && <span className="text-slate-600">{testResult.durationMs} ms</span>}
            </div>
            <p className="mt-1 font-mono text-xs break-all text-slate-700">{testResult.url}</p>
            {testResult.error && <p className="mt-1 text-rose-800">{testResult.error}</p>}
          </div>
        )}
      </div>
    </form>
  );
}

function DeliveryLog() {
  const list = useCursorList((paging) => queries.deliveries.list({ ...paging, limit: 25 }), { key: 'at', dir: 'desc' });
  const columns: Column<Delivery>[] = [
    { id: 'at', header: 'When', cell: (d) => formatDateTime(d.at), sortKey: 'at' },
    { id: 'outcome', header: 'Outcome', cell: (d) => <span className="flex items-center gap-2"><StatusBadge status={d.outcome} />{d.test && <span className="rounded bg-slate-100 px-1.5 text-xs">test</span>}</span> },
    { id: 'http', header: 'HTTP', align: 'right', cell: (d) => d.httpStatus ?? '—' },
    { id: 'event', header: 'Event', cell: (d) => d.event, hideOnMobile: true },
    { id: 'attempt', header: 'Attempt', align: 'right', cell: (d) => d.attempt, hideOnMobile: true },
    { id: 'ms', header: 'Time', align: 'right', cell: (d) => (d.durationMs !== null ? `${d.durationMs} ms` : '—'), hideOnMobile: true },
    { id: 'url', header: 'URL', cell: (d) => <span className="block max-w-md truncate font-mono text-xs" title={d.url}>{d.url}</span>, hideOnMobile: true },
    { id: 'error', header: 'Error', cell: (d) => <span className="text-xs text-rose-800">{d.error ?? ''}</span>, hideOnMobile: true },
  ];
  return (
    <ListTable
      list={list}
      caption="Postback deliveries"
      columns={columns}
      rowKey={(d) => d.id}
      rowLabel="deliveries"
      empty={<EmptyState title="No calls yet">Calls appear here after your first conversion or a test call.</EmptyState>}
    />
  );
}
