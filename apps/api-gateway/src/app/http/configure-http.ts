import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import { REQUEST_ID_HEADER } from '@datalake/service-kit';
import { corsOrigins, type GatewayEnv, trustProxySetting } from '../gateway.env';
import { INGEST_BODY_LIMIT, INGEST_PATH } from '../ingest/ingest-proxy.controller';
import { RATE_LIMIT_HEADERS } from '../quota/quota.constants';

export const BODY_LIMIT = INGEST_BODY_LIMIT;

function isIngestRequest(request: IncomingMessage): boolean {
  return request.method === 'POST' && INGEST_PATH.test(request.url ?? '');
}

/**
 * Body parser failures (413 too large, 400 malformed, 415 charset) answered as JSON
 * `{statusCode, message}`: Express would otherwise render an HTML page.
 */
export function bodyErrorHandler(error: Error & { status?: number; type?: string }, _request: Request, response: Response, next: NextFunction): void {
  const statusCode = error.status ?? 0;
  if (statusCode < 400 || statusCode >= 500 || response.headersSent) return next(error);
  const message =
    statusCode === 413 ? `request body is larger than ${BODY_LIMIT.toUpperCase()}` : error.type === 'entity.parse.failed' ? 'request body is not valid JSON' : error.message;
  response.status(statusCode).json({ statusCode, message });
}

/** Security headers, CORS, proxy trust and body parsing of the public entry point. */
export function configureHttp(app: NestExpressApplication, env: GatewayEnv): void {
  app.set('trust proxy', trustProxySetting(env.TRUST_PROXY));
  // No upgrade-insecure-requests: behind plain HTTP (a cluster address) Swagger UI could not load its assets.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  const origins = corsOrigins(env.CORS_ORIGINS);
  if (origins.length > 0) {
    app.enableCors({
      origin: origins.includes('*') ? true : origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', REQUEST_ID_HEADER],
      exposedHeaders: [RATE_LIMIT_HEADERS.limit, RATE_LIMIT_HEADERS.remaining, RATE_LIMIT_HEADERS.reset, RATE_LIMIT_HEADERS.retryAfter, REQUEST_ID_HEADER],
      maxAge: 600,
    });
  }
  // Ingestion bodies stay bytes (JSON or NDJSON), forwarded as they came; registered first so the
  // JSON parser leaves them alone. These parsers replace Nest's defaults.
  app.useBodyParser('raw', { type: isIngestRequest, limit: BODY_LIMIT });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use(bodyErrorHandler);
}
