import type { ReviewAction } from '../../api/admin';
import { useAffiliateReview } from '../../api/mutations';
import { queries } from '../../api/queries';
import type { AffiliateAccount, UserStatus } from '../../api/types';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { actionsColumn, type Column } from '../../components/DataTable';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../context/ToastContext';
import { useListFilter } from '../../hooks/useListFilter';
import { useCursorList } from '../../hooks/useServerList';
import { formatDate } from '../../lib/format';
import { accountColumn, lastReviewColumn } from './account-columns';

/** The approval queue first: that is what admins come here for. */
const STATUSES: Record<UserStatus | 'all', string> = { pending: 'Awaiting approval', approved: 'Approved', suspended: 'Suspended', rejected: 'Rejected', all: 'All' };

const ACTIONS: Record<UserStatus, ReviewAction[]> = {
  pending: ['approve', 'reject'],
  approved: ['suspend'],
  suspended: ['approve'],
  rejected: ['approve'],
};

const LABEL: Record<ReviewAction, string> = { approve: 'Approve', reject: 'Reject', suspend: 'Suspend' };

/** The affiliate approval queue (pending first) and every affiliate's status. */
export function AffiliatesPage() {
  const status = useListFilter('Affiliate status', STATUSES, 'pending');
  const list = useCursorList((paging) => queries.affiliates.list({ status: status.param, ...paging, limit: 25 }), { key: 'createdAt', dir: 'desc' });
  const reviewAffiliate = useAffiliateReview();
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();

  const review = (a: AffiliateAccount, action: ReviewAction) =>
    ask({
      title: `${LABEL[action]} ${a.name}`,
      message:
        action === 'approve'
          ? `${a.name} (${a.email}) will be able to take links and earn.`
          : action === 'reject'
            ? `${a.name} will not be able to work on the platform.`
            : `${a.name}’s links will redirect to fallback pages and no new conversions will be credited.`,
      confirmLabel: LABEL[action],
      variant: action === 'approve' ? 'success' : 'danger',
      note: { label: 'Note (kept in the history)', required: action !== 'approve' },
      onConfirm: async ({ note }) => {
        const { affiliate } = await reviewAffiliate.mutateAsync({ id: a.id, action, note });
        notify('success', `${a.name} is now ${affiliate.status}`);
      },
    });

  const columns: Column<AffiliateAccount>[] = [
    accountColumn('Affiliate'),
    { id: 'company', header: 'Company', cell: (a) => a.company || <span className="text-slate-500">—</span>, hideOnMobile: true },
    { id: 'status', header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
    { id: 'registered', header: 'Registered', cell: (a) => formatDate(a.createdAt), sortKey: 'createdAt', hideOnMobile: true },
    lastReviewColumn,
    actionsColumn((a) =>
      ACTIONS[a.status].map((act) => {
        const label = act === 'approve' && a.status === 'suspended' ? 'Reinstate' : LABEL[act];
        return (
          <Button key={act} size="sm" variant={act === 'approve' ? 'success' : 'secondary'} onClick={() => review(a, act)} aria-label={`${label} ${a.name}`}>
            {label}
          </Button>
        );
      }),
    ),
  ];

  return (
    <>
      <PageHeader title="Affiliates" description="Approve new affiliates, and suspend or reinstate existing ones. Every decision is kept with its note." />
      <Card>
        <ListTable
          list={list}
          toolbar={status.control}
          caption="Affiliates"
          columns={columns}
          rowKey={(a) => a.id}
          rowLabel="affiliates"
          empty={<EmptyState title={status.value === 'pending' ? 'No affiliates awaiting approval' : 'No affiliates here'}>{status.value === 'pending' ? 'New sign-ups appear here for review.' : undefined}</EmptyState>}
        />
      </Card>
      {dialog}
    </>
  );
}
