import { useState } from 'react';
import { adminApi, type ReviewAction } from '../../api/admin';
import type { AffiliateAccount, UserStatus } from '../../api/types';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { Segmented } from '../../components/Tabs';
import { useToast } from '../../context/ToastContext';
import { useApi } from '../../hooks/useApi';
import { useCursorTable } from '../../hooks/useCursorTable';
import { formatDate, formatDateTime } from '../../lib/format';

type Filter = UserStatus | 'all';

const ACTIONS: Record<UserStatus, ReviewAction[]> = {
  pending: ['approve', 'reject'],
  approved: ['suspend'],
  suspended: ['approve'],
  rejected: ['approve'],
};

const LABEL: Record<ReviewAction, string> = { approve: 'Approve', reject: 'Reject', suspend: 'Suspend' };

/** The affiliate approval queue (pending first) and every affiliate's status. */
export function AffiliatesPage() {
  const [status, setStatus] = useState<Filter>('pending');
  const table = useCursorTable({ key: 'createdAt', dir: 'desc' });
  const { query, reset } = table;
  const state = useApi((signal) => adminApi.affiliates({ status: status === 'all' ? '' : status, ...query, limit: 25 }, signal), [status, query.cursor, query.sort, query.order]);
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
        const { affiliate } = await adminApi.review(a.id, action, note);
        state.setData((d) => d && { ...d, items: d.items.map((x) => (x.id === a.id ? affiliate : x)) });
        notify('success', `${a.name} is now ${affiliate.status}`);
      },
    });

  const columns: Column<AffiliateAccount>[] = [
    {
      id: 'name',
      header: 'Affiliate',
      cell: (a) => (
        <span>
          <span className="block font-medium text-slate-900">{a.name}</span>
          <span className="block text-xs text-slate-600">{a.email}</span>
        </span>
      ),
    },
    { id: 'company', header: 'Company', cell: (a) => a.company || <span className="text-slate-500">—</span>, hideOnMobile: true },
    { id: 'status', header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
    { id: 'registered', header: 'Registered', cell: (a) => formatDate(a.createdAt), sortKey: 'createdAt', hideOnMobile: true },
    {
      id: 'last',
      header: 'Last review',
      cell: (a) => {
        const h = [...a.statusHistory].reverse().find((x) => x.by);
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
      cell: (a) => (
        <span className="flex justify-end gap-1.5">
          {ACTIONS[a.status].map((act) => {
            const label = act === 'approve' && a.status === 'suspended' ? 'Reinstate' : LABEL[act];
            return (
              <Button key={act} size="sm" variant={act === 'approve' ? 'success' : 'secondary'} onClick={() => review(a, act)} aria-label={`${label} ${a.name}`}>
                {label}
              </Button>
            );
          })}
        </span>
      ),
    },
  ];

  return (
    <>
      <PageHeader title="Affiliates" description="Approve new affiliates, and suspend or reinstate existing ones. Every decision is kept with its note." />
      <Card>
        <div className="border-b border-slate-100 px-4 py-3">
          <Segmented
            label="Affiliate status"
            value={status}
            onChange={(s) => {
              setStatus(s);
              reset();
            }}
            options={[
              { id: 'pending', label: 'Awaiting approval' },
              { id: 'approved', label: 'Approved' },
              { id: 'suspended', label: 'Suspended' },
              { id: 'rejected', label: 'Rejected' },
              { id: 'all', label: 'All' },
            ]}
          />
        </div>
        <Async state={state}>
          {(data) => (
            <DataTable
              caption="Affiliates"
              columns={columns}
              rows={data.items}
              rowKey={(a) => a.id}
              rowLabel="affiliates"
              busy={state.loading}
              cursor={table.paging(data)}
              empty={<EmptyState title={status === 'pending' ? 'No affiliates awaiting approval' : 'No affiliates here'}>{status === 'pending' ? 'New sign-ups appear here for review.' : undefined}</EmptyState>}
            />
          )}
        </Async>
      </Card>
      {dialog}
    </>
  );
}
