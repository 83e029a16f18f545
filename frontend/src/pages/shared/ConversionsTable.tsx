import { Link } from 'react-router-dom';
import { useState, type ReactNode } from 'react';
import { useConversionBulkReview } from '../../api/mutations';
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
import { conversionsApi } from '../../api/conversions';
import { CsvLink } from '../../components/CsvLink';
import { useUrlListFilter } from '../../hooks/useListFilter';
import { useUrlParam } from '../../hooks/useUrlState';
import { useCursorList } from '../../hooks/useServerList';
import { formatDateTime, humanize } from '../../lib/format';
import { useConversionReviewDialog } from './useConversionReviewDialog';
import { AccountFilter } from './AccountFilter';
import { CampaignAffiliateFilter, CampaignFilter, DayRangeFilter, SearchBox, useListUrlFilters } from './list-filters';
import { useCampaignAffiliates } from './useCampaignAffiliates';

const STATUSES: Record<ConversionStatus | 'all', string> = { all: 'All', pending: 'Pending', approved: 'Approved', rejected: 'Rejected' };

const PAGE = 25;

/**
 * The conversions list's filters, all in the URL (shareable, kept on
 * reload): `status`, `q` (txn id or click id), `campaign` (unless the table
 * is a campaign's), `affiliate` (admins and advertisers), `advertiser`
 * (admins) and `from`/`to` days (UTC, `to` included).
 */
function useConversionFilters(role: Role, fixedCampaign?: string) {
  const status = useUrlListFilter('status', 'Conversion status', STATUSES, 'all');
  const [search, setSearch] = useUrlParam('q');
  const url = useListUrlFilters();
  const campaignId = fixedCampaign ?? url.id('campaign');
  const affiliateId = role === 'affiliate' ? '' : url.id('affiliate');
  const advertiserId = role === 'admin' ? url.id('advertiser') : '';
  const query = {
    status: status.param,
    ...(campaignId ? { campaignId } : {}),
    ...(affiliateId ? { affiliateId } : {}),
    ...(advertiserId ? { advertiserId } : {}),
    ...url.range,
    ...(search ? { search } : {}),
  };
  const filtered = Boolean(status.param || search || (campaignId && !fixedCampaign) || affiliateId || advertiserId || url.from || url.to);
  return { status, search, setSearch, campaignId, affiliateId, advertiserId, from: url.from, to: url.to, set: url.set, query, filtered };
}

type ConversionFilters = ReturnType<typeof useConversionFilters>;

/** The pickers of the conversions list: campaign, affiliate, advertiser as the role allows, and the days. */
function ConversionFilterBar({ f, role, fixedCampaign, rows }: { f: ConversionFilters; role: Role; fixedCampaign?: string; rows: Conversion[] }) {
  const affiliates = useCampaignAffiliates(role === 'advertiser' ? f.campaignId : '');
  const campaignName = rows.find((c) => c.campaignId === f.campaignId)?.campaignName;
  const affiliateName = rows.find((c) => c.affiliateId === f.affiliateId)?.affiliateName;
  return (
    <div className="flex w-full flex-wrap items-end gap-3">
      {role === 'admin' && !fixedCampaign && <AccountFilter role="advertiser" value={f.advertiserId} onChange={(v) => f.set({ advertiser: v, campaign: undefined })} />}
      {!fixedCampaign && <CampaignFilter role={role} value={f.campaignId} onChange={(v) => f.set({ campaign: v })} advertiserId={f.advertiserId} chosenName={campaignName} />}
      {role === 'admin' && <AccountFilter role="affiliate" value={f.affiliateId} onChange={(v) => f.set({ affiliate: v })} chosenName={affiliateName} />}
      {role === 'advertiser' && <CampaignAffiliateFilter campaignId={f.campaignId} value={f.affiliateId} onChange={(v) => f.set({ affiliate: v })} affiliates={affiliates.affiliates} loading={affiliates.loading} />}
      <DayRangeFilter what="Converted" from={f.from} to={f.to} onChange={f.set} />
    </div>
  );
}

