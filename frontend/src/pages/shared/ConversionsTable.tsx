import { useState } from 'react';
import { conversionsApi } from '../../api/conversions';
import type { Conversion, ConversionStatus, Role } from '../../api/types';
import { Button } from '../../components/Button';
import { useConfirm } from '../../components/ConfirmDialog';
import { DataTable, type Column } from '../../components/DataTable';
import { Money } from '../../components/Money';
import { Async, EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { Segmented } from '../../components/Tabs';
import { useToast } from '../../context/ToastContext';
import { useApi } from '../../hooks/useApi';
import { useCursorTable } from '../../hooks/useCursorTable';
import { formatDateTime, humanize } from '../../lib/format';

type Filter = ConversionStatus | 'all';

const FILTERS: Array<{ id: Filter; label: string }> = [
  { id: 'all', label: 'All' },
  { id: 'pending', label: 'Pending' },
  { id: 'approved', label: 'Approved' },
  { id: 'rejected', label: 'Rejected' },
];

const PAGE = 25;

/** Conversions with statuses and reasons; advertisers and admins review pending ones here. */
export function ConversionsTable({ role, campaignId, showCampaign = true }: { role: Role; campaignId?: string; showCampaign?: boolean }) {
  const [status, setStatus] = useState<Filter>('all');
  const table = useCursorTable({ key: 'convertedAt', dir: 'desc' });
  const { query, reset } = table;
  const state = useApi((signal) => conversionsApi.list({ campaignId, status: status === 'all' ? '' : status, ...query, limit: PAGE }, signal), [campaignId, status, query.cursor, query.sort, query.order]);
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();
  const canReview = role !== 'affiliate';

  const review = (c: Conversion, action: 'approve' | 'reject') =>
    ask({
      title: action === 'approve' ? 'Approve conversion' : 'Reject conversion',
      message: (
        <p>
          {action === 'approve' ? 'Approve' : 'Reject'} conversion <span className="font-mono">{c.txnId ?? c.id}</span> worth <Money cents={c.payoutCents} currency={c.currency} /> to the affiliate?
        </p>
      ),
      confirmLabel: action === 'approve' ? 'Approve' : 'Reject',
      variant: action === 'approve' ? 'success' : 'danger',
      note: { label: 'Note (kept with the conversion)', required: action === 'reject', placeholder: action === 'reject' ? 'Why is it rejected?' : 'Optional' },
      onConfirm: async ({ note }) => {
        const res = action === 'approve' ? await conversionsApi.approve(c.id, note) : await conversionsApi.reject(c.id, note);
        state.setData((d) => d && { ...d, items: d.items.map((x) => (x.id === c.id ? res.conversion : x)) });
        notify('success', `Conversion ${action === 'approve' ? 'approved' : 'rejected'}`);
      },
    });

  const columns: Column<Conversion>[] = [
    { id: 'convertedAt', header: 'Converted', cell: (c) => formatDateTime(c.convertedAt), sortKey: 'convertedAt' },
    ...(showCampaign ? [{ id: 'campaign', header: 'Campaign', cell: (c: Conversion) => c.campaignName }] : []),
    { id: 'txn', header: 'Transaction', cell: (c) => <span className="font-mono text-xs">{c.txnId ?? '—'}</span>, hideOnMobile: true },
    {
      id: 'status',
      header: 'Status',
      cell: (c) => (
        <span className="flex flex-col items-start gap-0.5">
          <StatusBadge status={c.status} />
          {c.reason && <span className="text-xs text-slate-600">{humanize(c.reason)}</span>}
          {c.suspectedFraud && <span className="text-xs font-medium text-rose-700">Suspected fraud</span>}
        </span>
      ),
    },
    { id: 'sale', header: 'Sale', align: 'right', cell: (c) => <Money cents={c.saleAmountCents} currency={c.currency} />, hideOnMobile: true },
    ...(role !== 'affiliate'
      ? [{ id: 'revenue', header: 'Revenue', align: 'right' as const, cell: (c: Conversion) => <Money cents={c.revenueCents} currency={c.currency} />, hideOnMobile: true }]
      : []),
    { id: 'payout', header: role === 'affiliate' ? 'Earnings' : 'Payout', align: 'right', cell: (c) => <Money cents={c.payoutCents} currency={c.currency} /> },
    { id: 'sub1', header: 'Sub1', cell: (c) => c.sub1 || <span className="text-slate-500">—</span>, hideOnMobile: true },
    ...(canReview
      ? [
          {
            id: 'actions',
            header: <span className="sr-only">Actions</span>,
            align: 'right' as const,
            cell: (c: Conversion) =>
              c.status === 'pending' && !c.payoutId ? (
                <span className="flex justify-end gap-1.5">
                  <Button size="sm" variant="success" onClick={() => review(c, 'approve')} aria-label={`Approve conversion ${c.txnId ?? c.id}`}>
                    Approve
                  </Button>
                  <Button size="sm" variant="secondary" onClick={() => review(c, 'reject')} aria-label={`Reject conversion ${c.txnId ?? c.id}`}>
                    Reject
                  </Button>
                </span>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-3">
        <Segmented label="Conversion status" options={FILTERS} value={status} onChange={(s) => { setStatus(s); reset(); }} />
      </div>
      <Async state={state}>
        {(data) => (
          <DataTable
            caption="Conversions"
            columns={columns}
            rows={data.items}
            rowKey={(c) => c.id}
            rowLabel="conversions"
            busy={state.loading}
            cursor={table.paging(data)}
            empty={<EmptyState title={status === 'all' ? 'No conversions yet' : `No ${status} conversions`}>Conversions appear here once postbacks are attributed to clicks.</EmptyState>}
          />
        )}
      </Async>
      {dialog}
    </div>
  );
}
