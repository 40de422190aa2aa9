import { ServiceUnavailableException } from '@nestjs/common';
import type { Request } from 'express';
import type { GatewayEnv } from '../gateway.env';
import type { UpstreamCall } from '../upstream/upstream.client';
import type { Upstreams } from '../upstream/upstreams';
import { accountOf, AuthServiceAccountLookup } from './account-lookup';

describe(accountOf.name, () => {
  it("reads the account's current role from GET /me", () => {
    expect(accountOf(200, { username: 'alice', role: 'user', createdAt: 'x' })).toEqual({
      username: 'alice',
      role: 'user',
    });
  });

  it('takes 401 as a deleted account', () => {
    expect(accountOf(401, { statusCode: 401, message: 'the user of this token no longer exists' })).toBeUndefined();
  });

  it.each([
    [200, { username: 'alice', role: 'root' }],
    [403, { statusCode: 403 }],
    [404, { statusCode: 404 }],
  ])('never lets an unusable answer (%s) through: 503', (status, body) => {
    expect(() => accountOf(status, body)).toThrow(ServiceUnavailableException);
  });
});

describe(AuthServiceAccountLookup.name, () => {
  const user = { id: 'u-1', username: 'alice', role: 'admin' as const };
  const request = { id: 'r-1', headers: { authorization: 'Bearer t' } } as unknown as Request;

  function lookupWith(answers: Array<{ status: number; body: unknown }>, cacheSeconds = 2) {
    const calls: UpstreamCall[] = [];
    const upstreams = {
      get: () => ({ call: async (call: UpstreamCall) => (calls.push(call), answers.shift()) }),
    } as unknown as Upstreams;
    const lookup = new AuthServiceAccountLookup(upstreams, { SESSION_CHECK_CACHE_SECONDS: cacheSeconds } as GatewayEnv);
    return { lookup, calls };
  }

  it("asks the auth-service with the caller's own token", async () => {
    const { lookup, calls } = lookupWith([{ status: 200, body: { username: 'alice', role: 'admin' } }]);
    await lookup.current(user, request, 0);
    expect(calls).toEqual([
      { method: 'GET', path: '/me', headers: { 'x-request-id': 'r-1', authorization: 'Bearer t' } },
    ]);
  });

  it('remembers an answer for SESSION_CHECK_CACHE_SECONDS, then asks again', async () => {
    const { lookup, calls } = lookupWith([
      { status: 200, body: { username: 'alice', role: 'admin' } },
      { status: 200, body: { username: 'alice', role: 'user' } },
    ]);
    expect(await lookup.current(user, request, 0)).toEqual({ username: 'alice', role: 'admin' });
    expect(await lookup.current(user, request, 1999)).toEqual({ username: 'alice', role: 'admin' });
    expect(calls).toHaveLength(1);
    expect(await lookup.current(user, request, 2000)).toEqual({ username: 'alice', role: 'user' });
    expect(calls).toHaveLength(2);
  });

  it('forgets a user whose role was changed through this replica', async () => {
    const { lookup, calls } = lookupWith([
      { status: 200, body: { username: 'Alice', role: 'admin' } },
      { status: 200, body: { username: 'Alice', role: 'user' } },
    ]);
    await lookup.current(user, request, 0);
    lookup.forget('alice');
    expect(await lookup.current(user, request, 1)).toEqual({ username: 'Alice', role: 'user' });
    expect(calls).toHaveLength(2);
  });

  it('makes one look-up for concurrent requests of one account', async () => {
    const { lookup, calls } = lookupWith([{ status: 200, body: { username: 'alice', role: 'admin' } }]);
    const accounts = await Promise.all(Array.from({ length: 50 }, () => lookup.current(user, request, 0)));
    expect(accounts.every((account) => account?.role === 'admin')).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('does not remember a failed look-up', async () => {
    const { lookup, calls } = lookupWith([
      { status: 500, body: {} },
      { status: 200, body: { username: 'alice', role: 'admin' } },
    ]);
    await expect(lookup.current(user, request, 0)).rejects.toBeInstanceOf(ServiceUnavailableException);
    expect(await lookup.current(user, request, 1)).toEqual({ username: 'alice', role: 'admin' });
    expect(calls).toHaveLength(2);
  });

  it('remembers nothing with SESSION_CHECK_CACHE_SECONDS=0', async () => {
    const { lookup, calls } = lookupWith(
      [
        { status: 200, body: { username: 'alice', role: 'admin' } },
        { status: 401, body: { statusCode: 401 } },
      ],
      0,
    );
    await lookup.current(user, request, 0);
    expect(await lookup.current(user, request, 0)).toBeUndefined();
    expect(calls).toHaveLength(2);
  });
});
