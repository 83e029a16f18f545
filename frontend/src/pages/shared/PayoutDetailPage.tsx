import { Link, useParams } from 'react-router-dom';
import { usePayoutDecision, type PayoutDecision } from '../../api/mutations';
import { queries } from '../../api/queries';
import type { Payout, PayoutLine } from '../../api/types';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { DataTable, type Column } from '../../components/DataTable';
import { KpiCard } from '../../components/KpiCard';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { Async, EmptyState } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { affiliateLabel } from './payout-format';
import { useUser } from '../../context/AuthContext';
import { useToast } from '../../context/ToastContext';
import { useCursorList } from '../../hooks/useServerList';
import { formatCount, formatDate, formatDateTime, formatNumber, humanize } from '../../lib/format';
import { formatMoney } from '../../lib/money';

/**
 * What a line pays for: a conversion (when it converted), or a CPC campaign's
 * paid clicks of one UTC day (the day as stored, so no time zone moves it).
 */
function lineLabel(l: PayoutLine) {
  if (l.kind === 'clicks') return `Clicks on ${l.day ?? '—'} · ${formatCount(l.clicks ?? 0, 'click', 'clicks')}`;
  return `Conversion · ${formatDateTime(l.convertedAt)}`;
}

/** One payout: lines, history and (for admins) approve / reject / mark paid. */
export function PayoutDetailPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const list = useCursorList((paging) => queries.payouts.detailPage(id, { ...paging, limit: 50 }), { key: 'convertedAt', dir: 'asc' }, (d) => d.lines);
  const decide = usePayoutDecision();
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();

  const act = (p: Payout, action: PayoutDecision) => {
    const amount = formatMoney(p.amountCents, p.currency);
    const spec = {
      approve: { title: 'Approve payout', label: 'Approve', variant: 'success' as const, msg: `Approve ${amount} to ${affiliateLabel(p)}?` },
      reject: {
        title: 'Reject payout',
        label: 'Reject',
        variant: 'danger' as const,
        msg: `Reject ${amount} to ${affiliateLabel(p)}${p.status === 'approved' ? ', although it was approved' : ''}? Its ${p.clickEarningCount ? 'conversions and clicks' : 'conversions'} return to the next run.`,
      },
      markPaid: { title: 'Mark as paid', label: 'Mark paid', variant: 'primary' as const, msg: `Record that ${amount} was paid to ${affiliateLabel(p)}.` },
    }[action];
    ask({
      title: spec.title,
      message: spec.msg,
      confirmLabel: spec.label,
      variant: spec.variant,
      note: { label: 'Note (kept in the history)', required: action === 'reject' },
      reference: action === 'markPaid' ? { label: 'Payment reference' } : undefined,
      onConfirm: async ({ note, reference }) => {
        const res = await decide.mutateAsync({ id: p.id, action, note, reference });
        notify('success', `Payout ${humanize(res.payout.status).toLowerCase()}`);
      },
    });
  };

  return (
    <Async state={list.query} loadingLabel="Loading payout…">
      {(data) => {
        const p = data.payout;
        const columns: Column<PayoutLine>[] = [
          { id: 'at', header: 'Paid for', cell: lineLabel, sortKey: 'convertedAt' },
          { id: 'campaign', header: 'Campaign', cell: (l) => l.campaignName ?? '—' },
          { id: 'conv', header: 'Conversion', cell: (l) => (l.conversionId ? <span className="font-mono text-xs">{l.conversionId}</span> : '—'), hideOnMobile: true },
          { id: 'amount', header: 'Amount', align: 'right', cell: (l) => <Money cents={l.amountCents} currency={p.currency} /> },
        ];
        return (
          <>
            <PageHeader
              title={`Payout to ${affiliateLabel(p)}`}
              meta={
                <>
                  <Link to="/payouts" className="text-indigo-700 hover:underline">
                    ← Payouts
                  </Link>
                  <StatusBadge status={p.status} />
                  {p.paidReference && (
                    <span>
                      Reference <span className="font-mono text-slate-900">{p.paidReference}</span>
                    </span>
                  )}
                </>
              }
              actions={
                user.role === 'admin' && (
                  <>
                    {p.status === 'pending_approval' && (
                      <Button variant="success" onClick={() => act(p, 'approve')}>
                        Approve
                      </Button>
                    )}
                    {p.status === 'approved' && <Button onClick={() => act(p, 'markPaid')}>Mark paid</Button>}
                    {/* An approved payout can still be rejected until it is marked paid (PAYOUT_TRANSITIONS in the API). */}
                    {(p.status === 'pending_approval' || p.status === 'approved') && (
                      <Button variant="danger" onClick={() => act(p, 'reject')}>
                        Reject
                      </Button>
                    )}
                  </>
                )
              }
            />
            <div className="space-y-6">
              <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
                <KpiCard label="Amount" value={<Money cents={p.amountCents} currency={p.currency} />} testId="payout-amount" />
                <KpiCard label="Conversions" value={formatNumber(p.conversionCount)} />
                {p.clickCount > 0 && <KpiCard label="Paid clicks" value={formatNumber(p.clickCount)} testId="payout-clicks" />}
                <KpiCard label="Conversions up to" value={formatDate(p.cutoff)} />
                <KpiCard label="Created" value={formatDate(p.createdAt)} />
              </div>
              <Card>
                <CardHeader title="Lines" description="The conversions, and the days of CPC clicks, this payout pays for." />
                <DataTable caption="Payout lines" columns={columns} rowKey={(l) => l.id} rowLabel="lines" empty={<EmptyState title="No lines" />} {...list.view(data)} />
              </Card>
              <Card>
                <CardHeader title="History" />
                <CardBody>
                  {p.history.length === 0 ? (
                    <p className="text-sm text-slate-600">No changes yet.</p>
                  ) : (
                    <ol className="space-y-3" aria-label="Payout history">
                      {p.history.map((h, i) => (
                        <li key={i} className="flex gap-3 text-sm">
                          <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-indigo-500" aria-hidden="true" />
                          <div>
                            <p className="text-slate-900">
                              {h.from ? `${humanize(h.from)} → ` : ''}
                              <span className="font-medium">{humanize(h.to)}</span>
                              <span className="text-slate-600"> · {formatDateTime(h.at)}</span>
                            </p>
                            {h.note && <p className="text-slate-700">“{h.note}”</p>}
                          </div>
                        </li>
                      ))}
                    </ol>
                  )}
                </CardBody>
              </Card>
            </div>
            {dialog}
          </>
        );
      }}
    </Async>
  );
}
