import type { ApiKeyScope } from '@offerly/contract';
import { ApiError } from '../domain/errors';
import type { Action } from '../domain/permissions';

/**
 * What each scope lets a key do, checked after the permission map allowed
 * the key's account the action: a scope only ever narrows.
 */

/** What an advertiser's server needs around postbacks (sending one needs no key: the campaign's token opens intake). */
export const POSTBACK_SCOPE_ACTIONS: ReadonlySet<Action> = new Set<Action>(['auth.me', 'postbacks.read', 'postbacks.list', 'postbacks.test']);

/**
 * Closed to every key, `full` included: a key is not a session to sign out
 * of (it is revoked instead), and a leaked key must not be able to mint keys
 * that would outlive its own revocation.
 */
export const SESSION_ONLY_ACTIONS: ReadonlySet<Action> = new Set<Action>(['auth.logout', 'apiKeys.create']);

const READ_METHODS = new Set(['GET', 'HEAD']);

export function scopeAllows(scope: ApiKeyScope, action: Action, method: string): boolean {
  if (SESSION_ONLY_ACTIONS.has(action)) return false;
  switch (scope) {
    case 'full':
      return true;
    case 'read':
      return READ_METHODS.has(method.toUpperCase());
    case 'postbacks':
      return POSTBACK_SCOPE_ACTIONS.has(action);
  }
}

/** The refusal of a request its key's scope does not cover, or undefined when it does. */
export function scopeRefusal(scope: ApiKeyScope, action: Action, method: string): ApiError | undefined {
  if (scopeAllows(scope, action, method)) return undefined;
  if (SESSION_ONLY_ACTIONS.has(action)) return new ApiError('forbidden', 'API keys cannot do this; sign in instead', { scope });
  return new ApiError('forbidden', `This API key's scope (${scope}) does not allow this`, { scope });
}
