import cron from 'node-cron';
import { PLATFORM_SETTING_FIELDS, type PlatformSettingsPatch } from '@offerly/contract';
import { recordAudit, type AuditActor } from '../audit/audit-log';
import { publishInvalidation } from '../cache-bus/invalidations';
import type { AppContext } from '../context';
import { applyPatch, settingsChanges } from '../domain/platform-settings';
import { ApiError } from '../domain/errors';
import { SETTINGS_ID, settingsCollection, type SettingsSnapshot } from './settings-store';

export interface SettingsActor {
  audit: AuditActor;
  ip: string | null;
}

/** The contract checks a cron expression's shape; whether each field's values exist is the scheduler library's to say. */
function checkSchedule(patch: PlatformSettingsPatch): void {
  const s = patch.payoutSchedule;
  if (s?.every !== 'cron' || cron.validate(s.expression)) return;
  throw new ApiError('validation_failed', 'Invalid request', [
    { path: 'payoutSchedule.expression', message: 'not a valid cron expression: a field is out of range (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7)' },
  ]);
}

/**
 * Applies an admin's change in one atomic update of the settings document
 * (its previous state comes back with it, so the audit entry's "before" is
 * exact even when two admins save at once), records what changed in the
 * audit log, then drops the cached settings in every process.
 */
export async function updatePlatformSettings(ctx: AppContext, actor: SettingsActor, patch: PlatformSettingsPatch): Promise<SettingsSnapshot> {
  checkSchedule(patch);
  const $set: Record<string, unknown> = { updatedAt: new Date(), updatedBy: actor.audit.id };
  const $unset: Record<string, ''> = {};
  for (const f of PLATFORM_SETTING_FIELDS) {
    if (!(f in patch)) continue;
    const v = patch[f];
    if (v === null || v === undefined) $unset[f] = '';
    else $set[f] = v;
  }
  const update = Object.keys($unset).length ? { $set, $unset } : { $set };
  const previous = await settingsCollection(ctx.db).findOneAndUpdate({ _id: SETTINGS_ID }, update, { upsert: true, returnDocument: 'before' });
  const before = ctx.settings.snapshotOf(previous);
  const after = ctx.settings.snapshotOf({ ...applyPatch(previous ?? {}, patch), _id: SETTINGS_ID, updatedAt: $set.updatedAt as Date, updatedBy: actor.audit.id });
  const details = settingsChanges(before, after);
  if (Object.keys(details).length > 0) {
    await recordAudit(ctx, { action: 'settings.update', actor: actor.audit, target: { type: 'settings', id: SETTINGS_ID, label: 'Platform settings' }, details, ip: actor.ip });
  }
  ctx.settings.invalidate();
  await publishInvalidation(ctx, { kind: 'settings', id: SETTINGS_ID });
  return after;
}
