import type { z } from 'zod';
import { CampaignCreateBody, CampaignUpdateBody, type CampaignCaps, type CampaignStatus } from '@offerly/contract';
import { ipAllowListSchema } from './ip-allow-list';

export { APPROVAL_MODES, CAMPAIGN_STATUSES, type CampaignStatus } from '@offerly/contract';
export type Caps = CampaignCaps;

/**
 * The campaign bodies the API applies: the contract's, with the postback
 * allow-list checked and normalised by the server (one spelling per range).
 */
export const campaignCreateSchema = CampaignCreateBody.safeExtend({ postbackAllowedIps: ipAllowListSchema.optional() });
export type CampaignCreateInput = z.infer<typeof campaignCreateSchema>;

/** Edits: every field optional, currency fixed once events exist (campaigns/campaigns.ts). */
export const campaignUpdateSchema = CampaignUpdateBody.safeExtend({ postbackAllowedIps: ipAllowListSchema.optional() });
export type CampaignUpdateInput = z.infer<typeof campaignUpdateSchema>;

/** Status transitions a campaign allows; archived is final. */
export function canTransition(from: CampaignStatus, to: CampaignStatus): boolean {
  if (from === to) return false;
  if (from === 'archived') return false;
  return true;
}
