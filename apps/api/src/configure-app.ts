import { RequestMethod, VersioningType } from '@nestjs/common';
import { WEBHOOK_BODY_LIMIT } from '@zpanel/contracts';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '@zpanel/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { ProblemDetailsFilter, sendProblem, toProblem } from './http/problem-details.filter';
import { requestIdOf, requestLogging } from './http/request-context';
import { requestStore } from './http/request-store';
import { serveSpa } from './http/spa';
import { setUpSwagger } from './http/swagger';
import { NonNullableFieldsPipe, SafeTextPipe, assertUtf8Body, createValidationPipe, refuseUnsafeInput } from './http/validation';
import { WEBHOOK_PATH } from './webhooks/webhooks.controller';

/**
 * The HTTP pipeline, in order: request id + log, security headers, body parsing with a size
 * limit (its errors already problem+json), SPA assets, then Nest's routes under /api with URI
 * versioning. Used by main.ts and by tests, so what is tested is what runs.
 */
export function configureApp(app: NestExpressApplication, config: AppConfig, logger: Logger): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  http.disable('x-powered-by');
  // Express then takes req.ip (and protocol, host) from the hop the last trusted proxy saw.
  if (config.http.trustProxy !== false) app.set('trust proxy', config.http.trustProxy);

  app.use(requestLogging(logger));
  app.use(requestStore());
  const securityHeaders = (styleSrc: string[]) =>
    helmet({
      contentSecurityPolicy: {
        directives: {
          'style-src': styleSrc,
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      // Served over plain HTTP in development and behind the user's own TLS proxy in production.
      strictTransportSecurity: false,
    });
  const strict = securityHeaders(["'self'"]);
  // Only Swagger UI needs inline styles; the SPA and the API get the strict policy.
  const docs = securityHeaders(["'self'", "'unsafe-inline'"]);
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/api/docs') ? docs : strict)(req, res, next));
  if (config.http.corsOrigins.length > 0) app.enableCors({ origin: config.http.corsOrigins, credentials: true });

  app.use(cookieParser());
  // Webhook signatures are over the exact bytes sent: those paths keep the raw body (whatever the
  // content type) under their own cap, and the JSON parser never touches them.
  const webhookBody = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });
  const json = express.json({ limit: config.http.bodyLimit, verify: assertUtf8Body });
  app.use((req: Request, res: Response, next: NextFunction) => (WEBHOOK_PATH.test(req.path) ? webhookBody(req, res, next) : json(req, res, next)));
  app.use(express.urlencoded({ extended: false, limit: config.http.bodyLimit, verify: assertUtf8Body }));
  app.use(refuseUnsafeInput());
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(res, toProblem(error, requestIdOf(req), req.path));
  });

  const spa = serveSpa(http, config.web.distDir);
  if (!spa) logger.warn({ distDir: config.web.distDir }, 'no SPA build found; serving the API only');

  // Providers are configured once with /webhooks/<provider>: outside /api and its versions.
  app.setGlobalPrefix('api', { exclude: [{ path: 'webhooks/:provider', method: RequestMethod.POST }] });
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalPipes(new SafeTextPipe(), new NonNullableFieldsPipe(), createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(logger.child({ component: 'http' })));
  setUpSwagger(app);
}
