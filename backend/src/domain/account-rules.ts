import { z } from 'zod';
import type { UserStatus } from './permissions';

/** The affiliate routes (`/api/admin/affiliates/:id/<action>`) predate `reinstate` and keep these three. */
export const REVIEW_ACTIONS = ['approve', 'reject', 'suspend'] as const;
export const ACCOUNT_REVIEW_ACTIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const;
export type ReviewAction = (typeof ACCOUNT_REVIEW_ACTIONS)[number];

/**
 * Account review (affiliates and advertisers alike): pending → approved | rejected;
 * approved ⇄ suspended; rejected can be reconsidered. `reinstate` is only the way
 * back from a suspension, so a click on a stale button cannot approve an applicant.
 */
export function reviewTransition(from: UserStatus, action: ReviewAction): UserStatus | null {
  switch (action) {
    case 'approve':
      return from === 'approved' ? null : 'approved';
    case 'reject':
      return from === 'pending' ? 'rejected' : null;
    case 'suspend':
      return from === 'approved' ? 'suspended' : null;
    case 'reinstate':
      return from === 'suspended' ? 'approved' : null;
  }
}

export const accountReviewSchema = z
  .object({
    action: z.enum(ACCOUNT_REVIEW_ACTIONS, { message: `must be one of ${ACCOUNT_REVIEW_ACTIONS.join(', ')}` }),
    note: z.string().trim().max(500).default(''),
  })
  .strict();

export const emailSchema = z.email().max(254).transform((e) => e.toLowerCase());
export const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(200);

export const registerSchema = z
  .object({
    email: emailSchema,
    password: passwordSchema,
    name: z.string().trim().min(1).max(100),
    company: z.string().trim().max(100).default(''),
    role: z.enum(['affiliate', 'advertiser'], { message: 'must be affiliate or advertiser' }),
  })
  .strict();

export const loginSchema = z.object({ email: emailSchema, password: z.string().min(1).max(200) }).strict();

/**
 * Affiliates always wait for an admin. Advertisers do too unless the platform
 * turns that off (ADVERTISER_APPROVAL=auto): an unreviewed advertiser could
 * otherwise buy traffic with terms nobody checked.
 */
export const initialStatus = (role: 'affiliate' | 'advertiser', advertiserApproval: 'required' | 'auto' = 'required'): UserStatus =>
  role === 'advertiser' && advertiserApproval === 'auto' ? 'approved' : 'pending';
