import { useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Granularity, SeriesRow } from '../../api/types';
import { formatBucket, formatCompact, formatCount, formatNumber } from '../../lib/format';
import { formatMoney, formatMoneyCompact } from '../../lib/money';
import { Segmented } from '../Tabs';
import { useReducedMotion } from '../../hooks/useReducedMotion';
import { COLORS } from './palette';

type View = 'traffic' | 'money';

interface Props {
  series: SeriesRow[];
  granularity: Granularity;
  tz: string;
  /** Money is only drawn when every row is in one currency. */
  currency: string | null;
  /** Affiliates see payout ("earnings") only. */
  showRevenue?: boolean;
  title: string;
}

/** Clicks and conversions (or money) per hour/day, in the report's time zone. */
export function TimeSeriesChart({ series, granularity, tz, currency, showRevenue = true, title }: Props) {
  const [view, setView] = useState<View>('traffic');
  const animate = !useReducedMotion();
  const data = series.map((r) => ({ ...r, label: formatBucket(r.t, granularity, tz) }));
  const money = view === 'money' && currency !== null;
  const totalClicks = series.reduce((s, r) => s + r.clicks, 0);
  const totalConv = series.reduce((s, r) => s + r.conversions, 0);

  return (
    <figure className="m-0">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <figcaption className="text-sm font-medium text-slate-700">{title}</figcaption>
        {currency !== null && (
          <Segmented
            label="Chart metrics"
            value={view}
            onChange={setView}
            options={[
              { id: 'traffic', label: 'Traffic' },
              { id: 'money', label: showRevenue ? 'Money' : 'Earnings' },
            ]}
          />
        )}
      </div>
      <p className="sr-only">
        {granularity === 'hour' ? formatCount(series.length, 'hour', 'hours') : formatCount(series.length, 'day', 'days')}: {formatCount(totalClicks, 'click', 'clicks')} and {formatCount(totalConv, 'conversion', 'conversions')} in total.
      </p>
      <div className="h-72 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <defs>
              <linearGradient id="fillClicks" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={COLORS.clicks} stopOpacity={0.25} />
                <stop offset="100%" stopColor={COLORS.clicks} stopOpacity={0.02} />
              </linearGradient>
              <linearGradient id="fillRevenue" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={COLORS.revenue} stopOpacity={0.25} />
                <stop offset="100%" stopColor={COLORS.revenue} stopOpacity={0.02} />
              </linearGradient>
            </defs>
            <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 12, fill: COLORS.axis }} tickLine={false} axisLine={{ stroke: COLORS.grid }} minTickGap={24} />
            {money ? (
              <>
                <YAxis yAxisId="m" tick={{ fontSize: 12, fill: COLORS.axis }} tickLine={false} axisLine={false} width={64} tickFormatter={(v: number) => formatMoneyCompact(v, currency)} />
                <Tooltip formatter={(v) => formatMoney(Number(v), currency)} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {showRevenue && <Area yAxisId="m" isAnimationActive={animate} type="monotone" dataKey="revenueCents" name="Revenue" stroke={COLORS.revenue} fill="url(#fillRevenue)" strokeWidth={2} />}
                <Line yAxisId="m" type="monotone" dataKey="payoutCents" isAnimationActive={animate} name={showRevenue ? 'Payout' : 'Earnings'} stroke={COLORS.payout} strokeWidth={2} dot={false} />
                {showRevenue && <Line yAxisId="m" type="monotone" dataKey="profitCents" isAnimationActive={animate} name="Profit" stroke={COLORS.profit} strokeWidth={2} dot={false} strokeDasharray="4 3" />}
              </>
            ) : (
              <>
                <YAxis yAxisId="c" tick={{ fontSize: 12, fill: COLORS.axis }} tickLine={false} axisLine={false} width={48} tickFormatter={(v: number) => formatCompact(v)} allowDecimals={false} />
                <YAxis yAxisId="v" orientation="right" tick={{ fontSize: 12, fill: COLORS.axis }} tickLine={false} axisLine={false} width={40} allowDecimals={false} />
                <Tooltip formatter={(v) => formatNumber(Number(v))} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Area yAxisId="c" isAnimationActive={animate} type="monotone" dataKey="clicks" name="Clicks" stroke={COLORS.clicks} fill="url(#fillClicks)" strokeWidth={2} />
                <Line yAxisId="c" isAnimationActive={animate} type="monotone" dataKey="uniqueClicks" name="Unique clicks" stroke={COLORS.unique} strokeWidth={1.5} dot={false} />
                <Line yAxisId="v" isAnimationActive={animate} type="monotone" dataKey="conversions" name="Conversions" stroke={COLORS.conversions} strokeWidth={2} dot={series.length <= 31} />
              </>
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
