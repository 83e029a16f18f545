import type { AppContext } from '../context';

/**
 * The Redis key that marks a signed-out session (by its token's jti). The
 * HTTP middleware and the socket server both refuse a session marked here,
 * so sign-out holds on every instance until the token would have expired.
 */
export const revokedKey = (ctx: Pick<AppContext, 'keys'>, jti: string) => `${ctx.keys.prefix}:revoked:${jti}`;
