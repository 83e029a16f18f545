import { ApiKeyCreateBody, ApiKeyCreated, ApiKeyList, ApiKeyListQuery, ApiKeyRevoked, IdParams, MAX_ACTIVE_API_KEYS } from '@offerly/contract';
import { keyActorOf } from '../../api-keys/actor';
import { createApiKey } from '../../api-keys/create-key';
import { apiKeyView } from '../../api-keys/key-view';
import { listApiKeys } from '../../api-keys/list-keys';
import { revokeApiKey } from '../../api-keys/revoke-key';
import type { AppContext } from '../../context';
import { forbidden } from '../../domain/errors';
import { defineRoute, type RouteSpec } from './types';

const SCOPES_TEXT =
  'Scopes: `read` (GET requests only), `postbacks` (look up and list inbound postbacks, send test postbacks, `GET /api/auth/me`), `full` (everything the account may do). A key never does more than its account may; creating keys and signing out need a signed-in session.';

export function apiKeyRoutes(ctx: AppContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/api-keys',
      action: 'apiKeys.list',
      tag: 'API keys',
      summary: 'The caller’s active API keys (never their secrets)',
      description: 'Admins may pass `userId` to see another account’s keys.',
      request: { query: ApiKeyListQuery },
      responses: { 200: ApiKeyList },
    }).handle(async ({ query, principal }) => {
      const userId = query.userId ?? principal.id;
      if (userId !== principal.id && principal.role !== 'admin') throw forbidden('Only admins may see another account’s API keys');
      const keys = await listApiKeys(ctx, userId);
      return { items: keys.map(apiKeyView), max: MAX_ACTIVE_API_KEYS };
    }),

    defineRoute({
      method: 'post',
      path: '/api/api-keys',
      action: 'apiKeys.create',
      tag: 'API keys',
      summary: 'Create an API key; its secret is in this answer only',
      description: `Send the secret as \`Authorization: Bearer <secret>\`. ${SCOPES_TEXT} At most ${MAX_ACTIVE_API_KEYS} active keys per account (\`409\` past that).`,
      request: { body: ApiKeyCreateBody },
      responses: { 201: ApiKeyCreated },
      errors: [409],
    }).handle(async ({ body, req }) => {
      const { key, secret } = await createApiKey(ctx, keyActorOf(req), body);
      return { apiKey: apiKeyView(key), secret };
    }),

    defineRoute({
      method: 'delete',
      path: '/api/api-keys/:id',
      action: 'apiKeys.revoke',
      tag: 'API keys',
      summary: 'Revoke an API key (own; admins: any account’s)',
      description: 'Refused from the next request on, on every instance.',
      request: { params: IdParams },
      responses: { 200: ApiKeyRevoked },
    }).handle(async ({ params, req }) => {
      return { apiKey: apiKeyView(await revokeApiKey(ctx, keyActorOf(req), params.id)) };
    }),
  ];
}
