import { BadRequestException, type CallHandler, type ExecutionContext, UnauthorizedException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { lastValueFrom, type Observable, of, throwError } from 'rxjs';
import { Authenticated } from '../http/authenticated.decorator';
import {
  addressTracker,
  afterQuotaClaim,
  counterKey,
  QuotaClaimSettler,
  quotaTracker,
  setQuotaHeaders,
  throttledMessage,
} from './quota.guard';

describe('quota guard helpers', () => {
  it('tracks the quota per user id and refuses a request without one', () => {
    expect(quotaTracker({ user: { id: 'u-1', username: 'a', role: 'user' } })).toBe('user:u-1');
    expect(() => quotaTracker({})).toThrow(UnauthorizedException);
  });

  it('tracks the brute-force limit per client address, IPv6 by /64', () => {
    expect(addressTracker({ ip: '203.0.113.7' })).toBe('ip:203.0.113.7');
    expect(addressTracker({ ip: '2001:db8:1:2:3:4:5:6' })).toBe(addressTracker({ ip: '2001:db8:1:2:ffff:4:5:6' }));
  });

  it('uses one counter per throttler and tracker, whatever the route', () => {
    expect(counterKey({}, 'user:u-1', 'quota')).toBe('quota:user:u-1');
  });

  it('explains a 429 with the time to wait', () => {
    expect(throttledMessage('quota', 100, 42)).toBe('quota of 100 requests per hour exceeded; retry in 42 s');
    expect(throttledMessage('address', 60, 5)).toContain('from this address');
  });

  it('sets the three X-RateLimit headers', () => {
    const headers: Record<string, unknown> = {};
    const response = { setHeader: (name: string, value: unknown) => (headers[name] = value) } as unknown as Response;
    setQuotaHeaders(response, { limit: 100, remaining: 7, resetSeconds: 120, resetAt: '2026-11-24T11:00:00.000Z' });
    expect(headers).toEqual({ 'X-RateLimit-Limit': 100, 'X-RateLimit-Remaining': 7, 'X-RateLimit-Reset': 120 });
  });
});

describe('a quota claim running beside the upstream read', () => {
  const refused = () => Promise.reject(new ThrottlerException('quota of 100 requests per hour exceeded; retry in 5 s'));
  const requestWith = (quotaClaim?: Promise<void>) => ({ quotaClaim }) as unknown as Request;

  it('gives the read once the claim passed', async () => {
    await expect(afterQuotaClaim(requestWith(Promise.resolve()), Promise.resolve('record'))).resolves.toBe('record');
    await expect(afterQuotaClaim(requestWith(), Promise.resolve('record'))).resolves.toBe('record');
  });

  it('answers the refusal, whatever the read gave', async () => {
    await expect(afterQuotaClaim(requestWith(refused()), Promise.resolve('record'))).rejects.toBeInstanceOf(
      ThrottlerException,
    );
    await expect(afterQuotaClaim(requestWith(refused()), Promise.reject(new Error('502')))).rejects.toBeInstanceOf(
      ThrottlerException,
    );
  });

  it('waits for the claim before answering a failed read', async () => {
    let passed = false;
    const claim = new Promise<void>((resolve) => setTimeout(() => ((passed = true), resolve()), 20));
    await expect(afterQuotaClaim(requestWith(claim), Promise.reject(new Error('upstream down')))).rejects.toThrow(
      'upstream down',
    );
    expect(passed).toBe(true);
  });

  describe(QuotaClaimSettler.name, () => {
    const sut = new QuotaClaimSettler();
    const contextFor = (request: Request) =>
      ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;
    const handled = (source: Observable<unknown>): CallHandler => ({ handle: () => source });

    it('holds the handler value until the claim passes, and answers a refusal instead', async () => {
      await expect(
        lastValueFrom(sut.intercept(contextFor(requestWith(Promise.resolve())), handled(of('body')))),
      ).resolves.toBe('body');
      await expect(
        lastValueFrom(sut.intercept(contextFor(requestWith(refused())), handled(of('body')))),
      ).rejects.toBeInstanceOf(ThrottlerException);
    });

    it('lets an error (a 400 of a pipe) through only after the claim passed; a refused claim wins', async () => {
      const invalid = new BadRequestException('limit must not be less than 1');
      await expect(
        lastValueFrom(sut.intercept(contextFor(requestWith(Promise.resolve())), handled(throwError(() => invalid)))),
      ).rejects.toBe(invalid);
      await expect(
        lastValueFrom(sut.intercept(contextFor(requestWith(refused())), handled(throwError(() => invalid)))),
      ).rejects.toBeInstanceOf(ThrottlerException);
    });

    it('passes routes without a claim beside them unchanged', async () => {
      await expect(lastValueFrom(sut.intercept(contextFor(requestWith()), handled(of('body'))))).resolves.toBe('body');
    });
  });

  it('is refused on admin routes, where a role check could answer before the claim', () => {
    expect(() => Authenticated({ admin: true, quotaAlongside: true })).toThrow('every role');
    expect(() => Authenticated({ quotaAlongside: true })).not.toThrow();
  });
});
