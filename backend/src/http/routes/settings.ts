import { PlatformSettings, PlatformSettingsPatch } from '@offerly/contract';
import type { AppContext } from '../../context';
import type { SettingsSnapshot } from '../../settings/settings-store';
import { auditActorOf } from '../../audit/audit-log';
import { updatePlatformSettings } from '../../settings/update-settings';
import { sessionOf } from '../request-context';
import { defineRoute, type RouteSpec } from './types';

function settingsView(s: SettingsSnapshot): PlatformSettings {
  return { values: s.values, defaults: s.defaults, sources: s.sources, updatedAt: s.updatedAt?.toISOString() ?? null, updatedBy: s.updatedBy };
}

export function settingsRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/admin/settings',
      action: 'settings.read',
      tag: 'Settings',
      summary: 'Platform settings: payout hold, minimum payout, payout schedule, advertiser approval',
      description: 'Each value is the one an admin stored, or else the environment’s (`sources` says which; `defaults` holds the environment’s values).',
      responses: { 200: PlatformSettings },
    }).handle(async () => settingsView(await ctx.settings.read())),

    defineRoute({
      method: 'patch',
      path: '/api/admin/settings',
      action: 'settings.update',
      tag: 'Settings',
      summary: 'Change platform settings; `null` resets a setting to its environment default',
      description:
        'Only the settings named change. Every change is recorded in the audit log (`settings.update`, each field’s value before and after) in the same write as the change itself, and reaches every process at once: the next payout run uses the new hold and minimum, the scheduler reschedules the payout run, registration follows the advertiser approval setting. 409 only if other saves kept coming in while this one retried.',
      request: { body: PlatformSettingsPatch },
      responses: { 200: PlatformSettings },
      errors: [409],
    }).handle(async ({ body, req }) => {
      const s = sessionOf(req);
      return settingsView(await updatePlatformSettings(ctx, { audit: auditActorOf(s), ip: req.ip ?? null }, body));
    }),
  ];
}
