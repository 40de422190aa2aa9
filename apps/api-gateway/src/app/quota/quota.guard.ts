import { Counter, register } from 'prom-client';
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { normalizeIp, ThrottlerException, ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { QUOTA_THROTTLER, RATE_LIMIT_HEADERS } from './quota.constants';
import { windowOf } from '@datalake/service-kit';
import { quotaStateOf, type QuotaState } from './quota-window';

declare module 'express-serve-static-core' {
  interface Request {
    /** The caller's quota after this request was counted (authenticated routes). */
    quota?: QuotaState;
  }
}

/** Quota per user: routes behind JwtAuthGuard only. */
export function quotaTracker(req: Record<string, unknown>): string {
  const request = req as unknown as Request;
  if (!request.user) throw new UnauthorizedException('missing bearer token');
  return `user:${request.user.id}`;
}

/** Brute-force limit per client address (`req.ip`, so TRUST_PROXY decides what that is). */
export function addressTracker(req: Record<string, unknown>): string {
  const request = req as unknown as Request;
  return `ip:${normalizeIp(request.ip ?? 'unknown')}`;
}

/** One counter per throttler and tracker, whatever the route: the quota spans the whole API. */
export function counterKey(_context: unknown, tracker: string, throttlerName: string): string {
  return `${throttlerName}:${tracker}`;
}

export function throttledMessage(throttlerName: string, limit: number, retryAfter: number): string {
  return throttlerName === QUOTA_THROTTLER
    ? `quota of ${limit} requests per hour exceeded; retry in ${retryAfter} s`
    : `too many /register and /token requests from this address; retry in ${retryAfter} s`;
}

export function setQuotaHeaders(response: Response, quota: QuotaState): void {
  response.setHeader(RATE_LIMIT_HEADERS.limit, quota.limit);
  response.setHeader(RATE_LIMIT_HEADERS.remaining, quota.remaining);
  response.setHeader(RATE_LIMIT_HEADERS.reset, quota.resetSeconds);
}

const quotaRejections =
  (register.getSingleMetric('datalake_quota_rejections_total') as Counter) ??
  new Counter({ name: 'datalake_quota_rejections_total', help: 'Requests refused with 429 by a rate limit', labelNames: ['limit'] });

/**
 * The throttler guard with DataLake's headers: the user quota publishes `X-RateLimit-*` on every
 * answer, the 429 included, and keeps the figures on `req.quota` for `GET /me`; the address
 * limit of the unauthenticated routes answers 429 with `Retry-After` only.
 */
@Injectable()
export class QuotaGuard extends ThrottlerGuard {
  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = request;
    const name = throttler.name ?? QUOTA_THROTTLER;
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const tracker = await getTracker(req, context);
    const record = await this.storageService.increment(generateKey(context, tracker, name), ttl, limit, blockDuration, name);
    if (name === QUOTA_THROTTLER) {
      req.quota = quotaStateOf(limit, record.totalHits, record.timeToExpire, windowOf(Date.now(), ttl));
      setQuotaHeaders(res, req.quota);
    }
    if (record.isBlocked) {
      quotaRejections.inc({ limit: name });
      res.setHeader(RATE_LIMIT_HEADERS.retryAfter, record.timeToBlockExpire);
      throw new ThrottlerException(throttledMessage(name, limit, record.timeToBlockExpire));
    }
    return true;
  }
}
