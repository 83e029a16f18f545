import { adminApi, type AccountReviewAction } from '../../api/admin';
import { CsvLink } from '../../components/CsvLink';
import { useAccountReview, usePasswordResetIssue } from '../../api/mutations';
import { queries } from '../../api/queries';
import type { AffiliateAccount, Role, UserStatus } from '../../api/types';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { actionsColumn, type Column } from '../../components/DataTable';
import { ListTable } from '../../components/ListTable';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { RoleBadge, StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../context/ToastContext';
import { inputClass } from '../../components/form/fields';
import { LinkButton } from '../../components/Button';
import { useDebounced } from '../../hooks/useDebounced';
import { useUrlListFilter } from '../../hooks/useListFilter';
import { useUrlParam } from '../../hooks/useUrlState';
import { useCursorList } from '../../hooks/useServerList';
import { formatDate } from '../../lib/format';
import { accountColumn, lastReviewColumn } from './account-columns';
import { ResetCodeDialog } from './ResetCodeDialog';
import { useState } from 'react';

/** What an admin can do from each status; the API answers 409 for anything else. */
export const USER_ACTIONS: Record<UserStatus, AccountReviewAction[]> = {
  pending: ['approve', 'reject'],
  approved: ['suspend'],
  suspended: ['reinstate'],
  rejected: ['approve'],
};

const LABEL: Record<AccountReviewAction, string> = { approve: 'Approve', reject: 'Reject', suspend: 'Suspend', reinstate: 'Reinstate' };

/** What the action does to this kind of account, said before the admin confirms. */
function consequence(u: AffiliateAccount, action: AccountReviewAction): string {
  if (u.role === 'advertiser') {
    switch (action) {
      case 'approve':
      case 'reinstate':
        return `${u.name}’s active campaigns will take traffic at once, and it can edit them again.`;
      case 'reject':
        return `${u.name} will keep read-only access; its campaigns never take traffic.`;
      case 'suspend':
        return `Clicks on ${u.name}’s campaigns will go to their fallback pages at once, and the account becomes read-only. Conversions of earlier clicks are still accepted.`;
    }
  }
  switch (action) {
    case 'approve':
    case 'reinstate':
      return `${u.name} will be able to take links and earn.`;
    case 'reject':
      return `${u.name} will not be able to work on the platform.`;
    case 'suspend':
      return `${u.name}’s links will redirect to fallback pages and no new conversions will be credited.`;
  }
}

const ROLES: Record<Role | 'all', string> = { all: 'All', admin: 'Admins', advertiser: 'Advertisers', affiliate: 'Affiliates' };
const STATUSES: Record<UserStatus | 'all', string> = { all: 'Any status', pending: 'Awaiting approval', approved: 'Approved', suspended: 'Suspended', rejected: 'Rejected' };

/**
 * Every account; advertisers and affiliates are reviewed here (approve, reject,
 * suspend, reinstate), get a password-reset code, and advertisers a campaign
 * made on their behalf. Filters and the search live in the address.
 */
export function UsersPage() {
  const role = useUrlListFilter('role', 'Role', ROLES, 'all');
  const status = useUrlListFilter('status', 'Status', STATUSES, 'all');
  const [search, setSearch] = useUrlParam('q');
  const q = useDebounced(search.trim(), 300);
  const list = useCursorList((paging) => queries.users.list({ role: role.param, status: status.param, ...(q ? { q } : {}), ...paging, limit: 50 }), { key: 'createdAt', dir: 'desc' });
  const reviewAccount = useAccountReview();
  const issueReset = usePasswordResetIssue();
  const [issued, setIssued] = useState<{ user: AffiliateAccount; code: string; expiresAt: string } | null>(null);
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();

  const review = (u: AffiliateAccount, action: AccountReviewAction) =>
    ask({
      title: `${LABEL[action]} ${u.name}`,
      message: consequence(u, action),
      confirmLabel: LABEL[action],
      variant: action === 'approve' || action === 'reinstate' ? 'success' : 'danger',
      note: { label: 'Note (kept in the history)', required: action === 'reject' || action === 'suspend' },
      onConfirm: async ({ note }) => {
        const { user } = await reviewAccount.mutateAsync({ id: u.id, action, note });
        notify('success', `${u.name} is now ${user.status}`);
      },
    });

  const resetPassword = (u: AffiliateAccount) =>
    ask({
      title: `Reset ${u.name}’s password`,
      message: `A one-time code is shown to you once; give it to ${u.name}, who sets a new password with it within an hour. Using it signs out every session of the account.`,
      confirmLabel: 'Create code',
      variant: 'danger',
      onConfirm: async () => {
        const r = await issueReset.mutateAsync(u.id);
        setIssued({ user: u, code: r.code, expiresAt: r.expiresAt });
      },
    });

  const columns: Column<AffiliateAccount>[] = [
    accountColumn('Name'),
    { id: 'role', header: 'Role', cell: (u) => <RoleBadge role={u.role} /> },
    { id: 'status', header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
    { id: 'company', header: 'Company', cell: (u) => u.company || '—', hideOnMobile: true },
    { id: 'created', header: 'Joined', cell: (u) => formatDate(u.createdAt), sortKey: 'createdAt', hideOnMobile: true },
    lastReviewColumn,
    actionsColumn((u) =>
      u.role === 'admin' ? null : (
        <>
          {USER_ACTIONS[u.status].map((act) => (
            <Button key={act} size="sm" variant={act === 'approve' || act === 'reinstate' ? 'success' : 'secondary'} onClick={() => review(u, act)} aria-label={`${LABEL[act]} ${u.name}`}>
              {LABEL[act]}
            </Button>
          ))}
          <Button size="sm" variant="secondary" onClick={() => resetPassword(u)} aria-label={`Reset password of ${u.name}`}>
            Reset password
          </Button>
          {u.role === 'advertiser' && u.status === 'approved' && (
            <LinkButton size="sm" variant="secondary" to={`/campaigns/new?advertiserId=${u.id}&find=${encodeURIComponent(u.email)}`} aria-label={`New campaign for ${u.name}`}>
              New campaign
            </LinkButton>
          )}
        </>
      ),
    ),
  ];

  return (
    <>
      <PageHeader
        title="Users"
        description="Every account on the platform. Approve new advertisers and affiliates, suspend or reinstate them (every decision is kept with its note), give a password-reset code, and create campaigns for advertisers."
      />
      <Card>
        <ListTable
          list={list}
          toolbar={
            <>
              {role.control}
              {status.control}
              <div className="w-full sm:w-64">
                <label htmlFor="user-search" className="sr-only">
                  Search users
                </label>
                <input
                  id="user-search"
                  type="search"
                  placeholder="Exact email, or name starts with…"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  className={inputClass(false, 'py-1.5')}
                />
              </div>
              <CsvLink url={adminApi.usersCsv({ role: role.param, status: status.param, q })} filename="users.csv" />
            </>
          }
          caption="Users"
          columns={columns}
          rowKey={(u) => u.id}
          rowLabel="users"
          empty={<EmptyState title={q ? 'No accounts match' : status.value === 'pending' ? 'No accounts awaiting approval' : 'No accounts here'} />}
        />
      </Card>
      {dialog}
      {issued && <ResetCodeDialog {...issued} onClose={() => setIssued(null)} />}
    </>
  );
}
