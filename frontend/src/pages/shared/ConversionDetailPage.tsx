import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { queries } from '../../api/queries';
import type { ConversionActor, ConversionClick, ConversionDetail, ConversionDetailChange, PostbackRecord } from '../../api/types';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { KpiCard } from '../../components/KpiCard';
import { Money } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { useUser } from '../../context/AuthContext';
import { formatDate, formatDateTime, humanize } from '../../lib/format';
import { useConversionReviewDialog } from './useConversionReviewDialog';

/** A label / value list; empty values show as a dash. */
function Facts({ rows, label }: { rows: [string, ReactNode][]; label: string }) {
  return (
    <dl aria-label={label} className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-600">{k}</dt>
          <dd className="break-all text-slate-900">{v === null || v === undefined || v === '' ? <span className="text-slate-500">—</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}

const who = (a: ConversionActor) => (a.email ? `${a.label} (${a.email})` : a.label);

function ClickFacts({ click }: { click: ConversionClick | null }) {
  if (!click) return <p className="text-sm text-slate-600">The click’s raw data is no longer kept.</p>;
  const subs = ([1, 2, 3, 4, 5] as const).map((n): [string, ReactNode] => [`Sub${n}`, click[`sub${n}`]]);
  const visitor: [string, ReactNode][] =
    click.userAgent === null
      ? []
      : [
          ['Country', click.country],
          ['Device', click.device && [click.device, click.os, click.browser].filter(Boolean).map(humanize).join(' · ')],
          ['User agent', click.userAgent],
          ['Referer', click.referer],
          ['Visitor key', click.visitor && <span className="font-mono text-xs">{click.visitor}</span>],
        ];
  return (
    <Facts
      label="Click"
      rows={[
        ['Clicked', formatDateTime(click.at)],
        ['Click id', <span className="font-mono text-xs">{click.id}</span>],
        ['Link', <span className="font-mono text-xs">{click.linkId}</span>],
        ['Valid', click.valid ? 'Yes' : `No (${humanize(click.invalidReason)})`],
        ...subs,
        ['Deep link', click.deepLink],
        ...visitor,
      ]}
    />
  );
}

function HistoryList({ history }: { history: ConversionDetailChange[] }) {
  return (
    <ol className="space-y-3" aria-label="Conversion history">
      {history.map((h, i) => (
        <li key={i} className="flex gap-3 text-sm">
          <span className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-indigo-500" aria-hidden="true" />
          <div>
            <p className="text-slate-900">
              {h.from ? `${humanize(h.from)} → ` : 'Created '}
              <span className="font-medium">{humanize(h.to)}</span>
              {h.reason && <span className="text-slate-700"> ({humanize(h.reason)})</span>}
              <span className="text-slate-600">
                {' '}
                · {who(h.who)} · {formatDateTime(h.at)}
              </span>
            </p>
            {h.note && (
              <p className="text-slate-700">
                “{h.note}”{h.noteShared && <span className="ml-2 text-xs text-slate-500">shown to the affiliate</span>}
              </p>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

function PostbackList({ postbacks, complete }: { postbacks: PostbackRecord[]; complete: boolean }) {
  return (
    <>
      <ol className="space-y-2 text-sm" aria-label="Postbacks">
        {postbacks.map((p) => (
          <li key={p.id} className="flex flex-wrap items-baseline gap-x-3">
            <span className="font-mono text-xs">{p.id}</span>
            <StatusBadge status={p.state} />
            <span className="text-slate-700">{[p.reason && humanize(p.reason), p.detail].filter(Boolean).join(' · ')}</span>
            <span className="text-slate-600">{formatDateTime(p.receivedAt)}</span>
          </li>
        ))}
      </ol>
      {!complete && <p className="mt-3 text-xs text-slate-600">Recorded before every postback was kept with its conversion: refused duplicates may be missing.</p>}
    </>
  );
}

function DetailBody({ d }: { d: ConversionDetail }) {
  const user = useUser();
  const c = d.conversion;
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <KpiCard label={user.role === 'affiliate' ? 'Earnings' : 'Payout'} value={<Money cents={c.payoutCents} currency={c.currency} />} testId="conversion-payout" />
        {c.revenueCents !== undefined && <KpiCard label="Revenue" value={<Money cents={c.revenueCents} currency={c.currency} />} testId="conversion-revenue" />}
        <KpiCard label="Sale" value={<Money cents={c.saleAmountCents} currency={c.currency} />} />
        <KpiCard label="Converted" value={formatDateTime(c.convertedAt)} />
      </div>
      <Card>
        <CardHeader title="Summary" />
        <CardBody>
          <Facts
            label="Summary"
            rows={[
              ['Campaign', c.campaignName],
              ['Transaction', <span className="font-mono text-xs">{c.txnId}</span>],
              ['Status', <StatusBadge status={c.status} />],
              ['Reason', c.reason && humanize(c.reason)],
              ['Suspected fraud', c.suspectedFraud ? 'Yes: converted sooner after the click than the campaign allows' : null],
              ['Conversion id', <span className="font-mono text-xs">{c.id}</span>],
            ]}
          />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Click" />
        <CardBody>
          <ClickFacts click={d.click} />
        </CardBody>
      </Card>
      {d.postbacks && (
        <Card>
          <CardHeader title="Postbacks" description="Every postback that touched this conversion, oldest first." />
          <CardBody>
            <PostbackList postbacks={d.postbacks} complete={d.postbacksComplete} />
          </CardBody>
        </Card>
      )}
      <Card>
        <CardHeader title="History" />
        <CardBody>
          <HistoryList history={d.history} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Payout" />
        <CardBody>
          {d.payout === null ? (
            <p className="text-sm text-slate-600">Not in a payout yet.</p>
          ) : (
            <p className="text-sm">
              {user.role === 'advertiser' ? 'In a payout' : <Link to={`/payouts/${d.payout.id}`} className="text-indigo-700 hover:underline">In a payout</Link>}{' '}
              · <StatusBadge status={d.payout.status} />
              {d.payout.periodEnd && <span className="text-slate-600"> · period up to {formatDate(d.payout.periodEnd)}</span>}
            </p>
          )}
        </CardBody>
      </Card>
    </div>
  );
}

/** One conversion: its click, postbacks, status history with notes, and payout; reviewers approve or reject it here. */
export function ConversionDetailPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const query = useQuery(queries.conversions.detail(id));
  const { review, dialog } = useConversionReviewDialog();
  return (
    <Async state={query} loadingLabel="Loading conversion…">
      {(d) => {
        const c = d.conversion;
        const canReview = user.role !== 'affiliate' && !c.payoutId && c.status !== 'processing';
        return (
          <>
            <PageHeader
              title={`Conversion ${c.txnId}`}
              meta={
                <>
                  <Link to="/conversions" className="text-indigo-700 hover:underline">
                    ← Conversions
                  </Link>
                  <StatusBadge status={c.status} />
                </>
              }
              actions={
                canReview && (
                  <>
                    {c.status !== 'approved' && (
                      <Button variant="success" onClick={() => review(c, 'approve')}>
                        Approve
                      </Button>
                    )}
                    {c.status !== 'rejected' && (
                      <Button variant="danger" onClick={() => review(c, 'reject')}>
                        Reject
                      </Button>
                    )}
                  </>
                )
              }
            />
            <DetailBody d={d} />
            {dialog}
          </>
        );
      }}
    </Async>
  );
}