/** Conversions with statuses and reasons; advertisers and admins review pending ones here. */
export function ConversionsTable({ role, campaignId, showCampaign = true }: { role: Role; campaignId?: string; showCampaign?: boolean }) {
  const f = useConversionFilters(role, campaignId);
  const { status, search, setSearch } = f;
  const list = useCursorList((paging) => queries.conversions.list({ ...f.query, ...paging, limit: PAGE }), { key: 'convertedAt', dir: 'desc' });
  const bulk = useBulkReview(list.query.data?.items ?? []);
  const { review, dialog } = useConversionReviewDialog();
  const canReview = role !== 'affiliate';
  const actions = (c: Conversion) =>
    c.status === 'pending' && !c.payoutId ? (
      <>
        <Button size="sm" variant="success" onClick={() => review(c, 'approve')} aria-label={`Approve conversion ${c.txnId ?? c.id}`}>
          Approve
        </Button>
        <Button size="sm" variant="secondary" onClick={() => review(c, 'reject')} aria-label={`Reject conversion ${c.txnId ?? c.id}`}>
          Reject
        </Button>
      </>
    ) : null;

  const columns: Column<Conversion>[] = [
    ...(canReview ? [bulk.column] : []),
    { id: 'convertedAt', header: 'Converted', cell: (c) => formatDateTime(c.convertedAt), sortKey: 'convertedAt' },
    ...(showCampaign ? [{ id: 'campaign', header: 'Campaign', cell: (c: Conversion) => c.campaignName }] : []),
    ...(role === 'admin' ? [{ id: 'affiliate', header: 'Affiliate', cell: (c: Conversion) => c.affiliateName ?? <span className="font-mono text-xs">{c.affiliateId}</span> }] : []),
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
    { id: 'payout', header: role === 'affiliate' ? 'Earnings' : 'Payout', align: 'right', cell: (c) => <PayoutCell c={c} role={role} /> },
    { id: 'sub1', header: 'Sub1', cell: (c) => c.sub1 || <span className="text-slate-500">—</span>, hideOnMobile: true },
    ...(canReview ? [actionsColumn(actions)] : []),
  ];

  return (
    <div>
      <ListTable
        list={list}
        toolbar={
          <>
            {status.control}
            <SearchBox value={search} onSearch={setSearch} />
            <ConversionFilterBar f={f} role={role} fixedCampaign={campaignId} rows={list.query.data?.items ?? []} />
            <CsvLink url={conversionsApi.csv({ ...f.query, ...list.params })} />
            {canReview && bulk.controls}
          </>
        }
        caption="Conversions"
        columns={columns}
        rowKey={(c) => c.id}
        rowLabel="conversions"
        card={(c) => <ConversionCard c={c} role={role} showCampaign={showCampaign} pick={canReview ? bulk.column.cell(c) : null} actions={canReview ? actions(c) : null} />}
        empty={
          <EmptyState title={search ? `No conversion with txn id or click id “${search}”` : f.filtered ? 'No conversions match these filters' : 'No conversions yet'}>
            {f.filtered ? 'Change or clear the filters above.' : 'Conversions appear here once postbacks are attributed to clicks.'}
          </EmptyState>
        }
      />
      {dialog}
      {bulk.dialog}
    </div>
  );
}

/** An affiliate earns nothing for a rejected conversion: the amount is struck through and labelled, not shown as earned. */
function PayoutCell({ c, role }: { c: Conversion; role: Role }) {
  if (role !== 'affiliate' || c.status !== 'rejected') return <Money cents={c.payoutCents} currency={c.currency} />;
  return (
    <span className="flex flex-col items-end">
      <s className="text-slate-500">
        <Money cents={c.payoutCents} currency={c.currency} />
      </s>
      <span className="text-xs text-slate-600">Not paid</span>
    </span>
  );
}

/**
 * A conversion at phone width: every column that matters there (time,
 * campaign, affiliate, status and reason, payout) and the review buttons,
 * instead of a table row whose status and buttons would not fit.
 */
