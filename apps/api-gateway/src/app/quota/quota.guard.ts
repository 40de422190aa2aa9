import { Counter, register } from 'prom-client';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UnauthorizedException,
} from '@nestjs/common';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { normalizeIp, ThrottlerException, ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { QUOTA_ALONGSIDE, QUOTA_THROTTLER, RATE_LIMIT_HEADERS } from './quota.constants';
import { windowOf } from '@datalake/service-kit';
import { quotaStateOf, type QuotaState } from './quota-window';

declare module 'express-serve-static-core' {
  interface Request {
    /** The caller's quota after this request was counted (authenticated routes). */
    quota?: QuotaState;
    /** A quota claim still running beside the handler (QUOTA_ALONGSIDE routes); rejects with the 429. */
    quotaClaim?: Promise<void>;
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
  new Counter({
    name: 'datalake_quota_rejections_total',
    help: 'Requests refused with 429 by a rate limit',
    labelNames: ['limit'],
  });

/** Keys refused in a window, remembered until it ends; pruned past this many. */
const MAX_EXHAUSTED = 10_000;

/**
 * The throttler guard with DataLake's headers: the user quota publishes `X-RateLimit-*` on every
 * answer, the 429 included, and keeps the figures on `req.quota` for `GET /me`; the address
 * limit of the unauthenticated routes answers 429 with `Retry-After` only. On a GET marked
 * QUOTA_ALONGSIDE the claim runs beside the handler's upstream read (no side effects to undo) and
 * is awaited before anything is answered (`afterQuotaClaim`, QuotaClaimSettler); a caller already
 * refused in this window waits for the claim first, so an exhausted quota costs no upstream read.
 */
@Injectable()
export class QuotaGuard extends ThrottlerGuard {
  private readonly exhausted = new Map<string, number>();

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const { context, throttler, getTracker, generateKey } = request;
    const name = throttler.name ?? QUOTA_THROTTLER;
    const req = context.switchToHttp().getRequest<Request>();
    const key = generateKey(context, await getTracker(req, context), name);
    const claim = this.claim(request, key, name);
    if (name === QUOTA_THROTTLER && req.method === 'GET' && this.alongside(context) && !this.isExhausted(key)) {
      claim.catch(() => undefined);
      req.quotaClaim = claim;
      return true;
    }
    await claim;
    return true;
  }

  private async claim(
    { context, limit, ttl, blockDuration }: ThrottlerRequest,
    key: string,
    name: string,
  ): Promise<void> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    if (name === QUOTA_THROTTLER) {
      req.quota = quotaStateOf(limit, record.totalHits, record.timeToExpire, windowOf(Date.now(), ttl));
      setQuotaHeaders(res, req.quota);
    }
    if (record.isBlocked) {
      if (name === QUOTA_THROTTLER) this.rememberExhausted(key, Date.now() + record.timeToBlockExpire * 1000);
      quotaRejections.inc({ limit: name });
      res.setHeader(RATE_LIMIT_HEADERS.retryAfter, record.timeToBlockExpire);
      throw new ThrottlerException(throttledMessage(name, limit, record.timeToBlockExpire));
    }
  }

  private alongside(context: ExecutionContext): boolean {
    return this.reflector.get<boolean | undefined>(QUOTA_ALONGSIDE, context.getHandler()) === true;
  }

  private isExhausted(key: string, now = Date.now()): boolean {
    return (this.exhausted.get(key) ?? 0) > now;
  }

  private rememberExhausted(key: string, until: number): void {
    this.exhausted.set(key, until);
    if (this.exhausted.size <= MAX_EXHAUSTED) return;
    const now = Date.now();
    for (const [known, end] of this.exhausted) if (end <= now) this.exhausted.delete(known);
    if (this.exhausted.size > MAX_EXHAUSTED) this.exhausted.delete(this.exhausted.keys().next().value as string);
  }
}

/** `work` (an upstream read) once the request's quota claim, if one runs beside it, has passed; its 429 wins. */
export async function afterQuotaClaim<T>(request: Request, work: Promise<T>): Promise<T> {
  if (!request.quotaClaim) return work;
  work.catch(() => undefined);
  await request.quotaClaim;
  return work;
}

/**
 * On QUOTA_ALONGSIDE routes: nothing is answered before the claim settles, an error (a 400 of a
 * pipe, a 502 of the upstream) included, so every answer carries X-RateLimit-* and a refused claim
 * answers 429.
 */
@Injectable()
export class QuotaClaimSettler implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const claim = context.switchToHttp().getRequest<Request>().quotaClaim;
    if (!claim) return next.handle();
    return next.handle().pipe(
      mergeMap(async (value: unknown) => {
        await claim;
        return value;
      }),
      catchError((error: unknown) =>
        from(
          claim.then(() => {
            throw error;
          }),
        ),
      ),
    );
  }
}
