import type http from 'node:http';

/**
 * A request handler that answers some URLs before Express sees them. The
 * click redirect is one: it is the hot path and skips the framework entirely.
 */
export interface FastPath {
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  close?(): Promise<void>;
}
