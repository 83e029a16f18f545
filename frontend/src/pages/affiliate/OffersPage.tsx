import { Link } from 'react-router-dom';
import { campaignsApi } from '../../api/campaigns';
import type { OfferView } from '../../api/types';
import { LinkButton } from '../../components/Button';
import { Card } from '../../components/Card';
import { DataTable, type Column } from '../../components/DataTable';
import { PayoutTerm } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { useApi } from '../../hooks/useApi';
import { useServerTable } from '../../hooks/useServerTable';

/** Active campaigns the affiliate can promote. */
export function OffersPage() {
  const table = useServerTable({ key: 'createdAt', dir: 'desc' });
  const { query } = table;
  const state = useApi((signal) => campaignsApi.offers({ ...query, limit: 25 }, signal), [query.page, query.sort, query.order]);
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
    { id: 'window', header: 'Cookie window', align: 'right', cell: (o) => `${o.attributionWindowDays} days`, sortKey: 'attributionWindowDays', hideOnMobile: true },
    { id: 'deeplink', header: 'Deep links', cell: (o) => (o.allowDeepLink ? 'Yes' : 'No'), hideOnMobile: true },
    {
      id: 'action',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (o) => (
        <LinkButton to={`/offers/${o.id}`} size="sm" aria-label={`Get link for ${o.name}`}>
          Get link
        </LinkButton>
      ),
    },
  ];
  return (
    <>
      <PageHeader title="Offers" description="Active campaigns you can promote. Open one to get your tracking link." />
      <Card>
        <Async state={state}>
          {(data) => (
            <DataTable
              caption="Available offers"
              columns={columns}
              rows={data.items}
              rowKey={(o) => o.id}
              rowLabel="offers"
              busy={state.loading}
              server={table.paging(data)}
              empty={<EmptyState title="No offers available">Advertisers have no active campaigns right now. Check back soon.</EmptyState>}
            />
          )}
        </Async>
      </Card>
    </>
  );
}
