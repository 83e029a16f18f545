import { z } from 'zod';
import type { UserStatus } from './permissions';

export const REVIEW_ACTIONS = ['approve', 'reject', 'suspend'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

/** Affiliate review: pending → approved | rejected; approved ⇄ suspended; rejected can be reconsidered. */
export function reviewTransition(from: UserStatus, action: ReviewAction): UserStatus | null {
  switch (action) {
    case 'approve':
      return from === 'approved' ? null : 'approved';
    case 'reject':
      return from === 'pending' ? 'rejected' : null;
    case 'suspend':
      return from === 'approved' ? 'suspended' : null;
  }
}

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

/** Advertisers can work at once; affiliates wait for an admin. */
export const initialStatus = (role: 'affiliate' | 'advertiser'): UserStatus => (role === 'affiliate' ? 'pending' : 'approved');
