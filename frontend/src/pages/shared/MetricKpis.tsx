import { Fragment, type ReactNode } from 'react';
import type { CurrencyTotals, Metrics } from '../../api/types';
import { KpiCard } from '../../components/KpiCard';
import { formatNumber, formatRate } from '../../lib/format';
import { formatEpc, formatMoney } from '../../lib/money';

type MoneyField = 'revenueCents' | 'payoutCents' | 'profitCents';

/**
 * Report totals as KPI cards. Money is never added up across currencies: a
 * report in one currency shows its totals; one in several shows each
 * currency's figure side by side ("$421.59 · €10.11"), EPC likewise.
 */
export function MetricKpis({ totals, currency, byCurrency = [], audience = 'owner' }: { totals: Metrics; currency: string | null; byCurrency?: CurrencyTotals[]; audience?: 'owner' | 'affiliate' }) {
  const perCurrency = (show: (c: CurrencyTotals) => string | null): ReactNode => {
    const parts = byCurrency.map(show).filter((p): p is string => p !== null);
    if (parts.length === 0) return '—';
    // One unbreakable piece per currency: a narrow card wraps between figures, never inside one.
    return parts.map((p, i) => (
      <Fragment key={i}>
        {i > 0 && ' '}
        <span className="whitespace-nowrap">{i > 0 ? `· ${p}` : p}</span>
      </Fragment>
    ));
  };
  const m = (field: MoneyField) => {
    if (currency) return totals[field] === null ? '—' : formatMoney(totals[field], currency);
    return perCurrency((c) => (c[field] === null ? null : formatMoney(c[field], c.currency)));
  };
  const epc = currency ? formatEpc(totals.epc, currency) : perCurrency((c) => formatEpc(c.epc, c.currency));
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7">
      <KpiCard label="Clicks" value={formatNumber(totals.clicks)} sub={`${formatNumber(totals.uniqueClicks)} unique`} testId="report-clicks" />
      <KpiCard label="Conversions" value={formatNumber(totals.conversions)} sub={`${formatNumber(totals.approvedConversions)} approved · ${formatNumber(totals.pendingConversions)} pending`} testId="report-conversions" />
      <KpiCard label="Conv. rate" value={formatRate(totals.cr)} />
      <KpiCard label="EPC" value={epc} testId="report-epc" />
      {audience === 'owner' ? (
        <>
          <KpiCard label="Revenue" value={m('revenueCents')} testId="report-revenue" />
          <KpiCard label="Payout" value={m('payoutCents')} testId="report-payout" />
          <KpiCard label="Profit" value={m('profitCents')} />
        </>
      ) : (
        <KpiCard label="Earnings" value={m('payoutCents')} testId="report-earnings" sub={`${formatNumber(totals.rejectedConversions)} rejected`} />
      )}
    </div>
  );
}
