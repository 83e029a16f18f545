import type { ReactNode } from 'react';
import type { ApiError } from '../../api/client';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { CsvLink } from '../../components/CsvLink';
import { DateRangePicker, type ReportRange } from '../../components/DateRangePicker';
import { Async } from '../../components/states';
import { GroupBySelect, type GroupOption } from './ReportGroupBy';

interface Props<T> {
  range: { value: ReportRange; setValue(v: ReportRange): void };
  /** The report's query (useQuery). */
  report: { data: T | undefined; error: ApiError | null; refetch(): unknown; isPlaceholderData: boolean };
  csv: { url: string; filename: string };
  /** What the report's breakdown groups by, chosen beside the range. */
  groupBy?: { value: string; options: ReadonlyArray<GroupOption<string>>; onChange(v: string): void };
  description?: string;
  children(report: T): ReactNode;
}

/**
 * A report's "Performance" card, as every dashboard shows it: the range (and
 * what the breakdown groups by) and its CSV download above the numbers; while
 * another range loads, the last report stays on screen, dimmed.
 */
export function ReportCard<T>({ range, report, csv, groupBy, description, children }: Props<T>) {
  return (
    <Card>
      <CardHeader title="Performance" description={description} actions={<CsvLink url={csv.url} filename={csv.filename} />} />
      <CardBody className="space-y-6">
        <div className="flex flex-wrap items-end gap-3">
          <DateRangePicker value={range.value} onChange={range.setValue} />
          {groupBy && <GroupBySelect value={groupBy.value} options={groupBy.options} onChange={groupBy.onChange} />}
        </div>
        <Async state={report} loadingLabel="Loading statistics…">
          {(r) => <div className={`space-y-6 ${report.isPlaceholderData ? 'opacity-60' : ''}`}>{children(r)}</div>}
        </Async>
      </CardBody>
    </Card>
  );
}
