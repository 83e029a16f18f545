import { Link } from 'react-router-dom';
import { useConversionReview } from '../../api/mutations';
import { queries } from '../../api/queries';
import type { Conversion, ConversionStatus, Role } from '../../api/types';
import { Button } from '../../components/Button';
import { useConfirm } from '../../components/ConfirmDialog';
import { actionsColumn, type Column } from '../../components/DataTable';
import { ListTable } from '../../components/ListTable';
import { Money } from '../../components/Money';
import { EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../context/ToastContext';
import { useListFilter } from '../../hooks/useListFilter';
import { useCursorList } from '../../hooks/useServerList';
import { formatDateTime, humanize } from '../../lib/format';

const STATUSES: Record<ConversionStatus | 'all', string> = { all: 'All', pending: 'Pending', approved: 'Approved', rejected: 'Rejected' };

const PAGE = 25;

/** Conversions with statuses and reasons; advertisers and admins review pending ones here. */
export function ConversionsTable({ role, campaignId, showCampaign = true }: { role: Role; campaignId?: string; showCampaign?: boolean }) {
  const status = useListFilter('Conversion status', STATUSES, 'all');
  const list = useCursorList((paging) => queries.conversions.list({ campaignId, status: status.param, ...paging, limit: PAGE }), { key: 'convertedAt', dir: 'desc' });
  const reviewConversion = useConversionReview();
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
      check: { label: 'Also show this note to the affiliate', hint: 'Otherwise the affiliate sees the change and its reason, not the note.' },
      onConfirm: async ({ note, checked }) => {
        await reviewConversion.mutateAsync({ id: c.id, action, note, shareNote: checked && note !== '' });
        notify('success', `Conversion ${action === 'approve' ? 'approved' : 'rejected'}`);
      },
    });

  const columns: Column<Conversion>[] = [
    { id: 'convertedAt', header: 'Converted', cell: (c) => formatDateTime(c.convertedAt), sortKey: 'convertedAt' },
    ...(showCampaign ? [{ id: 'campaign', header: 'Campaign', cell: (c: Conversion) => c.campaignName }] : []),
    {
      id: 'txn',
      header: 'Transaction',
      cell: (c) => (
        <Link to={`/conversions/${c.id}`} className="font-mono text-xs text-indigo-700 hover:underline" aria-label={`Open conversion ${c.txnId}`}>
          {c.txnId}
        </Link>
      ),
      hideOnMobile: true,
    },
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
          actionsColumn((c: Conversion) =>
            c.status === 'pending' && !c.payoutId ? (
              <>
                <Button size="sm" variant="success" onClick={() => review(c, 'approve')} aria-label={`Approve conversion ${c.txnId ?? c.id}`}>
                  Approve
                </Button>
                <Button size="sm" variant="secondary" onClick={() => review(c, 'reject')} aria-label={`Reject conversion ${c.txnId ?? c.id}`}>
                  Reject
                </Button>
              </>
            ) : null,
          ),
        ]
      : []),
  ];

  return (
    <div>
      <ListTable
        list={list}
        toolbar={status.control}
        caption="Conversions"
        columns={columns}
        rowKey={(c) => c.id}
        rowLabel="conversions"
        empty={<EmptyState title={status.param ? `No ${status.param} conversions` : 'No conversions yet'}>Conversions appear here once postbacks are attributed to clicks.</EmptyState>}
      />
      {dialog}
    </div>
  );
}
