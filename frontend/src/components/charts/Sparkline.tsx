import { Area, AreaChart, ResponsiveContainer, Tooltip, XAxis } from 'recharts';
import type { LiveMinute } from '../../api/types';
import { formatBucket } from '../../lib/format';
import { COLORS } from './palette';

/** The last 60 minutes of clicks and conversions; slides as minutes pass. */
export function Sparkline({ minutes, label }: { minutes: LiveMinute[]; label: string }) {
  const data = minutes.map((m) => ({ t: formatBucket(m.t, 'minute'), clicks: m.clicks, conversions: m.conversions }));
  const clicks = minutes.reduce((s, m) => s + m.clicks, 0);
  const conv = minutes.reduce((s, m) => s + m.conversions, 0);
  return (
    <figure className="m-0">
      <figcaption className="sr-only">
        {label}: {clicks} clicks and {conv} conversions in the last {minutes.length} minutes
      </figcaption>
      <div className="h-24 w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 4, right: 0, bottom: 0, left: 0 }}>
            <XAxis dataKey="t" hide />
            <Tooltip contentStyle={{ fontSize: 12 }} />
            <Area type="monotone" dataKey="clicks" name="Clicks" stroke={COLORS.clicks} fill={COLORS.clicks} fillOpacity={0.15} strokeWidth={1.5} isAnimationActive={false} />
            <Area type="monotone" dataKey="conversions" name="Conversions" stroke={COLORS.conversions} fill={COLORS.conversions} fillOpacity={0.2} strokeWidth={1.5} isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
