import { UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { addressTracker, counterKey, quotaTracker, setQuotaHeaders, throttledMessage } from './quota.guard';

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
