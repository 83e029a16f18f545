import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../../lib/format';
import { useReducedMotion } from '../../hooks/useReducedMotion';
import { COLORS } from './palette';

/** Top rows of a breakdown as horizontal bars (clicks and conversions). */
export function BreakdownChart({ rows, title }: { rows: Array<{ label: string; clicks: number; conversions: number }>; title: string }) {
  const animate = !useReducedMotion();
  const top = [...rows].sort((a, b) => b.clicks - a.clicks).slice(0, 8);
  return (
    <figure className="m-0">
      <figcaption className="sr-only">{title}</figcaption>
      <div style={{ height: Math.max(120, top.length * 36 + 48) }} className="w-full" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={top} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" tick={{ fontSize: 12, fill: COLORS.axis }} allowDecimals={false} />
            <YAxis type="category" dataKey="label" width={120} tick={{ fontSize: 12, fill: COLORS.axis }} />
            <Tooltip formatter={(v) => formatNumber(Number(v))} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar isAnimationActive={animate} dataKey="clicks" name="Clicks" fill={COLORS.clicks} radius={[0, 3, 3, 0]} />
            <Bar isAnimationActive={animate} dataKey="conversions" name="Conversions" fill={COLORS.conversions} radius={[0, 3, 3, 0]} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
