import { Link } from 'react-router-dom';
import { queries } from '../../api/queries';
import type { TrackingLink } from '../../api/types';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { actionsColumn, type Column } from '../../components/DataTable';
import { LinkButton } from '../../components/Button';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { usePagedList } from '../../hooks/useServerList';
import { formatDate } from '../../lib/format';

export function LinksPage() {
  const list = usePagedList((paging) => queries.links.list({ ...paging, limit: 25 }), { key: 'createdAt', dir: 'desc' });
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
    actionsColumn((l) => <CopyButton text={l.url} what={`link for ${l.campaignName ?? l.campaignId}`} />, 'Copy'),
  ];
  return (
    <>
      <PageHeader title="My links" description="Every tracking link you have taken." />
      <Card>
        <ListTable
          list={list}
          caption="Tracking links"
          columns={columns}
          rowKey={(l) => l.id}
          rowLabel="links"
          empty={<EmptyState title="No links yet" action={<LinkButton to="/offers">Browse offers</LinkButton>}>Open an offer to get your tracking link.</EmptyState>}
        />
      </Card>
    </>
  );
}
