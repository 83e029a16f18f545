import { pino, type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

const CENSOR = '[redacted]';

/**
 * Query parameters whose values open something: postback tokens, API keys,
 * signatures, passwords, reset codes. Advertisers and affiliates name them
 * freely in their own URLs, so the list is generous rather than exact.
 */
const SECRET_PARAMS = [
  'token', 'access_token', 'refresh_token', 'id_token', 'auth', 'auth_token', 'secret', 'client_secret', 'postback_secret',
  'signature', 'sig', 'key', 'api_key', 'apikey', 'api-key', 'password', 'passwd', 'pwd', 'code', 'reset_code', 'csrf', 'session',
];
const SECRET_PARAM_RE = new RegExp(`([?&;](?:${SECRET_PARAMS.map((p) => p.replace('-', '\\-')).join('|')})=)[^&#;\\s"\\\\]*`, 'gi');

/** Object keys whose values are secrets wherever they appear (headers are lower-cased by Node). */
const SECRET_KEYS = [
  'password', 'passwordHash', 'newPassword', 'currentPassword', 'token', 'accessToken', 'secret', 'postbackSecret', 'previousSecret',
  'signature', 'apiKey', 'api_key', 'authorization', 'cookie', 'set-cookie', 'x-csrf-token', 'x-api-key', 'x-offerly-signature',
  'resetCode',
];
const SECRET_KEY_RE = new RegExp(`("(?:${SECRET_KEYS.join('|')})":)(?:"(?:[^"\\\\]|\\\\.)*"|\\[[^\\]]*\\])`, 'gi');

/** `scheme://user:password@host` in any URL (e.g. a MONGO_URL inside an error message). */
const USERINFO_RE = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s"]+@/gi;
const BEARER_RE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g;
/** An API key wherever it is pasted (see api-keys/secrets.ts): its shape alone gives it away. */
const API_KEY_RE = /\bofl_[0-9A-Za-z]{40}\b/g;

/** Censors secret-looking query values and credentials in a URL (or any text holding URLs). */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAM_RE, `$1${CENSOR}`).replace(USERINFO_RE, `$1${CENSOR}@`).replace(BEARER_RE, `$1 ${CENSOR}`).replace(API_KEY_RE, `ofl_${CENSOR}`);
}

/**
 * The last pass over every serialized line. pino's `redact` can only blank
 * whole values at paths known in advance; a secret also travels inside
 * strings (a postback URL in `req.url`, a URL in an error message or stack)
 * and under keys nested deeper than the paths reach.
 */
export function redactLine(line: string): string {
  return redactUrl(line).replace(SECRET_KEY_RE, `$1"${CENSOR}"`);
}

const REDACT_PATHS = [
  ...['password', 'token', 'secret', 'postbackSecret', 'signature', 'apiKey', 'authorization', 'cookie'].flatMap((k) => [k, `*.${k}`]),
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'req.headers["x-api-key"]',
  'res.headers["set-cookie"]', 'params.token', '*.params.token', 'body.password', 'body.token',
];

export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    base: { svc: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { url: (u: unknown) => (typeof u === 'string' ? redactUrl(u) : u) },
    hooks: { streamWrite: redactLine },
  };
  return destination ? pino(options, destination) : pino(options);
}
