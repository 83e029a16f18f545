import type { Metrics } from '../../api/types';
import { KpiCard } from '../../components/KpiCard';
import { formatNumber, formatRate } from '../../lib/format';
import { formatEpc, formatMoney } from '../../lib/money';

/** Report totals as KPI cards. Money only when the report has one currency. */
export function MetricKpis({ totals, currency, audience = 'owner' }: { totals: Metrics; currency: string | null; audience?: 'owner' | 'affiliate' }) {
  const m = (cents: number | null) => (currency && cents !== null ? formatMoney(cents, currency) : '—');
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7">
      <KpiCard label="Clicks" value={formatNumber(totals.clicks)} sub={`${formatNumber(totals.uniqueClicks)} unique`} testId="report-clicks" />
      <KpiCard label="Conversions" value={formatNumber(totals.conversions)} sub={`${formatNumber(totals.approvedConversions)} approved · ${formatNumber(totals.pendingConversions)} pending`} testId="report-conversions" />
      <KpiCard label="Conv. rate" value={formatRate(totals.cr)} />
      <KpiCard label="EPC" value={currency ? formatEpc(totals.epc, currency) : '—'} />
      {audience === 'owner' ? (
        <>
          <KpiCard label="Revenue" value={m(totals.revenueCents)} testId="report-revenue" />
          <KpiCard label="Payout" value={m(totals.payoutCents)} testId="report-payout" />
          <KpiCard label="Profit" value={m(totals.profitCents)} />
        </>
      ) : (
        <KpiCard label="Earnings" value={m(totals.payoutCents)} testId="report-earnings" sub={`${formatNumber(totals.rejectedConversions)} rejected`} />
      )}
    </div>
  );
}
