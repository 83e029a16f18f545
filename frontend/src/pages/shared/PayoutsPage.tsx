import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useBulkApprovePayouts, usePayoutRun } from '../../api/mutations';
import { payoutsApi } from '../../api/payouts';
import { queries } from '../../api/queries';
import type { Payout, PayoutBulkApproveResult } from '../../api/types';
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
import { useCursorList } from '../../hooks/useServerList';
import { formatCount, formatDate, formatNumber } from '../../lib/format';
import { affiliateLabel, payoutRunSummary } from './payout-format';
import { PayoutFilterBar, usePayoutFilters } from './payout-filters';

/** The toast after a bulk approval: how many were approved, and why the others were not. */
export function bulkApproveSummary(r: PayoutBulkApproveResult): string {
  const parts = [`Approved ${formatCount(r.approved, 'payout', 'payouts')}`];
  const refused = r.results.flatMap((x) => (x.outcome === 'refused' ? [x.message] : []));
  if (refused.length) parts.push(`${refused.length} refused: ${[...new Set(refused)].join('; ')}`);
  return parts.join('; ');
}

/** Payouts: an affiliate's own, or every payout for admins to review (one by one or in bulk) and run. */
export function PayoutsPage() {
  const user = useUser();
  const admin = user.role === 'admin';
  const filters = usePayoutFilters(admin);
  const list = useCursorList((paging) => queries.payouts.list({ ...filters.query, ...paging, limit: 25 }), { key: 'createdAt', dir: 'desc' });
  const payoutRun = usePayoutRun();
  const bulkApprove = useBulkApprovePayouts();
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());

  const rows = list.query.data?.items ?? [];
  // Only rows on screen and awaiting approval count as selected: another page or filter leaves the rest behind.
  const reviewable = rows.filter((p) => p.status === 'pending_approval');
  const selected = reviewable.filter((p) => picked.has(p.id)).map((p) => p.id);
  const toggle = (id: string, on: boolean) => setPicked((s) => (on ? new Set([...s, id]) : new Set([...s].filter((x) => x !== id))));
  const allOn = reviewable.length > 0 && selected.length === reviewable.length;

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
        filters.status.set('pending_approval');
      },
    });

  const approveSelected = () =>
    ask({
      title: `Approve ${formatCount(selected.length, 'payout', 'payouts')}`,
      message: 'Each selected payout moves from pending approval to approved, ready to be paid. Payouts changed meanwhile are left as they are and reported.',
      confirmLabel: 'Approve',
      onConfirm: async () => {
        const r = await bulkApprove.mutateAsync({ ids: selected });
        notify(r.refused ? 'error' : 'success', bulkApproveSummary(r));
        setPicked(new Set());
      },
    });

  const pick: Column<Payout> = {
    id: 'pick',
    header: (
      <input type="checkbox" aria-label="Select every payout awaiting approval on this page" checked={allOn} disabled={reviewable.length === 0} onChange={(e) => setPicked(new Set(e.target.checked ? reviewable.map((p) => p.id) : []))} className="size-4" />
    ),
    cell: (p) =>
      p.status === 'pending_approval' ? (
        <input type="checkbox" aria-label={`Select payout of ${affiliateLabel(p)} created ${formatDate(p.createdAt)}`} checked={picked.has(p.id)} onChange={(e) => toggle(p.id, e.target.checked)} className="size-4" />
      ) : null,
  };

  const columns: Column<Payout>[] = [
    ...(admin ? [pick] : []),
    {
      id: 'created',
      header: 'Created',
      cell: (p) => (
        <div className="whitespace-normal">
          <Link to={`/payouts/${p.id}`} className="font-medium text-indigo-700 hover:underline" aria-label={`Payout of ${affiliateLabel(p)} created ${formatDate(p.createdAt)}`}>
            {formatDate(p.createdAt)}
          </Link>
          {/* On a phone the affiliate column is hidden: its name goes under the date. */}
          {admin && <div className="text-xs text-slate-500 sm:hidden">{affiliateLabel(p)}</div>}
        </div>
      ),
      sortKey: 'createdAt',
    },
    ...(admin
      ? [
          {
            id: 'affiliate',
            header: 'Affiliate',
            hideOnMobile: true,
            cell: (p: Payout) => (
              <button type="button" onClick={() => filters.set({ affiliate: p.affiliateId })} title="Show only this affiliate’s payouts" className="text-left hover:text-indigo-700 hover:underline">
                {affiliateLabel(p)}
              </button>
            ),
          },
        ]
      : []),
    { id: 'amount', header: 'Amount', align: 'right', cell: (p) => <Money cents={p.amountCents} currency={p.currency} className="font-medium" /> },
    { id: 'count', header: 'Conversions', align: 'right', cell: (p) => formatNumber(p.conversionCount), hideOnMobile: true },
    { id: 'status', header: 'Status', cell: (p) => <StatusBadge status={p.status} /> },
    { id: 'cutoff', header: 'Up to', cell: (p) => formatDate(p.cutoff), hideOnMobile: true },
    // On a phone the date opens the payout; this column would push the amount and status off the screen.
    {
      ...actionsColumn(
        (p) => (
          <Link to={`/payouts/${p.id}`} className="text-sm font-medium text-indigo-700 hover:underline">
            {admin && p.status === 'pending_approval' ? 'Review' : 'Details'} →
          </Link>
        ),
        'Open',
      ),
      hideOnMobile: true,
    },
  ];

  return (
    <>
      <PageHeader
        title="Payouts"
        description={admin ? 'Review payout runs, approve or reject them, and mark them paid.' : 'What you have earned and when it is paid.'}
        actions={
          <>
            <CsvLink url={payoutsApi.csv({ ...filters.query, ...list.params })} filename="payouts.csv" />
            {admin && <Button onClick={runNow}>Run payouts now</Button>}
          </>
        }
      />
      <Card>
        <ListTable
          list={list}
          toolbar={
            <>
              <PayoutFilterBar filters={filters} admin={admin} affiliateName={rows.find((p) => p.affiliateId === filters.affiliateId)?.affiliateName} />
              {admin && reviewable.length > 0 && (
                <div className="flex w-full items-center gap-3 sm:w-auto">
                  <Button size="sm" onClick={approveSelected} disabled={selected.length === 0} busy={bulkApprove.isPending}>
                    Approve selected ({selected.length})
                  </Button>
                </div>
              )}
            </>
          }
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
