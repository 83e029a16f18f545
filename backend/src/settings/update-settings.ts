import cron from 'node-cron';
import { PLATFORM_SETTING_FIELDS, type PlatformSettingsPatch } from '@offerly/contract';
import { auditDocOf, type AuditActor } from '../audit/audit-log';
import { publishInvalidation } from '../cache-bus/invalidations';
import type { AppContext } from '../context';
import { isDuplicateKey } from '../db/duplicate-key';
import { applyPatch, settingsChanges } from '../domain/platform-settings';
import { ApiError } from '../domain/errors';
import { faultPoint } from '../fault-points';
import { flushSettingsAudit, SETTINGS_ID, settingsCollection, type SettingsDoc, type SettingsSnapshot } from './settings-store';

export interface SettingsActor {
  audit: AuditActor;
  ip: string | null;
}

/** Saves racing on the one document retry this often before answering 409 (each retry means another save won). */
const MAX_ATTEMPTS = 20;

/** The contract checks a cron expression's shape; whether each field's values exist is the scheduler library's to say. */
function checkSchedule(patch: PlatformSettingsPatch): void {
  const s = patch.payoutSchedule;
  if (s?.every !== 'cron' || cron.validate(s.expression)) return;
  throw new ApiError('validation_failed', 'Invalid request', [
    { path: 'payoutSchedule.expression', message: 'not a valid cron expression: a field is out of range (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7)' },
  ]);
}

/**
 * One attempt: reads the document, works out what the patch changes, and
 * writes the new values together with the audit entry of the change (into the
 * document's `auditOutbox`) in one update, conditional on the revision read —
 * so the entry's "before" is exact, and a change is never stored without its
 * entry. Null when another save came in between.
 */
async function writeChange(ctx: AppContext, actor: SettingsActor, patch: PlatformSettingsPatch): Promise<{ after: SettingsSnapshot; doc: SettingsDoc } | null> {
  const coll = settingsCollection(ctx.db);
  const previous = await coll.findOne({ _id: SETTINGS_ID });
  const at = new Date();
  const rev = (previous?.rev ?? 0) + 1;
  const after = ctx.settings.snapshotOf({ ...applyPatch(previous ?? {}, patch), _id: SETTINGS_ID, updatedAt: at, updatedBy: actor.audit.id });
  const details = settingsChanges(ctx.settings.snapshotOf(previous), after);
  const entry = Object.keys(details).length ? auditDocOf({ action: 'settings.update', actor: actor.audit, target: { type: 'settings', id: SETTINGS_ID, label: 'Platform settings' }, details, ip: actor.ip }, at) : null;
  const $set: Record<string, unknown> = { updatedAt: at, updatedBy: actor.audit.id, rev };
  const $unset: Record<string, ''> = {};
  for (const f of PLATFORM_SETTING_FIELDS) {
    if (!(f in patch)) continue;
    const v = patch[f];
    if (v === null || v === undefined) $unset[f] = '';
    else $set[f] = v;
  }
  const outbox = { ...previous?.auditOutbox, ...(entry ? { [entry._id]: entry } : {}) };
  if (!previous) {
    try {
      await coll.insertOne({ _id: SETTINGS_ID, ...($set as Omit<SettingsDoc, '_id'>), auditOutbox: outbox });
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  } else {
    if (entry) $set[`auditOutbox.${entry._id}`] = entry;
    const update = Object.keys($unset).length ? { $set, $unset } : { $set };
    const res = await coll.updateOne({ _id: SETTINGS_ID, rev: previous.rev === undefined ? { $exists: false } : previous.rev }, update);
    if (res.matchedCount !== 1) return null;
  }
  return { after, doc: { _id: SETTINGS_ID, auditOutbox: outbox } };
}

/**
 * Applies an admin's change and its audit entry in one atomic write (see
 * writeChange), copies the entry to the audit log (a crash before that leaves
 * it in the outbox, where the next read or save of the settings finds and
 * copies it, under the same `_id`), then drops the cached settings in every
 * process.
 */
export async function updatePlatformSettings(ctx: AppContext, actor: SettingsActor, patch: PlatformSettingsPatch): Promise<SettingsSnapshot> {
  checkSchedule(patch);
  for (let attempt = 1; ; attempt++) {
    const written = await writeChange(ctx, actor, patch);
    if (!written) {
      if (attempt >= MAX_ATTEMPTS) throw new ApiError('conflict', 'The settings kept changing while saving; try again');
      continue;
    }
    await faultPoint('settings:change-stored');
    await flushSettingsAudit(ctx.db, written.doc);
    ctx.settings.invalidate();
    await publishInvalidation(ctx, { kind: 'settings', id: SETTINGS_ID });
    return written.after;
  }
}
