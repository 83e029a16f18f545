import { z } from 'zod';
import { cursorPagedOf, Instant, ObjectId, Role, UserStatus } from './common';

/* ---------- accounts ---------- */

export const User = z
  .strictObject({
    id: ObjectId,
    email: z.string(),
    role: Role,
    status: UserStatus.meta({ description: '`pending` until an admin approves the account; `suspended` and `rejected` accounts cannot sign in to work' }),
    name: z.string(),
    company: z.string(),
    createdAt: Instant,
  })
  .meta({ id: 'User', description: 'An account as the API shows it: never its password hash or secrets' });
export type User = z.infer<typeof User>;

export const StatusChange = z
  .strictObject({
    at: Instant,
    by: ObjectId.nullable().meta({ description: 'The admin who made the change; null for the platform (registration, bootstrap)' }),
    from: UserStatus.nullable().meta({ description: 'null for the first entry' }),
    to: UserStatus,
    note: z.string(),
  })
  .meta({ id: 'StatusChange' });
export type StatusChange = z.infer<typeof StatusChange>;

export const UserWithHistory = z
  .strictObject({ ...User.shape, statusHistory: z.array(StatusChange).meta({ description: 'Every status the account had, oldest first' }) })
  .meta({ id: 'UserWithHistory' });
export type UserWithHistory = z.infer<typeof UserWithHistory>;

/* ---------- sign-up, sign-in, session ---------- */

export const EmailAddress = z.email().max(254).transform((e) => e.toLowerCase());
export const NewPassword = z.string().min(8, 'must be at least 8 characters').max(200);

export const RegisterBody = z
  .object({
    email: EmailAddress.meta({ description: 'Compared without case: one account per address' }),
    password: NewPassword.meta({ description: 'At least 8 characters, and not easy to guess (the API judges its strength)' }),
    name: z.string().trim().min(1).max(100),
    company: z.string().trim().max(100).default(''),
    role: z.enum(['affiliate', 'advertiser'], { message: 'must be affiliate or advertiser' }).meta({ description: 'Admins are not registered, they are created by the platform' }),
  })
  .strict();
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.object({ email: EmailAddress, password: z.string().min(1).max(200) }).strict();
export type LoginBody = z.infer<typeof LoginBody>;

export const SignedIn = z
  .strictObject({
    user: User,
    token: z.string().meta({ description: 'The session as a bearer token, for API clients (browsers use the cookie)' }),
    csrfToken: z.string().meta({ description: 'Send as `X-CSRF-Token` on writes made with the session cookie' }),
    expiresAt: Instant.meta({ description: 'When the session ends' }),
  })
  .meta({ id: 'SignedIn' });
export type SignedIn = z.infer<typeof SignedIn>;

export const CurrentUser = z
  .strictObject({ user: User, csrfToken: z.string().meta({ description: 'Send as `X-CSRF-Token` on writes made with the session cookie' }) })
  .meta({ id: 'CurrentUser' });
export type CurrentUser = z.infer<typeof CurrentUser>;

export const SignedOut = z.strictObject({ ok: z.literal(true) }).meta({ id: 'SignedOut' });
export type SignedOut = z.infer<typeof SignedOut>;

/* ---------- reviews by admins ---------- */

/** The affiliate routes (`/api/admin/affiliates/:id/<action>`) predate `reinstate` and keep these three. */
export const REVIEW_ACTIONS = ['approve', 'reject', 'suspend'] as const;
export const ACCOUNT_REVIEW_ACTIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const;
export type ReviewAction = (typeof ACCOUNT_REVIEW_ACTIONS)[number];

const reviewNote = z.string().trim().max(500).default('').meta({ description: 'Kept in the account’s status history' });

export const ReviewNoteBody = z.object({ note: reviewNote }).strict();
export type ReviewNoteBody = z.infer<typeof ReviewNoteBody>;

export const AccountReviewBody = z
  .object({
    action: z.enum(ACCOUNT_REVIEW_ACTIONS, { message: `must be one of ${ACCOUNT_REVIEW_ACTIONS.join(', ')}` }).meta({
      description: '`approve` any account not approved yet (or suspended), `reject` a pending one, `suspend` an approved one, `reinstate` a suspended one',
    }),
    note: reviewNote,
  })
  .strict();
export type AccountReviewBody = z.infer<typeof AccountReviewBody>;

export const ReviewedAffiliate = z.strictObject({ affiliate: UserWithHistory }).meta({ id: 'ReviewedAffiliate' });
export type ReviewedAffiliate = z.infer<typeof ReviewedAffiliate>;

export const ReviewedUser = z.strictObject({ user: UserWithHistory }).meta({ id: 'ReviewedUser' });
export type ReviewedUser = z.infer<typeof ReviewedUser>;

export const UserPage = cursorPagedOf(UserWithHistory).meta({ id: 'UserPage' });
export type UserPage = z.infer<typeof UserPage>;

/** Filters of the accounts lists (paging and sort parameters are added by the server, which decodes cursors). */
export const affiliateListFilters = {
  status: UserStatus.optional().meta({ description: 'The approval queue is `status=pending`' }),
};
export const userListFilters = {
  role: Role.optional(),
  status: UserStatus.optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .meta({
      description:
        'Search. With an `@`: one account by its exact email (case-insensitive; role and status filters still apply). Otherwise: accounts whose name, company or email starts with it (case-insensitive), looked for among the listed accounts a page at a time — a page may come back short with a `nextCursor` to look further, and `total` is null',
    }),
};

/* ---------- passwords and sessions ---------- */

export const PasswordResetIssued = z
  .strictObject({
    code: z.string().meta({ description: 'The one-time code, shown once: give it to the account’s owner. Only its hash is kept' }),
    expiresAt: Instant.meta({ description: 'The code works once, until then' }),
    user: UserWithHistory,
  })
  .meta({ id: 'PasswordResetIssued' });
export type PasswordResetIssued = z.infer<typeof PasswordResetIssued>;

export const PasswordResetBody = z
  .object({
    email: EmailAddress,
    code: z.string().trim().min(1).max(200).meta({ description: 'The one-time code an admin issued' }),
    password: NewPassword.meta({ description: 'The new password: at least 8 characters and not easy to guess' }),
  })
  .strict();
export type PasswordResetBody = z.infer<typeof PasswordResetBody>;

export const PasswordChangeBody = z
  .object({
    currentPassword: z.string().min(1).max(200),
    newPassword: NewPassword.meta({ description: 'At least 8 characters and not easy to guess' }),
  })
  .strict();
export type PasswordChangeBody = z.infer<typeof PasswordChangeBody>;

export const PasswordResetDone = z.strictObject({ ok: z.literal(true) }).meta({ id: 'PasswordResetDone', description: 'The password is set and every session of the account ended; sign in with it' });
export type PasswordResetDone = z.infer<typeof PasswordResetDone>;
