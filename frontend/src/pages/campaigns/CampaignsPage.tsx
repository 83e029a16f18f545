import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { campaignsApi } from '../../api/campaigns';
import { queries } from '../../api/queries';
import type { Campaign, CampaignStatus, PayoutModel } from '../../api/types';
import { LinkButton } from '../../components/Button';
import { Card } from '../../components/Card';
import { CsvLink } from '../../components/CsvLink';
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
import { useUrlListFilter } from '../../hooks/useListFilter';
import { useLiveToday } from '../../hooks/useLiveToday';
import { usePagedList } from '../../hooks/useServerList';
import { useUrlParam } from '../../hooks/useUrlState';
import { formatDate, formatNumber } from '../../lib/format';
import { AccountFilter } from '../shared/AccountFilter';
import { CAMPAIGN_SORT_FIELDS } from '@offerly/contract';

const STATUSES: Record<CampaignStatus | 'all', string> = { all: 'All', active: 'Active', paused: 'Paused', archived: 'Archived' };
const MODELS: Record<PayoutModel | 'all', string> = { all: 'Any model', CPA: 'CPA', CPL: 'CPL', CPS: 'CPS', CPC: 'CPC' };
const PAGE = 25;

/** Campaigns with today's live clicks and conversions (advertiser: own; admin: all). */
export function CampaignsPage() {
  const user = useUser();
  const admin = user.role === 'admin';
  // Every filter lives in the URL (status, model, advertiser, q), so a filtered list can be shared and survives a reload.
  const status = useUrlListFilter('status', 'Campaign status', STATUSES, 'all');
  const model = useUrlListFilter('model', 'Payout model', MODELS, 'all');
  const [advertiserParam, setAdvertiser] = useUrlParam('advertiser');
  const advertiserId = admin ? advertiserParam : '';
  const [qParam, setQParam] = useUrlParam('q');
  const [search, setSearch] = useState(qParam);
  const q = useDebounced(search.trim(), 300);
  useEffect(() => {
    if (q !== qParam) setQParam(q);
  }, [q, qParam, setQParam]);
  const filter = { status: status.param, payoutModel: model.param, q, ...(advertiserId ? { advertiserId } : {}) };
  const list = usePagedList((paging) => queries.campaigns.list({ ...filter, ...paging, limit: PAGE }), { key: 'createdAt', dir: 'desc', keys: CAMPAIGN_SORT_FIELDS });
  const shownAdvertiser = list.query.data?.items.find((c) => c.advertiserId === advertiserId)?.advertiserName;
  const filtered = Boolean(q || status.param || model.param || advertiserId);
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
        <div className="min-w-0 whitespace-normal">
          <Link to={`/campaigns/${c.id}`} className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600">
            {c.name}
          </Link>
          {/* On a phone the advertiser column is hidden: its name goes under the campaign's. */}
          {admin && <div className="text-xs text-slate-500 sm:hidden">{c.advertiserName ?? c.advertiserId}</div>}
        </div>
      ),
      sortKey: 'name',
    },
    ...(admin
      ? [
          {
            id: 'advertiser',
            header: 'Advertiser',
            hideOnMobile: true,
            cell: (c: Campaign) => (
              <button
                type="button"
                onClick={() => setAdvertiser(c.advertiserId)}
                title="Show only this advertiser’s campaigns"
                className="text-left text-slate-800 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                {c.advertiserName ?? <span className="font-mono text-xs">{c.advertiserId}</span>}
              </button>
            ),
          },
        ]
      : []),
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
        actions={
          <>
            <CsvLink url={campaignsApi.csv({ ...filter, ...list.params })} filename="campaigns.csv" />
            {(user.role === 'advertiser' || user.role === 'admin') && <LinkButton to="/campaigns/new">+ New campaign</LinkButton>}
          </>
        }
      />
      <Card>
        <ListTable
          list={list}
          toolbar={
            <>
              {status.control}
              {model.control}
              {admin && <AccountFilter role="advertiser" value={advertiserId} onChange={setAdvertiser} chosenName={shownAdvertiser} />}
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
              title={filtered ? 'No campaigns match' : 'No campaigns yet'}
              action={user.role === 'advertiser' && !filtered ? <LinkButton to="/campaigns/new">Create your first campaign</LinkButton> : undefined}
            >
              {filtered ? 'Try another filter.' : user.role === 'advertiser' ? 'Create a campaign, share it with affiliates and watch clicks arrive live.' : 'Advertisers have not created campaigns yet.'}
            </EmptyState>
          }
        />
      </Card>
    </>
  );
}
