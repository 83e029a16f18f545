import { PLATFORM_SETTING_FIELDS, WEEKDAYS, type PayoutSchedule, type PlatformSettingField, type PlatformSettingsPatch, type PlatformSettingsValues, type SettingSource } from '@offerly/contract';

export type { PlatformSettingsValues };

/**
 * Platform settings an admin may change at run time. The environment gives
 * the first values; whatever an admin stores wins, field by field, and
 * resetting a field brings its environment value back.
 */
export type StoredSettings = Partial<PlatformSettingsValues>;

export interface EffectiveSettings {
  values: PlatformSettingsValues;
  sources: Record<PlatformSettingField, SettingSource>;
}

/** The environment variables that give the first values. */
export interface SettingsEnv {
  PAYOUT_HOLD_DAYS: number;
  PAYOUT_MIN_CENTS: number;
  CRON_PAYOUTS: string;
  ADVERTISER_APPROVAL: 'required' | 'auto';
}

export function settingsDefaults(config: SettingsEnv): PlatformSettingsValues {
  return {
    payoutHoldDays: config.PAYOUT_HOLD_DAYS,
    payoutMinimumCents: config.PAYOUT_MIN_CENTS,
    payoutSchedule: { every: 'cron', expression: config.CRON_PAYOUTS },
    advertiserApproval: config.ADVERTISER_APPROVAL,
  };
}

export function effectiveSettings(stored: StoredSettings, defaults: PlatformSettingsValues): EffectiveSettings {
  const values = { ...defaults } as Record<PlatformSettingField, unknown>;
  const sources = {} as Record<PlatformSettingField, SettingSource>;
  for (const f of PLATFORM_SETTING_FIELDS) {
    const v = stored[f];
    sources[f] = v === undefined || v === null ? 'default' : 'database';
    if (sources[f] === 'database') values[f] = v;
  }
  return { values: values as PlatformSettingsValues, sources };
}

const hm = (at: string) => {
  const [h, m] = at.split(':');
  return { h: Number(h), m: Number(m) };
};

/** The cron expression (UTC) the scheduler runs the payout job by. */
export function scheduleCron(s: PayoutSchedule): string {
  if (s.every === 'cron') return s.expression;
  const { h, m } = hm(s.at);
  if (s.every === 'day') return `${m} ${h} * * *`;
  if (s.every === 'week') return `${m} ${h} * * ${WEEKDAYS.indexOf(s.weekday)}`;
  return `${m} ${h} ${s.day} * *`;
}

/** How a person reads a schedule (the audit log keeps this). */
export function scheduleLabel(s: PayoutSchedule): string {
  if (s.every === 'cron') return `cron "${s.expression}" (UTC)`;
  if (s.every === 'day') return `daily at ${s.at} UTC`;
  if (s.every === 'week') return `weekly on ${s.weekday} at ${s.at} UTC`;
  return `monthly on day ${s.day} at ${s.at} UTC`;
}

const shown = (f: PlatformSettingField, v: PlatformSettingsValues[PlatformSettingField]): string | number =>
  f === 'payoutSchedule' ? scheduleLabel(v as PayoutSchedule) : (v as string | number);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a change did, field by field, as the audit log records it:
 * `<field>_before` / `<field>_after` (values in effect), and `<field>_reset`
 * when the field went back to its environment default. Fields whose value
 * and source stayed the same are left out.
 */
export function settingsChanges(before: EffectiveSettings, after: EffectiveSettings): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const f of PLATFORM_SETTING_FIELDS) {
    if (same(before.values[f], after.values[f]) && before.sources[f] === after.sources[f]) continue;
    out[`${f}_before`] = shown(f, before.values[f]);
    out[`${f}_after`] = shown(f, after.values[f]);
    if (after.sources[f] === 'default') out[`${f}_reset`] = true;
  }
  return out;
}

/** The stored document after a patch: values set, `null` fields removed (back to the default). */
export function applyPatch(stored: StoredSettings, patch: PlatformSettingsPatch): StoredSettings {
  const next: Record<string, unknown> = { ...stored };
  for (const f of PLATFORM_SETTING_FIELDS) {
    if (!(f in patch)) continue;
    const v = patch[f];
    if (v === null || v === undefined) delete next[f];
    else next[f] = v;
  }
  return next as StoredSettings;
}
