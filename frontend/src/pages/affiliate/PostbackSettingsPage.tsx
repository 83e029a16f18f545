import { useEffect, useState, type FormEvent } from 'react';
import { affiliateApi } from '../../api/affiliate';
import type { Delivery, OutboundSettings } from '../../api/types';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { CopyField } from '../../components/CopyButton';
import { DataTable, type Column } from '../../components/DataTable';
import { CheckboxField, FormAlert, TextField } from '../../components/form/fields';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../context/ToastContext';
import { asApiError, useApi } from '../../hooks/useApi';
import { useCursorTable } from '../../hooks/useCursorTable';
import { formatDateTime } from '../../lib/format';
import { isUrlTemplate, MACRO_IN_ORIGIN_MESSAGE, macroInOrigin, POSTBACK_MACROS, unknownMacros } from '../../lib/validation';

/** The affiliate's outbound postback: URL with macros, a test call, and the delivery log. */
export function PostbackSettingsPage() {
  const settings = useApi((signal) => affiliateApi.postback(signal), []);
  const [logKey, setLogKey] = useState(0);
  return (
    <>
      <PageHeader title="Postback" description="Offerly calls your URL whenever one of your conversions is recorded or changes status." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Postback URL" />
          <CardBody>
            <Async state={settings}>{(s) => <SettingsForm initial={s} onSaved={(n) => settings.setData(() => n)} onTested={() => setLogKey((k) => k + 1)} />}</Async>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Delivery log" description="Every call Offerly made to your URL, with the response." />
          <DeliveryLog reloadKey={logKey} />
        </Card>
      </div>
    </>
  );
}

function SettingsForm({ initial, onSaved, onTested }: { initial: OutboundSettings; onSaved(s: OutboundSettings): void; onTested(): void }) {
  const [url, setUrl] = useState(initial.url ?? '');
  const [enabled, setEnabled] = useState(initial.enabled);
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [testing, setTesting] = useState(false);
  const [testResult, setTestResult] = useState<Delivery | null>(null);
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
    setBusy(true);
    try {
      const saved = await affiliateApi.savePostback({ url: url.trim() || null, enabled });
      onSaved(saved);
      notify('success', 'Postback settings saved');
    } catch (err) {
      const apiErr = asApiError(err);
      setError(apiErr.fieldErrors.url);
      setFormError(apiErr.message);
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setTesting(true);
    setTestResult(null);
    try {
      const { delivery } = await affiliateApi.testPostback();
      setTestResult(delivery);
      onTested();
    } catch (err) {
      notify('error', asApiError(err).message);
    } finally {
      setTesting(false);
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
        <Button type="submit" busy={busy}>
          Save
        </Button>
        <Button variant="secondary" onClick={() => void test()} busy={testing} disabled={!initial.url}>
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

function DeliveryLog({ reloadKey }: { reloadKey: number }) {
  const table = useCursorTable({ key: 'at', dir: 'desc' });
  const { query } = table;
  const state = useApi((signal) => affiliateApi.deliveries({ ...query, limit: 25 }, signal), [query.cursor, query.sort, query.order, reloadKey]);
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
    <Async state={state}>
      {(data) => (
        <DataTable
          caption="Postback deliveries"
          columns={columns}
          rows={data.items}
          rowKey={(d) => d.id}
          rowLabel="deliveries"
          busy={state.loading}
          cursor={table.paging(data)}
          empty={<EmptyState title="No calls yet">Calls appear here after your first conversion or a test call.</EmptyState>}
        />
      )}
    </Async>
  );
}
