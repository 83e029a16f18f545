import { z } from 'zod';
import { hasMacroInOrigin, isValidUrlTemplate, MACROS_ONLY_IN_PATH, POSTBACK_MACROS } from '@offerly/contract';
import type { AppContext } from '../context';
import { newSecret } from '../db/ids';
import type { UserDoc } from '../db/models/user';
import { ApiError, notFound } from '../domain/errors';
import { hostOf, obviouslyPrivateHost } from './address-guard';
import { filledUrl, testMacros } from './deliver';

export const postbackSettingsSchema = z
  .object({
    url: z
      .string()
      .trim()
      .max(2048)
      .refine((s) => !hasMacroInOrigin(s), { message: MACROS_ONLY_IN_PATH, abort: true })
      .refine((s) => isValidUrlTemplate(s, POSTBACK_MACROS), {
        message: `must be an absolute http(s) URL; macros: ${POSTBACK_MACROS.map((m) => `{${m}}`).join(' ')}`,
      })
      .nullable(),
    enabled: z.boolean(),
  })
  .strict()
  .refine((v) => !v.enabled || v.url !== null, { message: 'set a URL to enable outbound postbacks', path: ['url'] });

export type PostbackSettingsInput = z.infer<typeof postbackSettingsSchema>;

type Settings = Pick<UserDoc, 'postbackUrl' | 'postbackEnabled' | 'postbackSecret'>;

export const settingsView = (u: Settings) => ({ url: u.postbackUrl, enabled: u.postbackEnabled, secret: u.postbackSecret });

export async function getPostbackSettings(ctx: AppContext, affiliateId: string): Promise<Settings> {
  const u = (await ctx.models.User.findById(affiliateId, { postbackUrl: 1, postbackEnabled: 1, postbackSecret: 1 }).lean()) as Settings | null;
  if (!u) throw notFound('Account');
  return u;
}

/**
 * Saves an affiliate's outbound postback. Addresses are checked for real when
 * the URL is called (DNS may change); here literal private addresses and
 * localhost are refused at once so the mistake shows where it is made. The
 * signing secret is created on the first save and kept afterwards.
 */
export async function putPostbackSettings(ctx: AppContext, affiliateId: string, input: PostbackSettingsInput): Promise<Settings> {
  if (input.url !== null && !ctx.config.OUTBOUND_ALLOW_PRIVATE) {
    const why = obviouslyPrivateHost(hostOf(new URL(filledUrl(input.url, testMacros(affiliateId)))));
    if (why) throw new ApiError('validation_failed', 'Postback URLs must point at a public address', [{ path: 'url', message: `the host is ${why}` }]);
  }
  await ctx.models.User.updateOne({ _id: affiliateId, postbackSecret: null }, { $set: { postbackSecret: newSecret() } });
  const u = (await ctx.models.User.findByIdAndUpdate(
    affiliateId,
    { $set: { postbackUrl: input.url, postbackEnabled: input.enabled } },
    { returnDocument: 'after' }, // no projection: FerretDB does not support it in findAndModify
  ).lean()) as Settings | null;
  if (!u) throw notFound('Account');
  return { postbackUrl: u.postbackUrl, postbackEnabled: u.postbackEnabled, postbackSecret: u.postbackSecret };
}
