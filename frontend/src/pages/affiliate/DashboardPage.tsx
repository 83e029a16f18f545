import { useQuery } from '@tanstack/react-query';
import { queries } from '../../api/queries';
import { reportsApi } from '../../api/reports';
import type { BreakdownRow } from '../../api/types';
import { TimeSeriesChart } from '../../components/charts/TimeSeriesChart';
import { DataTable, type Column } from '../../components/DataTable';
import { useReportRange } from '../../components/DateRangePicker';
import { Epc, Money, Num, Rate } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState } from '../../components/states';
import { useUser } from '../../context/AuthContext';
import { ClickLogCard } from '../shared/ClickLogCard';
import { LiveSection } from '../shared/LiveSection';
import { MetricKpis } from '../shared/MetricKpis';
import { ReportCard } from '../shared/ReportCard';
import { BreakdownLabel, DIMENSION_GROUPS, inSentence, useGroupBy } from '../shared/ReportGroupBy';

const GROUPS = [{ id: 'campaign', label: 'Campaign' }, ...DIMENSION_GROUPS] as const;

/** A row's label (campaign, country, …), and below it on a phone the figures of the columns a phone leaves out. */
function LabelCell({ groupBy, row: r }: { groupBy: string; row: BreakdownRow }) {
  return (
    <>
      <BreakdownLabel groupBy={groupBy} row={r} />
      <span className="mt-0.5 block text-xs text-slate-600 sm:hidden">
        <Num value={r.clicks} /> clicks · <Num value={r.conversions} /> conv. (<Num value={r.pendingConversions} /> pending) · CR <Rate value={r.cr} />
        {r.currency && (
          <>
            {' '}
            · EPC <Epc value={r.epc} currency={r.currency} />
          </>
        )}
      </span>
    </>
  );
}

/** The affiliate's home: live numbers for today and historical stats by campaign, sub ID, country, device, OS or browser. */
export function AffiliateDashboardPage() {
  const user = useUser();
  const range = useReportRange('7d');
  const [groupBy, setGroupBy] = useGroupBy(GROUPS);
  const groupLabel = GROUPS.find((g) => g.id === groupBy)?.label ?? groupBy;
  const query = { ...range.query, groupBy };
  const state = useQuery(queries.reports.affiliate(query));

  const columns: Column<BreakdownRow>[] = [
    // At phone width the table is two columns: the label (it wraps, the row's figures under it) and the earnings.
    { id: 'label', header: groupLabel, cell: (r) => <LabelCell groupBy={groupBy} row={r} />, sortValue: (r) => r.label, wrap: true },
    { id: 'clicks', header: 'Clicks', align: 'right', cell: (r) => <Num value={r.clicks} />, sortValue: (r) => r.clicks, hideOnMobile: true },
    { id: 'conv', header: 'Conv.', align: 'right', cell: (r) => <Num value={r.conversions} />, sortValue: (r) => r.conversions, hideOnMobile: true },
    { id: 'pending', header: 'Pending', align: 'right', cell: (r) => <Num value={r.pendingConversions} />, sortValue: (r) => r.pendingConversions, hideOnMobile: true },
    { id: 'cr', header: 'CR', align: 'right', cell: (r) => <Rate value={r.cr} />, sortValue: (r) => r.cr, hideOnMobile: true },
    { id: 'epc', header: 'EPC', align: 'right', cell: (r) => (r.currency ? <Epc value={r.epc} currency={r.currency} /> : '—'), sortValue: (r) => Number(r.epc), hideOnMobile: true },
    { id: 'earn', header: 'Earnings', align: 'right', cell: (r) => (r.currency ? <Money cents={r.payoutCents} currency={r.currency} /> : '—'), sortValue: (r) => r.payoutCents },
  ];

  return (
    <>
      <PageHeader title={`Welcome back, ${user.name}`} description="Your traffic and earnings across every campaign you promote." />
      <div className="space-y-6">
        <LiveSection scope="affiliate" id={user.id} title="Live today" audience="affiliate" />
        <ReportCard
          range={range}
          report={state}
          groupBy={{ value: groupBy, options: GROUPS, onChange: (v) => setGroupBy(v as typeof groupBy) }}
          csv={{ url: reportsApi.affiliateCsv(query), filename: 'affiliate-stats.csv' }}
        >
          {(report) => (
            <>
              <MetricKpis totals={report.totals} currency={report.currency} byCurrency={report.byCurrency} audience="affiliate" />
              {report.byCurrency.length > 1 && <p className="text-sm text-slate-600">Your campaigns pay in several currencies: earnings and EPC are shown per currency, never added up; EPC is each currency’s earnings over the clicks of campaigns paying in it.</p>}
              {report.series.every((r) => r.clicks === 0 && r.conversions === 0) ? (
                <EmptyState title="No traffic in this range">Get a link from the Offers page and send visitors to it.</EmptyState>
              ) : (
                <TimeSeriesChart title={`Clicks and conversions per ${report.granularity} (${report.tz})`} series={report.series} granularity={report.granularity} tz={report.tz} currency={report.currency} showRevenue={false} />
              )}
              <div className="overflow-hidden rounded-lg border border-slate-200">
                <DataTable
                  caption={`Stats by ${inSentence(groupLabel)}`}
                  columns={columns}
                  rows={report.breakdown}
                  rowKey={(r) => r.key}
                  rowLabel="rows"
                  pageSize={10}
                  initialSort={{ id: 'clicks', dir: 'desc' }}
                  empty={<EmptyState title="No stats in this range" />}
                />
              </div>
            </>
          )}
        </ReportCard>
        <ClickLogCard scope="affiliate" id={user.id} />
      </div>
    </>
  );
}
