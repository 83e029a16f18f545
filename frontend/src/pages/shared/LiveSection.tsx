import type { LiveScope } from '../../api/types';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { Sparkline } from '../../components/charts/Sparkline';
import { KpiCard, LiveDot } from '../../components/KpiCard';
import { ErrorState, Loading } from '../../components/states';
import { useLiveCounters } from '../../hooks/useLiveCounters';
import { moneyIn } from '../../hooks/liveReducer';
import { formatNumber } from '../../lib/format';
import { formatMoney } from '../../lib/money';

interface Props {
  scope: LiveScope;
  id: string;
  title: string;
  /** Show money in this currency; without it every currency earned today is listed. */
  currency?: string;
  /** Affiliates see their earnings (payout) only. */
  audience?: 'owner' | 'affiliate';
}

/** Today's numbers and the last hour, ticking without reload. */
export function LiveSection({ scope, id, title, currency, audience = 'owner' }: Props) {
  const live = useLiveCounters(scope, id);
  const moneyLines = (kind: 'revenueCents' | 'payoutCents') => {
    if (currency) return formatMoney(moneyIn(live.today, currency)[kind], currency);
    const entries = Object.entries(live.today.money);
    if (entries.length === 0) return '—';
    return entries.map(([cur, m]) => formatMoney(m[kind] ?? 0, cur)).join(' · ');
  };

  return (
    <Card>
      <CardHeader
        title={title}
        description="Today (UTC) and the last 60 minutes, updated as clicks and conversions arrive."
        actions={<LiveDot live={live.streaming} label={live.streaming ? 'Live' : live.status === 'ready' ? 'Not streaming' : undefined} />}
      />
      <CardBody>
        {live.status === 'loading' ? (
          <Loading label="Loading live counters…" />
        ) : live.status === 'error' && live.error ? (
          <ErrorState error={live.error} onRetry={live.reload} title="Live counters unavailable" />
        ) : (
          <div className="space-y-4" data-live-scope={scope} data-streaming={live.streaming ? 'true' : 'false'}>
            <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
              <KpiCard label="Clicks today" value={formatNumber(live.today.clicks)} sub={`${formatNumber(live.today.uniqueClicks)} unique · ${formatNumber(live.today.invalidClicks)} invalid`} live={live.streaming} tick={live.today.clicks} testId="live-clicks" />
              <KpiCard label="Conversions today" value={formatNumber(live.today.conversions)} live={live.streaming} tick={live.today.conversions} testId="live-conversions" />
              {audience === 'owner' ? (
                <>
                  <KpiCard label="Revenue today" value={moneyLines('revenueCents')} testId="live-revenue" />
                  <KpiCard label="Payout today" value={moneyLines('payoutCents')} testId="live-payout" />
                </>
              ) : (
                <KpiCard label="Earnings today" value={moneyLines('payoutCents')} testId="live-earnings" />
              )}
            </div>
            <div>
              <p className="mb-1 text-xs font-medium text-slate-600">Last 60 minutes — clicks and conversions per minute</p>
              <Sparkline minutes={live.minutes} label={title} />
            </div>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
