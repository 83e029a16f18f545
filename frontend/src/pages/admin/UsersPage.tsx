import { useState } from 'react';
import { adminApi, type AccountReviewAction } from '../../api/admin';
import type { AffiliateAccount, Role, UserStatus } from '../../api/types';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { RoleBadge, StatusBadge } from '../../components/StatusBadge';
import { Segmented } from '../../components/Tabs';
import { useToast } from '../../context/ToastContext';
import { useApi } from '../../hooks/useApi';
import { useCursorTable } from '../../hooks/useCursorTable';
import { formatDate, formatDateTime } from '../../lib/format';

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

type RoleFilter = Role | 'all';
type StatusFilter = UserStatus | 'all';

/** Every account; advertisers and affiliates are reviewed here (approve, reject, suspend, reinstate). */
export function UsersPage() {
  const [role, setRole] = useState<RoleFilter>('all');
  const [status, setStatus] = useState<StatusFilter>('all');
  const table = useCursorTable({ key: 'createdAt', dir: 'desc' });
  const { query, reset } = table;
  const state = useApi(
    (signal) => adminApi.users({ role: role === 'all' ? '' : role, status: status === 'all' ? '' : status, ...query, limit: 50 }, signal),
    [role, status, query.cursor, query.sort, query.order],
  );
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
        const { user } = await adminApi.reviewUser(u.id, action, note);
        state.setData((d) => d && { ...d, items: d.items.map((x) => (x.id === u.id ? user : x)) });
        notify('success', `${u.name} is now ${user.status}`);
      },
    });

  const columns: Column<AffiliateAccount>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (u) => (
        <span>
          <span className="block font-medium text-slate-900">{u.name}</span>
          <span className="block text-xs text-slate-600">{u.email}</span>
        </span>
      ),
    },
    { id: 'role', header: 'Role', cell: (u) => <RoleBadge role={u.role} /> },
    { id: 'status', header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
    { id: 'company', header: 'Company', cell: (u) => u.company || '—', hideOnMobile: true },
    { id: 'created', header: 'Joined', cell: (u) => formatDate(u.createdAt), sortKey: 'createdAt', hideOnMobile: true },
    {
      id: 'last',
      header: 'Last review',
      cell: (u) => {
        const h = [...(u.statusHistory ?? [])].reverse().find((x) => x.by);
        return h ? (
          <span className="block max-w-xs truncate text-xs text-slate-700" title={h.note}>
            {formatDateTime(h.at)}
            {h.note ? ` — ${h.note}` : ''}
          </span>
        ) : (
          <span className="text-slate-500">—</span>
        );
      },
      hideOnMobile: true,
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (u) =>
        u.role === 'admin' ? null : (
          <span className="flex justify-end gap-1.5">
            {USER_ACTIONS[u.status].map((act) => (
              <Button key={act} size="sm" variant={act === 'approve' || act === 'reinstate' ? 'success' : 'secondary'} onClick={() => review(u, act)} aria-label={`${LABEL[act]} ${u.name}`}>
                {LABEL[act]}
              </Button>
            ))}
          </span>
        ),
    },
  ];

  return (
    <>
      <PageHeader title="Users" description="Every account on the platform. Approve new advertisers and affiliates, and suspend or reinstate them; every decision is kept with its note." />
      <Card>
        <div className="flex flex-wrap gap-3 border-b border-slate-100 px-4 py-3">
          <Segmented
            label="Role"
            value={role}
            onChange={(r) => {
              setRole(r);
              reset();
            }}
            options={[
              { id: 'all', label: 'All' },
              { id: 'admin', label: 'Admins' },
              { id: 'advertiser', label: 'Advertisers' },
              { id: 'affiliate', label: 'Affiliates' },
            ]}
          />
          <Segmented
            label="Status"
            value={status}
            onChange={(s) => {
              setStatus(s);
              reset();
            }}
            options={[
              { id: 'all', label: 'Any status' },
              { id: 'pending', label: 'Awaiting approval' },
              { id: 'approved', label: 'Approved' },
              { id: 'suspended', label: 'Suspended' },
              { id: 'rejected', label: 'Rejected' },
            ]}
          />
        </div>
        <Async state={state}>
          {(data) => (
            <DataTable
              caption="Users"
              columns={columns}
              rows={data.items}
              rowKey={(u) => u.id}
              rowLabel="users"
              busy={state.loading}
              cursor={table.paging(data)}
              empty={<EmptyState title={status === 'pending' ? 'No accounts awaiting approval' : 'No accounts here'} />}
            />
          )}
        </Async>
      </Card>
      {dialog}
    </>
  );
}
