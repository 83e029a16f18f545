import { z } from 'zod';
import { Instant, ObjectId } from './common';

/* ---------- platform settings (admins) ---------- */

export const MAX_PAYOUT_HOLD_DAYS = 365;
export const MAX_PAYOUT_MINIMUM_CENTS = 100_000_000;

const TimeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM (UTC), e.g. 02:30')
  .meta({ description: 'Time of day, UTC, `HH:MM`', example: '02:30' });

/** Five fields (minute hour day month weekday), or six with leading seconds; the server also checks each field's values. */
export const CronExpression = z
  .string()
  .trim()
  .max(120)
  .regex(/^[0-9A-Za-z*/,?-]+(\s+[0-9A-Za-z*/,?-]+){4,5}$/, 'must be a cron expression of 5 fields (minute hour day month weekday), e.g. "30 2 * * *"')
  .meta({ description: 'A cron expression (UTC): minute hour day-of-month month day-of-week, optionally a leading seconds field', example: '30 2 * * *' });

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

export const PayoutSchedule = z
  .discriminatedUnion('every', [
    z.strictObject({ every: z.literal('day'), at: TimeOfDay }),
    z.strictObject({ every: z.literal('week'), weekday: Weekday, at: TimeOfDay }),
    z.strictObject({
      every: z.literal('month'),
      day: z.number().int().min(1).max(28).meta({ description: 'Day of the month, 1–28 (every month has it)' }),
      at: TimeOfDay,
    }),
    z.strictObject({ every: z.literal('cron'), expression: CronExpression }),
  ])
  .meta({
    id: 'PayoutSchedule',
    description: 'When the scheduled payout run starts (UTC): every day, every week on a weekday, every month on a day, or a cron expression (the `CRON_PAYOUTS` default is one)',
  });
export type PayoutSchedule = z.infer<typeof PayoutSchedule>;

export const AdvertiserApproval = z
  .enum(['required', 'auto'])
  .meta({ description: '`required`: new advertisers start `pending` until an admin approves them; `auto`: approved at registration' });

const holdDays = z.number().int().min(0).max(MAX_PAYOUT_HOLD_DAYS).meta({ description: 'Approved conversions (and CPC click days) become payable this many days after they happened' });
const minimumCents = z
  .number()
  .int()
  .min(0)
  .max(MAX_PAYOUT_MINIMUM_CENTS)
  .meta({ description: 'Smallest payout, in minor units of the payout’s currency (applied to each affiliate’s total per currency); smaller totals wait for a later run' });

export const PlatformSettingsValues = z
  .strictObject({
    payoutHoldDays: holdDays,
    payoutMinimumCents: minimumCents,
    payoutSchedule: PayoutSchedule,
    advertiserApproval: AdvertiserApproval,
  })
  .meta({ id: 'PlatformSettingsValues' });
export type PlatformSettingsValues = z.infer<typeof PlatformSettingsValues>;

export const PLATFORM_SETTING_FIELDS = ['payoutHoldDays', 'payoutMinimumCents', 'payoutSchedule', 'advertiserApproval'] as const;
export type PlatformSettingField = (typeof PLATFORM_SETTING_FIELDS)[number];

export const SettingSource = z.enum(['default', 'database']).meta({ description: '`default`: the environment variable’s value (nothing stored); `database`: set by an admin' });
export type SettingSource = z.infer<typeof SettingSource>;

export const PlatformSettings = z
  .strictObject({
    values: PlatformSettingsValues.meta({ description: 'What the platform uses now' }),
    defaults: PlatformSettingsValues.meta({ description: 'The environment’s values (PAYOUT_HOLD_DAYS, PAYOUT_MIN_CENTS, CRON_PAYOUTS, ADVERTISER_APPROVAL), used where nothing is stored' }),
    sources: z.strictObject({
      payoutHoldDays: SettingSource,
      payoutMinimumCents: SettingSource,
      payoutSchedule: SettingSource,
      advertiserApproval: SettingSource,
    }),
    updatedAt: Instant.nullable().meta({ description: 'Last change; null if never changed' }),
    updatedBy: ObjectId.nullable().meta({ description: 'The admin who made the last change' }),
  })
  .meta({ id: 'PlatformSettings' });
export type PlatformSettings = z.infer<typeof PlatformSettings>;

export const PlatformSettingsPatch = z
  .strictObject({
    payoutHoldDays: holdDays.nullable().optional(),
    payoutMinimumCents: minimumCents.nullable().optional(),
    payoutSchedule: PayoutSchedule.nullable().optional(),
    advertiserApproval: AdvertiserApproval.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'name at least one setting to change' })
  .meta({ id: 'PlatformSettingsPatch', description: 'The settings to change; `null` resets one to its environment default. Settings left out stay as they are.' });
export type PlatformSettingsPatch = z.infer<typeof PlatformSettingsPatch>;
