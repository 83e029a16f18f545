import { useQuery } from '@tanstack/react-query';
import { queries } from '../../api/queries';
import { reportsApi } from '../../api/reports';
import type { BreakdownRow, Campaign } from '../../api/types';
import { BreakdownChart } from '../../components/charts/BreakdownChart';
import { TimeSeriesChart } from '../../components/charts/TimeSeriesChart';
import { DataTable, type Column } from '../../components/DataTable';
import { useReportRange } from '../../components/DateRangePicker';
import { Epc, Money, Num, Rate } from '../../components/Money';
import { EmptyState } from '../../components/states';
import { MetricKpis } from '../shared/MetricKpis';
import { ReportCard } from '../shared/ReportCard';
import { BreakdownLabel, DIMENSION_GROUPS, inSentence, useGroupBy } from '../shared/ReportGroupBy';

const GROUPS = [{ id: 'affiliate', label: 'Affiliate' }, { id: 'sub1', label: 'Sub1' }, ...DIMENSION_GROUPS] as const;

/** Historical stats of one campaign: totals, hourly/daily chart, breakdown by affiliate, sub ID, country, device, OS or browser. */
export function CampaignAnalytics({ campaign }: { campaign: Campaign }) {
  const range = useReportRange('7d');
  const [groupBy, setGroupBy] = useGroupBy(GROUPS);
  const groupLabel = GROUPS.find((g) => g.id === groupBy)?.label ?? groupBy;
  const query = { ...range.query, groupBy };
  const state = useQuery(queries.reports.campaign(campaign.id, query));
  const cur = campaign.currency;

  const columns: Column<BreakdownRow>[] = [
    { id: 'label', header: groupLabel, cell: (r) => <BreakdownLabel groupBy={groupBy} row={r} />, sortValue: (r) => r.label },
    { id: 'clicks', header: 'Clicks', align: 'right', cell: (r) => <Num value={r.clicks} />, sortValue: (r) => r.clicks },
    { id: 'unique', header: 'Unique', align: 'right', cell: (r) => <Num value={r.uniqueClicks} />, sortValue: (r) => r.uniqueClicks, hideOnMobile: true },
    { id: 'conv', header: 'Conv.', align: 'right', cell: (r) => <Num value={r.conversions} />, sortValue: (r) => r.conversions },
    { id: 'cr', header: 'CR', align: 'right', cell: (r) => <Rate value={r.cr} />, sortValue: (r) => r.cr, hideOnMobile: true },
    { id: 'epc', header: 'EPC', align: 'right', cell: (r) => <Epc value={r.epc} currency={cur} />, sortValue: (r) => Number(r.epc), hideOnMobile: true },
    { id: 'revenue', header: 'Revenue', align: 'right', cell: (r) => <Money cents={r.revenueCents} currency={cur} />, sortValue: (r) => r.revenueCents },
    { id: 'payout', header: 'Payout', align: 'right', cell: (r) => <Money cents={r.payoutCents} currency={cur} />, sortValue: (r) => r.payoutCents, hideOnMobile: true },
    { id: 'profit', header: 'Profit', align: 'right', cell: (r) => <Money cents={r.profitCents} currency={cur} />, sortValue: (r) => r.profitCents, hideOnMobile: true },
  ];

  return (
    <ReportCard
      range={range}
      report={state}
      groupBy={{ value: groupBy, options: GROUPS, onChange: (v) => setGroupBy(v as typeof groupBy) }}
      csv={{ url: reportsApi.campaignCsv(campaign.id, query), filename: `campaign-${campaign.id}.csv` }}
      description="From hourly and daily rollups; the current hour comes from raw events."
    >
      {(report) => (
        <>
          <MetricKpis totals={report.totals} currency={cur} />
          {report.series.every((r) => r.clicks === 0 && r.conversions === 0) ? (
            <EmptyState title="No traffic in this range">Pick a longer range, or share the campaign with affiliates to start receiving clicks.</EmptyState>
          ) : (
            <TimeSeriesChart title={`Clicks and conversions per ${report.granularity} (${report.tz})`} series={report.series} granularity={report.granularity} tz={report.tz} currency={cur} />
          )}
          <div>
            <h3 className="mb-3 text-sm font-semibold text-slate-900">Breakdown by {inSentence(groupLabel)}</h3>
            {groupBy === 'sub1' && !campaign.trackSub1 && (
              <p className="mb-3 text-sm text-slate-600">This campaign does not keep per-sub1 statistics: every click counts as “(none)”. Turn on “Report by sub1” in its settings to split new traffic by sub1.</p>
            )}
            {report.breakdown.length > 0 && <BreakdownChart rows={report.breakdown} title={`Top ${groupBy === 'affiliate' ? 'affiliates' : `${inSentence(groupLabel)} values`} by clicks`} />}
            <div className="mt-3 overflow-hidden rounded-lg border border-slate-200">
              <DataTable
                caption={`Breakdown by ${inSentence(groupLabel)}`}
                columns={columns}
                rows={report.breakdown}
                rowKey={(r) => r.key}
                rowLabel="rows"
                pageSize={10}
                initialSort={{ id: 'clicks', dir: 'desc' }}
                empty={<EmptyState title="Nothing to break down yet" />}
              />
            </div>
          </div>
        </>
      )}
    </ReportCard>
  );
}
