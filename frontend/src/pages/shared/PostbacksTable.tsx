import { postbacksApi } from '../../api/conversions';
import { queries } from '../../api/queries';
import { CsvLink } from '../../components/CsvLink';
import type { PostbackRecord, PostbackState, Role } from '../../api/types';
import type { Column } from '../../components/DataTable';
import { ListTable } from '../../components/ListTable';
import { EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useUrlListFilter } from '../../hooks/useListFilter';
import { useCursorList } from '../../hooks/useServerList';
import { useUrlParam } from '../../hooks/useUrlState';
import { formatDateTime, humanize } from '../../lib/format';
import { AccountFilter } from './AccountFilter';
import { CampaignFilter, DayRangeFilter, SearchBox, useListUrlFilters } from './list-filters';

const RESULTS: Record<PostbackState | 'all', string> = { all: 'All', attributed: 'Attributed', rejected: 'Rejected', queued: 'Queued', status_updated: 'Status updates' };

/**
 * Inbound postbacks and how each was resolved. Filters live in the URL
 * (shareable, kept on reload): `state`, `q` (the txn id or click id a
 * postback sent), `from`/`to` days (UTC, `to` included) and, on the whole
 * log (no `campaignId` given), `campaign` and, for admins, `advertiser`; the
 * CSV link takes the same filters and order.
 */
export function PostbacksTable({ campaignId: fixedCampaign, role }: { campaignId?: string; role?: Role }) {
  const result = useUrlListFilter('state', 'Postback result', RESULTS, 'all');
  const [search, setSearch] = useUrlParam('q');
  const url = useListUrlFilters();
  const pickers = Boolean(role && !fixedCampaign);
  const campaignId = fixedCampaign ?? (pickers ? url.id('campaign') : '');
  const advertiserId = pickers && role === 'admin' ? url.id('advertiser') : '';
  const query = { ...(campaignId ? { campaignId } : {}), ...(advertiserId ? { advertiserId } : {}), state: result.param, ...url.range, ...(search ? { search } : {}) };
  const filtered = Boolean(result.param || search || url.from || url.to || (campaignId && !fixedCampaign) || advertiserId);
  const list = useCursorList((paging) => queries.postbacks.list({ ...query, ...paging, limit: 25 }), { key: 'receivedAt', dir: 'desc' });
  const columns: Column<PostbackRecord>[] = [
    { id: 'received', header: 'Received', cell: (p) => formatDateTime(p.receivedAt), sortKey: 'receivedAt' },
    ...(fixedCampaign ? [] : [{ id: 'campaign', header: 'Campaign', cell: (p: PostbackRecord) => p.campaignName ?? <span className="text-slate-500">—</span> }]),
    {
      id: 'state',
      header: 'Result',
      cell: (p) => (
        <span className="flex items-center gap-2">
          <StatusBadge status={p.state} />
          {p.test && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">test</span>}
        </span>
      ),
    },
    { id: 'reason', header: 'Reason', cell: (p) => (p.reason ? <span title={p.detail ?? undefined}>{humanize(p.reason)}</span> : <span className="text-slate-500">—</span>) },
    { id: 'click', header: 'Click id', cell: (p) => <span className="font-mono text-xs">{p.params.click_id ?? '—'}</span>, hideOnMobile: true },
    { id: 'txn', header: 'Txn', cell: (p) => <span className="font-mono text-xs">{p.params.txn_id ?? '—'}</span>, hideOnMobile: true },
    { id: 'detail', header: 'Detail', cell: (p) => <span className="block max-w-xs truncate text-xs text-slate-600">{p.detail ?? ''}</span>, hideOnMobile: true },
  ];
  return (
    <ListTable
      list={list}
      toolbar={
        <>
          {result.control}
          <SearchBox value={search} onSearch={setSearch} />
          {role === 'admin' && pickers && <AccountFilter role="advertiser" value={advertiserId} onChange={(v) => url.set({ advertiser: v, campaign: undefined })} />}
          {role && pickers && (
            <CampaignFilter role={role} value={campaignId} onChange={(v) => url.set({ campaign: v })} advertiserId={advertiserId} chosenName={list.query.data?.items.find((p) => p.campaignId === campaignId)?.campaignName} />
          )}
          <DayRangeFilter what="Received" from={url.from} to={url.to} onChange={url.set} />
          <CsvLink url={postbacksApi.csv({ ...query, ...list.params })} />
        </>
      }
      caption="Postbacks"
      columns={columns}
      rowKey={(p) => p.id}
      rowLabel="postbacks"
      empty={
        search ? (
          <EmptyState title={`No postback with txn id or click id “${search}”`}>Postbacks are found by the exact value they sent.</EmptyState>
        ) : filtered ? (
          <EmptyState title="No postbacks match these filters">Change or clear the filters above.</EmptyState>
        ) : (
          <EmptyState title="No postbacks received">Postbacks your server sends to Offerly are listed here with how they were resolved.</EmptyState>
        )
      }
    />
  );
}