function ConversionCard({ c, role, showCampaign, pick, actions }: { c: Conversion; role: Role; showCampaign: boolean; pick: ReactNode; actions: ReactNode }) {
  return (
    <article aria-label={`Conversion ${c.txnId}`} className="flex gap-3">
      {pick && <div className="pt-0.5">{pick}</div>}
      <div className="min-w-0 flex-1 space-y-1.5">
        <div className="flex items-start justify-between gap-2">
          <div className="min-w-0">
            {showCampaign && <p className="truncate font-medium text-slate-900">{c.campaignName ?? c.campaignId}</p>}
            {role === 'admin' && <p className="truncate text-xs text-slate-600">{c.affiliateName ?? c.affiliateId}</p>}
            <p className="text-xs text-slate-600">{formatDateTime(c.convertedAt)}</p>
          </div>
          <div className="shrink-0 text-right">
            <PayoutCell c={c} role={role} />
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge status={c.status} />
          {c.reason && <span className="text-xs text-slate-600">{humanize(c.reason)}</span>}
          {c.suspectedFraud && <span className="text-xs font-medium text-rose-700">Suspected fraud</span>}
        </div>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <Link to={`/conversions/${c.id}`} className="truncate font-mono text-xs text-indigo-700 hover:underline" aria-label={`Open conversion ${c.txnId}`}>
            {c.txnId}
          </Link>
          {actions && <span className="flex gap-1.5">{actions}</span>}
        </div>
      </div>
    </article>
  );
}

const reviewable = (c: Conversion) => c.status === 'pending' && !c.payoutId;

/**
 * Ticking pending conversions on the page and approving or rejecting them
 * together with one note (POST /api/conversions/bulk-review); the toast says
 * how many changed and, when some were refused, why the first was.
 */
function useBulkReview(rows: Conversion[]) {
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const mutation = useConversionBulkReview();
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();
  // Only pending rows on screen count: another page or filter leaves the rest behind.
  const open = rows.filter(reviewable);
  const selected = open.filter((c) => picked.has(c.id)).map((c) => c.id);
  const allOn = open.length > 0 && selected.length === open.length;
  const toggle = (id: string, on: boolean) => setPicked((s) => (on ? new Set([...s, id]) : new Set([...s].filter((x) => x !== id))));

  const run = (action: 'approve' | 'reject') =>
    ask({
      title: `${action === 'approve' ? 'Approve' : 'Reject'} ${selected.length} conversion${selected.length === 1 ? '' : 's'}`,
      message: <p>Each selected conversion is {action === 'approve' ? 'approved' : 'rejected'} with this note. Conversions changed meanwhile are left as they are and reported.</p>,
      confirmLabel: action === 'approve' ? 'Approve' : 'Reject',
      variant: action === 'approve' ? 'success' : 'danger',
      note: { label: 'Note (kept with each conversion)', required: action === 'reject', placeholder: action === 'reject' ? 'Why are they rejected?' : 'Optional' },
      onConfirm: async ({ note }) => {
        const r = await mutation.mutateAsync({ ids: selected, action, note });
        const first = r.results.find((x) => !x.done)?.error;
        const verb = action === 'approve' ? 'approved' : 'rejected';
        notify(r.refused ? 'error' : 'success', r.refused ? `${r.done} ${verb}, ${r.refused} refused: ${first?.message ?? ''}` : `${r.done} conversion${r.done === 1 ? '' : 's'} ${verb}`);
        setPicked(new Set());
      },
    });

  const column: Column<Conversion> = {
    id: 'pick',
    header: <input type="checkbox" aria-label="Select every pending conversion on this page" checked={allOn} disabled={open.length === 0} onChange={(e) => setPicked(new Set(e.target.checked ? open.map((c) => c.id) : []))} className="size-4" />,
    cell: (c) => (reviewable(c) ? <input type="checkbox" aria-label={`Select conversion ${c.txnId}`} checked={picked.has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} className="size-4" /> : null),
  };
  const controls =
    open.length > 0 ? (
      <div className="flex items-center gap-2">
        <Button size="sm" variant="success" onClick={() => run('approve')} disabled={selected.length === 0} busy={mutation.isPending}>
          Approve selected ({selected.length})
        </Button>
        <Button size="sm" variant="secondary" onClick={() => run('reject')} disabled={selected.length === 0} busy={mutation.isPending}>
          Reject selected ({selected.length})
        </Button>
      </div>
    ) : null;
  return { column, controls, dialog };
}
