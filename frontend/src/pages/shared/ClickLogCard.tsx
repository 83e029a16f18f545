import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { queries } from '../../api/queries';
import type { ClickLogEntry } from '../../api/types';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { DataTable, type Column } from '../../components/DataTable';
import { StatusBadge } from '../../components/StatusBadge';
import { Async, EmptyState } from '../../components/states';
import { formatDateTime } from '../../lib/format';

const LIMIT = 25;

const subs = (c: ClickLogEntry) =>
  (['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const)
    .filter((k) => c[k] !== null)
    .map((k) => `${k}=${c[k]}`)
    .join(' ');

const columns: Column<ClickLogEntry>[] = [
  { id: 'at', header: 'Time', cell: (c) => formatDateTime(c.at) },
  { id: 'status', header: 'Status', cell: (c) => (c.valid ? <StatusBadge status={c.unique ? 'ok' : 'active'} label={c.unique ? 'Valid, unique' : 'Valid'} /> : <StatusBadge status="rejected" label={`Invalid: ${c.reason ?? 'unknown'}`} />) },
  { id: 'country', header: 'Country', cell: (c) => (c.country === 'ZZ' ? <span className="text-slate-500">Unknown</span> : c.country) },
  { id: 'device', header: 'Device', cell: (c) => c.device },
  { id: 'os', header: 'OS', cell: (c) => c.os, hideOnMobile: true },
  { id: 'browser', header: 'Browser', cell: (c) => c.browser, hideOnMobile: true },
  { id: 'subs', header: 'Sub IDs', cell: (c) => subs(c) || <span className="text-slate-500">—</span>, hideOnMobile: true },
  { id: 'link', header: 'Link', cell: (c) => <code className="text-xs">{c.linkId}</code>, hideOnMobile: true },
];

/**
 * Recent clicks of a campaign or an affiliate, newest first, with why the
 * invalid ones did not count. Paged by the API's cursor; "Prev" goes back
 * through the cursors already seen.
 */
export function ClickLogCard({ scope, id }: { scope: 'campaign' | 'affiliate'; id: string }) {
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const state = useQuery(queries.reports.clicks(scope, id, { limit: LIMIT, ...(cursor ? { cursor } : {}) }));
  return (
    <Card>
      <CardHeader title="Click log" description="Recent clicks, newest first: where they came from and whether they counted." />
      <CardBody className="p-0">
        <Async state={state} loadingLabel="Loading clicks…">
          {(page) => (
            <DataTable
              caption="Click log"
              columns={columns}
              rows={page.items}
              rowKey={(c) => c.id}
              rowLabel="clicks"
              busy={state.isPlaceholderData}
              cursor={{
                index: cursors.length - 1,
                count: page.items.length,
                limit: LIMIT,
                total: null,
                hasNext: page.nextCursor !== null,
                onNext: () => page.nextCursor && setCursors([...cursors, page.nextCursor]),
                onPrevious: () => setCursors(cursors.slice(0, -1)),
              }}
              empty={<EmptyState title="No clicks yet">Clicks show up here a moment after they happen.</EmptyState>}
            />
          )}
        </Async>
      </CardBody>
    </Card>
  );
}
