import type { z } from 'zod';
import type { PostbackSettings, PostbackSettingsBody } from '@offerly/contract';
import type { AppContext } from '../context';
import { newSecret } from '../db/ids';
import type { DeliveryDoc } from '../db/models/delivery';
import type { UserDoc } from '../db/models/user';
import { ApiError, conflict, notFound } from '../domain/errors';
import { hostOf, obviouslyPrivateHost } from './address-guard';
import { deliverTest, filledUrl, testMacros } from './deliver';

export type PostbackSettingsInput = z.output<typeof PostbackSettingsBody>;

type Settings = Pick<UserDoc, 'postbackUrl' | 'postbackEnabled' | 'postbackSecret'>;

// Accounts stored without the fields (older ones, raw inserts) read as never set.
export const settingsView = (u: Settings): PostbackSettings => ({ url: u.postbackUrl ?? null, enabled: u.postbackEnabled ?? false, secret: u.postbackSecret ?? null });

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

/** The "test call" button: calls the saved URL once now with sample values (409 until one is saved). */
export async function testPostbackSettings(ctx: AppContext, affiliateId: string): Promise<DeliveryDoc> {
  const s = await getPostbackSettings(ctx, affiliateId);
  if (!s.postbackUrl || !s.postbackSecret) throw conflict('Save a postback URL first');
  return deliverTest(ctx, affiliateId, s.postbackUrl, s.postbackSecret);
}
