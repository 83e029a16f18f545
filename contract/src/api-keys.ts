import { z } from 'zod';
import { Instant, ObjectId } from './common';

/** The most active keys one account may hold at once. */
export const MAX_ACTIVE_API_KEYS = 25;

/** What a key may do, within what its account may do: it only ever narrows the account's permissions. */
export const API_KEY_SCOPES = ['read', 'postbacks', 'full'] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES).meta({
  id: 'ApiKeyScope',
  description:
    '`read`: GET requests only. `postbacks`: what an advertiser’s server needs — looking up and listing inbound postbacks, sending test postbacks, and `GET /api/auth/me`. `full`: everything the account may do, except creating API keys and signing out (which need a signed-in session).',
});
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ApiKey = z
  .strictObject({
    id: ObjectId,
    name: z.string(),
    prefix: z.string().meta({ description: 'The first characters of the secret, to recognise the key; never enough to use it' }),
    scope: ApiKeyScope,
    userId: ObjectId.meta({ description: 'The account the key acts as' }),
    createdAt: Instant,
    lastUsedAt: Instant.nullable().meta({ description: 'Last request made with the key (updated at most once a minute)' }),
    revokedAt: Instant.nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKey>;

export const ApiKeyList = z
  .strictObject({
    items: z.array(ApiKey).meta({ description: 'Active keys, newest first' }),
    max: z.number().int().meta({ description: 'How many active keys an account may hold' }),
  })
  .meta({ id: 'ApiKeyList' });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const ApiKeyListQuery = z.strictObject({
  userId: ObjectId.optional().meta({ description: 'Admins only: the keys of this account instead of their own' }),
});
export type ApiKeyListQuery = z.infer<typeof ApiKeyListQuery>;

export const ApiKeyCreateBody = z.strictObject({
  name: z.string().trim().min(1).max(60).meta({ description: 'What the key is for (shown in the list)', example: 'Checkout server' }),
  scope: ApiKeyScope,
});
export type ApiKeyCreateBody = z.infer<typeof ApiKeyCreateBody>;

export const ApiKeyCreated = z
  .strictObject({
    apiKey: ApiKey,
    secret: z.string().meta({ description: 'The key itself, shown this once: only its SHA-256 hash is stored', example: 'ofl_4Zq8…' }),
  })
  .meta({ id: 'ApiKeyCreated' });
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;

export const ApiKeyRevoked = z.strictObject({ apiKey: ApiKey }).meta({ id: 'ApiKeyRevoked' });
export type ApiKeyRevoked = z.infer<typeof ApiKeyRevoked>;
