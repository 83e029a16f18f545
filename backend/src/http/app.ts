import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppContext } from '../context';
import { redactUrl } from '../logger';
import { authenticate, authorize, csrfProtection, originCheck } from './middleware/auth';
import { DbProbe, dbDeadline } from './middleware/db-deadline';
import { errorHandler, notFoundHandler } from './middleware/errors';
import { checkResponses, validateRequest } from './middleware/route-io';
import { allRoutes } from './routes';
import type { RouteSpec } from './routes/types';

export interface ApiApp {
  app: Express;
  routes: RouteSpec[];
}

export function createApiApp(ctx: AppContext, opts: { extraRoutes?: RouteSpec[]; staticDir?: string | null } = {}): ApiApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', ctx.config.TRUST_PROXY);
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:'],
          'style-src': ["'self'", "'unsafe-inline'"],
          'script-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      strictTransportSecurity: ctx.config.PUBLIC_TRACKING_URL.startsWith('https:'),
      crossOriginEmbedderPolicy: false,
    }),
  );
  if (ctx.config.LOG_LEVEL !== 'silent') {
    app.use(
      '/api',
      pinoHttp({
        logger: ctx.log,
        autoLogging: { ignore: (req) => req.url === '/api/health' },
        serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }), res: (res: { statusCode: number }) => ({ status: res.statusCode }) },
      }),
    );
  }
  app.use('/api', (req, res, next) => {
    const done = ctx.metrics.http.startTimer({ method: req.method });
    // The route pattern, not the URL, so ids do not make a series each.
    res.once('finish', () => done({ route: req.route?.path ?? (res.statusCode === 404 ? 'unknown' : 'other'), status: `${Math.floor(res.statusCode / 100)}xx` }));
    next();
  });
  // Before authentication, which reads the user from the database too. /api/health has its own short timeouts;
  // postback intake has its own deadline and accepts once queued, so a 503 there would tell an advertiser to resend
  // a postback that was taken.
  const dbProbe = new DbProbe(ctx.db, ctx.config.DB_REQUEST_STALL_MS);
  app.use('/api', dbDeadline(dbProbe, ctx.config.DB_REQUEST_STALL_MS, ctx.log, ['/health', '/track/postback']));
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 100 }));
  app.use(cookieParser());
  app.use(originCheck([ctx.config.CLIENT_URL, ctx.config.PUBLIC_TRACKING_URL]));
  app.use('/api', authenticate(ctx), csrfProtection(ctx));

  const routes = allRoutes(ctx, opts.extraRoutes);
  for (const r of routes) {
    const guards = r.action === 'public' ? [] : [authorize(r.action)];
    // Tests check every answer against its declared schema; production does not pay for it.
    const checks = ctx.config.NODE_ENV === 'test' && !r.mount ? [checkResponses(r, ctx.log)] : [];
    const io = r.mount ? [] : [validateRequest(r)];
    const chain = r.use ? [...checks, ...guards, r.use] : [...checks, ...guards, ...io];
    if (r.mount && r.use) {
      app.use(r.path, ...chain);
      continue;
    }
    app[r.method](r.path, ...chain, async (req, res) => {
      await r.handler(req, res);
    });
  }
  app.use('/api', notFoundHandler);

  if (opts.staticDir) {
    const dir = opts.staticDir;
    app.use(express.static(dir, { index: false, maxAge: '1h' }));
    // Single-page app: every other GET serves index.html and the client router takes over.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile('index.html', { root: dir });
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return { app, routes };
}
