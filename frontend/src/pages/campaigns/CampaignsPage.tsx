import { useState } from 'react';
import { Link } from 'react-router-dom';
import { queries } from '../../api/queries';
import type { Campaign, CampaignStatus } from '../../api/types';
import { LinkButton } from '../../components/Button';
import { Card } from '../../components/Card';
import type { Column } from '../../components/DataTable';
import { inputClass } from '../../components/form/fields';
import { LiveDot } from '../../components/KpiCard';
import { ListTable } from '../../components/ListTable';
import { Money, PayoutTerm } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useUser } from '../../context/AuthContext';
import { useSocket } from '../../context/SocketContext';
import { useDebounced } from '../../hooks/useDebounced';
import { useListFilter } from '../../hooks/useListFilter';
import { useLiveToday } from '../../hooks/useLiveToday';
import { usePagedList } from '../../hooks/useServerList';
import { formatDate, formatNumber } from '../../lib/format';

const STATUSES: Record<CampaignStatus | 'all', string> = { all: 'All', active: 'Active', paused: 'Paused', archived: 'Archived' };
const PAGE = 25;

/** Campaigns with today's live clicks and conversions (advertiser: own; admin: all). */
export function CampaignsPage() {
  const user = useUser();
  const status = useListFilter('Campaign status', STATUSES, 'all');
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const list = usePagedList((paging) => queries.campaigns.list({ status: status.param, q, ...paging, limit: PAGE }), { key: 'createdAt', dir: 'desc' });
  const ids = list.query.data?.items.map((c) => c.id) ?? [];
  const live = useLiveToday('campaign', ids);
  const { connected } = useSocket();

  const liveCell = (c: Campaign, pick: 'clicks' | 'conversions' | 'revenue') => {
    const t = live[c.id];
    if (t === undefined) return <span className="text-slate-500">…</span>;
    if (t === 'error') return <span className="text-slate-500" title="Live counters unavailable">—</span>;
    if (pick === 'revenue') return <Money cents={t.money[c.currency]?.revenueCents ?? 0} currency={c.currency} />;
    return <span className="tabular-nums" data-live={`${pick}-${c.id}`}>{formatNumber(t[pick])}</span>;
  };

  const columns: Column<Campaign>[] = [
    {
      id: 'name',
      header: 'Campaign',
      cell: (c) => (
        <Link to={`/campaigns/${c.id}`} className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
          {c.name}
        </Link>
      ),
      sortKey: 'name',
    },
    { id: 'status', header: 'Status', cell: (c) => <StatusBadge status={c.status} />, sortKey: 'status' },
    { id: 'model', header: 'Model', cell: (c) => c.payoutModel, sortKey: 'payoutModel', hideOnMobile: true },
    {
      id: 'terms',
      header: 'Revenue / payout',
      cell: (c) => (
        <span>
          <PayoutTerm model={c.payoutModel} cents={c.revenueCents} bps={c.revenueBps} currency={c.currency} /> / <PayoutTerm model={c.payoutModel} cents={c.payoutCents} bps={c.payoutBps} currency={c.currency} />
        </span>
      ),
      hideOnMobile: true,
    },
    { id: 'clicks', header: 'Clicks today', align: 'right', cell: (c) => liveCell(c, 'clicks') },
    { id: 'conv', header: 'Conv. today', align: 'right', cell: (c) => liveCell(c, 'conversions') },
    { id: 'revenue', header: 'Revenue today', align: 'right', cell: (c) => liveCell(c, 'revenue'), hideOnMobile: true },
    { id: 'created', header: 'Created', cell: (c) => formatDate(c.createdAt), sortKey: 'createdAt', hideOnMobile: true },
  ];

  return (
    <>
      <PageHeader
        title="Campaigns"
        description={user.role === 'admin' ? 'Every advertiser’s campaigns.' : 'Your campaigns with today’s live traffic.'}
        meta={<LiveDot live={connected} label={connected ? 'Live counters' : 'Live counters reconnecting'} />}
        actions={user.role === 'advertiser' && <LinkButton to="/campaigns/new">+ New campaign</LinkButton>}
      />
      <Card>
        <ListTable
          list={list}
          toolbar={
            <>
              {status.control}
              <div className="w-full sm:ml-auto sm:w-64">
                <label htmlFor="campaign-search" className="sr-only">
                  Search campaigns
                </label>
                <input id="campaign-search" type="search" placeholder="Search by name…" value={search} onChange={(e) => setSearch(e.target.value)} className={inputClass(false, 'py-1.5')} />
              </div>
            </>
          }
          caption="Campaigns"
          columns={columns}
          rowKey={(c) => c.id}
          rowLabel="campaigns"
          empty={
            <EmptyState
              title={q || status.param ? 'No campaigns match' : 'No campaigns yet'}
              action={user.role === 'advertiser' && !q && !status.param ? <LinkButton to="/campaigns/new">Create your first campaign</LinkButton> : undefined}
            >
              {q || status.param ? 'Try another filter.' : user.role === 'advertiser' ? 'Create a campaign, share it with affiliates and watch clicks arrive live.' : 'Advertisers have not created campaigns yet.'}
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}
