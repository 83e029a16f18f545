import { formatDays } from '../../lib/format';
import { Link } from 'react-router-dom';
import { queries } from '../../api/queries';
import type { OfferView } from '../../api/types';
import { LinkButton } from '../../components/Button';
import { Card } from '../../components/Card';
import { actionsColumn, type Column } from '../../components/DataTable';
import { ListTable } from '../../components/ListTable';
import { PayoutTerm } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { usePagedList } from '../../hooks/useServerList';
import { CAMPAIGN_SORT_FIELDS } from '@offerly/contract';

/** Active campaigns the affiliate can promote. */
export function OffersPage() {
  const list = usePagedList((paging) => queries.offers.list({ ...paging, limit: 25 }), { key: 'createdAt', dir: 'desc', keys: CAMPAIGN_SORT_FIELDS });
  const columns: Column<OfferView>[] = [
    {
      id: 'name',
      header: 'Offer',
      cell: (o) => (
        <span>
          <Link to={`/offers/${o.id}`} className="font-medium text-indigo-700 hover:underline">
            {o.name}
          </Link>
          {o.previewUrl && <span className="block text-xs text-slate-600">{o.previewUrl}</span>}
        </span>
      ),
      sortKey: 'name',
    },
    { id: 'model', header: 'Model', cell: (o) => o.payoutModel, sortKey: 'payoutModel' },
    { id: 'payout', header: 'Your payout', align: 'right', cell: (o) => <PayoutTerm model={o.payoutModel} cents={o.payoutCents} bps={o.payoutBps} currency={o.currency} /> },
    { id: 'window', header: 'Cookie window', align: 'right', cell: (o) => formatDays(o.attributionWindowDays), sortKey: 'attributionWindowDays', hideOnMobile: true },
    { id: 'deeplink', header: 'Deep links', cell: (o) => (o.allowDeepLink ? 'Yes' : 'No'), hideOnMobile: true },
    actionsColumn((o) => (
      <LinkButton to={`/offers/${o.id}`} size="sm" aria-label={`Get link for ${o.name}`}>
        Get link
      </LinkButton>
    )),
  ];
  return (
    <>
      <PageHeader title="Offers" description="Active campaigns you can promote. Open one to get your tracking link." />
      <Card>
        <ListTable
          list={list}
          caption="Available offers"
          columns={columns}
          rowKey={(o) => o.id}
          rowLabel="offers"
          empty={<EmptyState title="No offers available">Advertisers have no active campaigns right now. Check back soon.</EmptyState>}
        />
      </Card>
    </>
  );
}
