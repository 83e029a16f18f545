import { useQuery } from '@tanstack/react-query';
import { queries } from '../../api/queries';
import { reportsApi } from '../../api/reports';
import type { OverviewReport } from '../../api/types';
import { TimeSeriesChart } from '../../components/charts/TimeSeriesChart';
import { DataTable, type Column } from '../../components/DataTable';
import { useReportRange } from '../../components/DateRangePicker';
import { KpiCard } from '../../components/KpiCard';
import { Money, Num, Rate } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { formatNumber, formatRate } from '../../lib/format';
import { LiveSection } from '../shared/LiveSection';
import { ReportCard } from '../shared/ReportCard';

type TopCampaign = OverviewReport['topCampaigns'][number];
type TopAffiliate = OverviewReport['topAffiliates'][number];

/** The platform at a glance: live totals, charts, money per currency, top campaigns and affiliates. */
export function OverviewPage() {
  const range = useReportRange('7d');
  const state = useQuery(queries.reports.overview(range.query));

  const campaignCols: Column<TopCampaign>[] = [
    { id: 'name', header: 'Campaign', cell: (c) => c.name, sortValue: (c) => c.name },
    { id: 'clicks', header: 'Clicks', align: 'right', cell: (c) => <Num value={c.clicks} />, sortValue: (c) => c.clicks },
    { id: 'conv', header: 'Conv.', align: 'right', cell: (c) => <Num value={c.conversions} />, sortValue: (c) => c.conversions },
    { id: 'cr', header: 'CR', align: 'right', cell: (c) => <Rate value={c.cr} />, sortValue: (c) => c.cr, hideOnMobile: true },
    { id: 'revenue', header: 'Revenue', align: 'right', cell: (c) => <Money cents={c.revenueCents} currency={c.currency} />, sortValue: (c) => c.revenueCents },
    { id: 'profit', header: 'Profit', align: 'right', cell: (c) => <Money cents={c.profitCents} currency={c.currency} />, sortValue: (c) => c.profitCents, hideOnMobile: true },
  ];
  const affiliateCols: Column<TopAffiliate>[] = [
    { id: 'name', header: 'Affiliate', cell: (a) => a.name, sortValue: (a) => a.name },
    { id: 'clicks', header: 'Clicks', align: 'right', cell: (a) => <Num value={a.clicks} />, sortValue: (a) => a.clicks },
    { id: 'conv', header: 'Conv.', align: 'right', cell: (a) => <Num value={a.conversions} />, sortValue: (a) => a.conversions },
    { id: 'cr', header: 'CR', align: 'right', cell: (a) => <Rate value={a.cr} />, sortValue: (a) => a.cr },
  ];

  return (
    <>
      <PageHeader title="Platform overview" description="Live totals and performance across every campaign." />
      <div className="space-y-6">
        <LiveSection scope="platform" id="all" title="Live — whole platform" />
        <ReportCard range={range} report={state} csv={{ url: reportsApi.overviewCsv(range.query), filename: 'overview.csv' }}>
          {(r) => (
            <>
              <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
                <KpiCard label="Clicks" value={formatNumber(r.totals.clicks)} sub={`${formatNumber(r.totals.uniqueClicks)} unique · ${formatNumber(r.totals.invalidClicks)} invalid`} />
                <KpiCard label="Conversions" value={formatNumber(r.totals.conversions)} sub={`${formatNumber(r.totals.pendingConversions)} pending`} />
                <KpiCard label="Conv. rate" value={formatRate(r.totals.cr)} />
                <KpiCard
                  label="Profit"
                  value={r.byCurrency.length === 0 ? '—' : r.byCurrency.map((m) => <Money key={m.currency} cents={m.profitCents} currency={m.currency} className="block" />)}
                />
              </div>
              {r.series.every((s) => s.clicks === 0 && s.conversions === 0) ? (
                <EmptyState title="No traffic in this range" />
              ) : (
                <TimeSeriesChart title={`Platform traffic per ${r.granularity} (${r.tz})`} series={r.series} granularity={r.granularity} tz={r.tz} currency={r.byCurrency.length === 1 ? r.byCurrency[0]!.currency : null} />
              )}
              {r.byCurrency.length > 0 && (
                <div className="overflow-hidden rounded-lg border border-slate-200">
                  <DataTable
                    caption="Money per currency"
                    rows={r.byCurrency}
                    rowKey={(m) => m.currency}
                    columns={[
                      { id: 'cur', header: 'Currency', cell: (m) => m.currency, sortValue: (m) => m.currency },
                      { id: 'rev', header: 'Revenue', align: 'right', cell: (m) => <Money cents={m.revenueCents} currency={m.currency} />, sortValue: (m) => m.revenueCents },
                      { id: 'pay', header: 'Payout', align: 'right', cell: (m) => <Money cents={m.payoutCents} currency={m.currency} />, sortValue: (m) => m.payoutCents },
                      { id: 'profit', header: 'Profit', align: 'right', cell: (m) => <Money cents={m.profitCents} currency={m.currency} />, sortValue: (m) => m.profitCents },
                    ]}
                  />
                </div>
              )}
              <div className="grid grid-cols-1 gap-6 2xl:grid-cols-2">
                <div>
                  <h3 className="mb-2 text-sm font-semibold text-slate-900">Top campaigns</h3>
                  <div className="overflow-hidden rounded-lg border border-slate-200">
                    <DataTable caption="Top campaigns" columns={campaignCols} rows={r.topCampaigns} rowKey={(c) => c.id} pageSize={10} initialSort={{ id: 'clicks', dir: 'desc' }} rowLabel="campaigns" />
                  </div>
                </div>
                <div>
                  <h3 className="mb-2 text-sm font-semibold text-slate-900">Top affiliates</h3>
                  <div className="overflow-hidden rounded-lg border border-slate-200">
                    <DataTable caption="Top affiliates" columns={affiliateCols} rows={r.topAffiliates} rowKey={(a) => a.id} pageSize={10} initialSort={{ id: 'clicks', dir: 'desc' }} rowLabel="affiliates" />
                  </div>
                </div>
              </div>
            </>
          )}
        </ReportCard>
      </div>
    </>
  );
}
