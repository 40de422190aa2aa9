import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import { REQUEST_ID_HEADER } from '@datalake/service-kit';
import { corsOrigins, type GatewayEnv, trustProxySetting } from '../gateway.env';
import { CONSOLE_CSP_DIRECTIVES, isConsolePath } from '../console/console-static';
import { INGEST_BODY_LIMIT, INGEST_PATH } from '../ingest/ingest-proxy.controller';
import { RATE_LIMIT_HEADERS } from '../quota/quota.constants';

export const BODY_LIMIT = INGEST_BODY_LIMIT;

export function isIngestRequest(request: IncomingMessage): boolean {
  return request.method === 'POST' && INGEST_PATH.test(request.url ?? '');
}

/** Security headers, CORS and proxy trust of the public entry point (bodies: see main.ts). */
export function configureHttp(app: NestExpressApplication, env: GatewayEnv): void {
  app.set('trust proxy', trustProxySetting(env.TRUST_PROXY));
  // No upgrade-insecure-requests: behind plain HTTP (a cluster address) Swagger UI could not load its assets.
  const apiHeaders = helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
  // The console (/console) gets a stricter policy of its own: 'self' scripts and styles only, nothing inline.
  const consoleHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES } });
  app.use((request: Request, response: Response, next: NextFunction) =>
    (isConsolePath(request.url) ? consoleHeaders : apiHeaders)(request, response, next),
  );
  const origins = corsOrigins(env.CORS_ORIGINS);
  if (origins.length > 0) {
    app.enableCors({
      origin: origins.includes('*') ? true : origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER],
      exposedHeaders: [
        RATE_LIMIT_HEADERS.limit,
        RATE_LIMIT_HEADERS.remaining,
        RATE_LIMIT_HEADERS.reset,
        RATE_LIMIT_HEADERS.retryAfter,
        REQUEST_ID_HEADER,
        'Link',
        'Content-Disposition',
      ],
      maxAge: 600,
    });
  }
}
