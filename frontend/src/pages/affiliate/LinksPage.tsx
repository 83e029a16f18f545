import { Link } from 'react-router-dom';
import { campaignsApi } from '../../api/campaigns';
import type { TrackingLink } from '../../api/types';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { DataTable, type Column } from '../../components/DataTable';
import { LinkButton } from '../../components/Button';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useApi } from '../../hooks/useApi';
import { useServerTable } from '../../hooks/useServerTable';
import { formatDate } from '../../lib/format';

export function LinksPage() {
  const table = useServerTable({ key: 'createdAt', dir: 'desc' });
  const { query } = table;
  const state = useApi((signal) => campaignsApi.links({ ...query, limit: 25 }, signal), [query.page, query.sort, query.order]);
  const columns: Column<TrackingLink>[] = [
    {
      id: 'campaign',
      header: 'Campaign',
      cell: (l) => (
        <Link to={`/offers/${l.campaignId}`} className="font-medium text-indigo-700 hover:underline">
          {l.campaignName ?? l.campaignId}
        </Link>
      ),
    },
    { id: 'status', header: 'Campaign status', cell: (l) => (l.campaignStatus ? <StatusBadge status={l.campaignStatus} /> : '—'), hideOnMobile: true },
    { id: 'url', header: 'Link', cell: (l) => <span className="font-mono text-xs">{l.url}</span> },
    { id: 'created', header: 'Created', cell: (l) => formatDate(l.createdAt), sortKey: 'createdAt', hideOnMobile: true },
    { id: 'copy', header: <span className="sr-only">Copy</span>, align: 'right', cell: (l) => <CopyButton text={l.url} what={`link for ${l.campaignName ?? l.campaignId}`} /> },
  ];
  return (
    <>
      <PageHeader title="My links" description="Every tracking link you have taken." />
      <Card>
        <Async state={state}>
          {(data) => (
            <DataTable
              caption="Tracking links"
              columns={columns}
              rows={data.items}
              rowKey={(l) => l.id}
              rowLabel="links"
              busy={state.loading}
              server={table.paging(data)}
              empty={<EmptyState title="No links yet" action={<LinkButton to="/offers">Browse offers</LinkButton>}>Open an offer to get your tracking link.</EmptyState>}
            />
          )}
        </Async>
      </Card>
    </>
  );
}
