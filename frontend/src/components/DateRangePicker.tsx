import { useId, useMemo, useState } from 'react';
import type { Granularity } from '../api/types';
import type { ReportQuery } from '../api/reports';
import { browserTimeZone, daysBetween, presetRange, PRESETS, rangeToInstants, timeZones, type DayRange, type PresetId } from '../lib/time';
import { Segmented } from './Tabs';
import { inputClass } from './form/fields';

export interface ReportRange {
  preset: PresetId | 'custom';
  range: DayRange;
  tz: string;
  granularity: Granularity;
}

export function initialRange(preset: PresetId = '7d', tz = browserTimeZone()): ReportRange {
  return { preset, range: presetRange(preset, tz), tz, granularity: preset === 'today' || preset === 'yesterday' ? 'hour' : 'day' };
}

export function toReportQuery(r: ReportRange): ReportQuery {
  return { ...rangeToInstants(r.range, r.tz), granularity: r.granularity, tz: r.tz };
}

/** Keeps the report range and its API query together. */
export function useReportRange(preset: PresetId = '7d') {
  const [value, setValue] = useState<ReportRange>(() => initialRange(preset));
  const query = useMemo(() => toReportQuery(value), [value]);
  return { value, setValue, query };
}

const MAX_HOURLY_DAYS = 31;

export function DateRangePicker({ value, onChange }: { value: ReportRange; onChange(v: ReportRange): void }) {
  const id = useId();
  const zones = useMemo(() => timeZones(), []);
  const [error, setError] = useState<string | null>(null);

  const setPreset = (preset: string) => {
    if (preset === 'custom') return onChange({ ...value, preset: 'custom' });
    const p = preset as PresetId;
    const range = presetRange(p, value.tz);
    onChange({ ...value, preset: p, range, granularity: daysBetween(range) <= 2 ? 'hour' : value.granularity });
    setError(null);
  };

  const setDay = (which: 'from' | 'to', day: string) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
    const range = { ...value.range, [which]: day };
    if (range.from > range.to) {
      setError('The start date must be on or before the end date');
      return;
    }
    setError(null);
    const granularity = value.granularity === 'hour' && daysBetween(range) > MAX_HOURLY_DAYS ? 'day' : value.granularity;
    onChange({ ...value, preset: 'custom', range, granularity });
  };

  const setTz = (tz: string) => {
    const range = value.preset === 'custom' ? value.range : presetRange(value.preset, tz);
    onChange({ ...value, tz, range });
  };

  const hourlyAllowed = daysBetween(value.range) <= MAX_HOURLY_DAYS;

  return (
    <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Report range">
      <div>
        <label htmlFor={`${id}-preset`} className="block text-xs font-medium text-slate-700">
          Range
        </label>
        <select id={`${id}-preset`} value={value.preset} onChange={(e) => setPreset(e.target.value)} className={inputClass(false, 'mt-1 py-1.5 pr-8')}>
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom</option>
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-from`} className="block text-xs font-medium text-slate-700">
          From
        </label>
        <input id={`${id}-from`} type="date" value={value.range.from} max={value.range.to} onChange={(e) => setDay('from', e.target.value)} className={inputClass(Boolean(error), 'mt-1 py-1.5')} />
      </div>
      <div>
        <label htmlFor={`${id}-to`} className="block text-xs font-medium text-slate-700">
          To
        </label>
        <input id={`${id}-to`} type="date" value={value.range.to} min={value.range.from} onChange={(e) => setDay('to', e.target.value)} className={inputClass(Boolean(error), 'mt-1 py-1.5')} />
      </div>
      <div className="min-w-0">
        <label htmlFor={`${id}-tz`} className="block text-xs font-medium text-slate-700">
          Time zone
        </label>
        <select id={`${id}-tz`} value={value.tz} onChange={(e) => setTz(e.target.value)} className={inputClass(false, 'mt-1 max-w-[14rem] py-1.5 pr-8')}>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </div>
      <div>
        <span className="block text-xs font-medium text-slate-700" id={`${id}-gran`}>
          Interval
        </span>
        <div className="mt-1">
          <Segmented
            label="Interval"
            value={value.granularity}
            onChange={(g) => (g === 'hour' && !hourlyAllowed ? setError(`Hourly charts cover at most ${MAX_HOURLY_DAYS} days`) : onChange({ ...value, granularity: g }))}
            options={[
              { id: 'hour', label: 'Hourly' },
              { id: 'day', label: 'Daily' },
            ]}
          />
        </div>
      </div>
      {error && (
        <p role="alert" className="w-full text-sm text-rose-700">
          {error}
        </p>
      )}
    </div>
  );
}
