import type { ReactNode } from 'react';
import type { ApiError } from '../../api/client';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { CsvLink } from '../../components/CsvLink';
import { DateRangePicker, type ReportRange } from '../../components/DateRangePicker';
import { Async } from '../../components/states';

interface Props<T> {
  range: { value: ReportRange; setValue(v: ReportRange): void };
  /** The report's query (useQuery). */
  report: { data: T | undefined; error: ApiError | null; refetch(): unknown; isPlaceholderData: boolean };
  csv: { url: string; filename: string };
  description?: string;
  children(report: T): ReactNode;
}

/**
 * A report's "Performance" card, as every dashboard shows it: the range and
 * its CSV download above the numbers; while another range loads, the last
 * report stays on screen, dimmed.
 */
export function ReportCard<T>({ range, report, csv, description, children }: Props<T>) {
  return (
    <Card>
      <CardHeader title="Performance" description={description} actions={<CsvLink url={csv.url} filename={csv.filename} />} />
      <CardBody className="space-y-6">
        <DateRangePicker value={range.value} onChange={range.setValue} />
        <Async state={report} loadingLabel="Loading statistics…">
          {(r) => <div className={`space-y-6 ${report.isPlaceholderData ? 'opacity-60' : ''}`}>{children(r)}</div>}
        </Async>
      </CardBody>
    </Card>
  );
}
