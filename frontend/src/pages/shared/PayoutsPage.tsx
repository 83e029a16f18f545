import { Link } from 'react-router-dom';
import { usePayoutRun } from '../../api/mutations';
import { payoutsApi } from '../../api/payouts';
import { queries } from '../../api/queries';
import type { Payout, PayoutStatus } from '../../api/types';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { CsvLink } from '../../components/CsvLink';
import { actionsColumn, type Column } from '../../components/DataTable';
import { ListTable } from '../../components/ListTable';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useUser } from '../../context/AuthContext';
import { useToast } from '../../context/ToastContext';
import { useListFilter } from '../../hooks/useListFilter';
import { useCursorList } from '../../hooks/useServerList';
import { formatDate, formatNumber } from '../../lib/format';
import { affiliateLabel, payoutRunSummary } from './payout-format';

const STATUSES: Record<PayoutStatus | 'all', string> = { all: 'All', pending_approval: 'Pending approval', approved: 'Approved', paid: 'Paid', rejected: 'Rejected' };

/** Payouts: an affiliate's own, or every payout for admins to review and run. */
export function PayoutsPage() {
  const user = useUser();
  const admin = user.role === 'admin';
  const status = useListFilter('Payout status', STATUSES, admin ? 'pending_approval' : 'all');
  const filter = { status: status.param };
  const list = useCursorList((paging) => queries.payouts.list({ ...filter, ...paging, limit: 25 }), { key: 'createdAt', dir: 'desc' });
  const payoutRun = usePayoutRun();
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();

  const runNow = () =>
    ask({
      title: 'Run payouts now',
      message: 'Groups approved conversions past the hold period into one payout per affiliate and currency. Payouts wait for your approval.',
      confirmLabel: 'Run payouts',
      onConfirm: async () => {
        const { run } = await payoutRun.mutateAsync();
        // A run that fails is still answered 200 with its job-run record: show it as the failure it is.
        if (run.status === 'failed') notify('error', `Payout run failed: ${run.error ?? 'see Job runs'}`);
        else notify('success', payoutRunSummary(run));
        status.set('pending_approval');
      },
    });

  const columns: Column<Payout>[] = [
    {
      id: 'created',
      header: 'Created',
      cell: (p) => (
        <Link to={`/payouts/${p.id}`} className="font-medium text-indigo-700 hover:underline" aria-label={`Payout of ${affiliateLabel(p)} created ${formatDate(p.createdAt)}`}>
          {formatDate(p.createdAt)}
        </Link>
      ),
      sortKey: 'createdAt',
    },
    ...(admin ? [{ id: 'affiliate', header: 'Affiliate', cell: (p: Payout) => affiliateLabel(p) }] : []),
    { id: 'amount', header: 'Amount', align: 'right', cell: (p) => <Money cents={p.amountCents} currency={p.currency} className="font-medium" /> },
    { id: 'count', header: 'Conversions', align: 'right', cell: (p) => formatNumber(p.conversionCount), hideOnMobile: true },
    { id: 'status', header: 'Status', cell: (p) => <StatusBadge status={p.status} /> },
    { id: 'cutoff', header: 'Up to', cell: (p) => formatDate(p.cutoff), hideOnMobile: true },
    actionsColumn(
      (p) => (
        <Link to={`/payouts/${p.id}`} className="text-sm font-medium text-indigo-700 hover:underline">
          {admin && p.status === 'pending_approval' ? 'Review' : 'Details'} →
        </Link>
      ),
      'Open',
    ),
  ];

  return (
    <>
      <PageHeader
        title="Payouts"
        description={admin ? 'Review payout runs, approve or reject them, and mark them paid.' : 'What you have earned and when it is paid.'}
        actions={
          <>
            <CsvLink url={payoutsApi.csv({ ...filter, ...list.params })} filename="payouts.csv" />
            {admin && <Button onClick={runNow}>Run payouts now</Button>}
          </>
        }
      />
      <Card>
        <ListTable
          list={list}
          toolbar={status.control}
          caption="Payouts"
          columns={columns}
          rowKey={(p) => p.id}
          rowLabel="payouts"
          empty={<EmptyState title="No payouts here">{admin ? 'Run payouts to group approved conversions into payouts.' : 'Payouts are created from your approved conversions after the hold period.'}</EmptyState>}
        />
      </Card>
      {dialog}
    </>
  );
}
