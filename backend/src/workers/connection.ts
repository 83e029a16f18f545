import type { Redis } from 'ioredis';
import type { AppContext } from '../context';

/**
 * A connection for a BullMQ worker, on the same server as the context's:
 * workers block on Redis and must retry forever (the `blocking` flavour).
 */
export function blockingConnection(ctx: AppContext, name: string): Redis {
  const client = ctx.redis.duplicate({ connectionName: name, maxRetriesPerRequest: null, enableReadyCheck: true });
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => {});
  return client;
}
