import { MongoClient } from 'mongodb';
import { call, claimsOf, newUser, sleep, token, type TestUser, problemBody } from './support/api';
import { startStack, type Stack } from './support/stack';

/** SESSION_CHECK_CACHE_SECONDS's default: the longest another gateway replica may lag behind. */
const CACHE_MS = 2000;

/** Calls until `done` holds; returns the answer and how long it took. */
async function until(attempt: () => ReturnType<typeof call>, done: (status: number) => boolean, timeoutMs = 10_000) {
  const started = Date.now();
  for (;;) {
    const answer = await attempt();
    if (done(answer.status) || Date.now() - started > timeoutMs) return { answer, elapsedMs: Date.now() - started };
    await sleep(100);
  }
}

describe('sessions follow the account (issue 9: finding 9) and the auth-service limits its own /token', () => {
  let stack: Stack;
  let gateway: string;
  let admin: string;
  let mongo: MongoClient;

  beforeAll(async () => {
    stack = await startStack(['auth-service', 'transactions-consumer', 'api-gateway']);
    gateway = stack.url('api-gateway');
    admin = await token(gateway, stack.admin.username, stack.admin.password);
    mongo = await MongoClient.connect(stack.env['MONGO_URI']);
  }, 180_000);

  afterAll(async () => {
    await mongo?.close();
    await stack?.stop();
  });

  /**
   * An internal token that still says admin (a gateway that has not seen the demotion yet): the
   * auth-service must decide on the account's current role all the same.
   */
  function staleAdmin(user: TestUser): Record<string, string> {
    const { sub } = claimsOf(user.token) as { sub: string };
    return stack.internalHeaders('auth-service', { id: sub, username: user.username, role: 'admin' });
  }

  async function promoted(prefix: string): Promise<TestUser> {
    const user = await newUser(gateway, prefix);
    expect(
      (await call(gateway, `/users/${user.username}`, { method: 'PATCH', token: admin, json: { role: 'admin' } }))
        .status,
    ).toBe(200);
    return { ...user, token: await token(gateway, user.username, user.password) };
  }

  it("a demoted admin's old token loses admin rights on the next request (403), here and at the auth-service", async () => {
    const demoted = await promoted('demoted');
    expect((await call(gateway, '/users?limit=1', { token: demoted.token })).status).toBe(200);
    expect(
      (await call(stack.url('auth-service'), '/users?limit=1', { token: demoted.token, headers: staleAdmin(demoted) }))
        .status,
    ).toBe(200);

    expect(
      (await call(gateway, `/users/${demoted.username}`, { method: 'PATCH', token: admin, json: { role: 'user' } }))
        .status,
    ).toBe(200);

    const refused = await call(gateway, '/users?limit=1', { token: demoted.token });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/admin/);
    expect(
      (await call(stack.url('auth-service'), '/users?limit=1', { token: demoted.token, headers: staleAdmin(demoted) }))
        .status,
    ).toBe(403);
    // Reading stays allowed: the token is still a user's.
    expect((await call(gateway, '/transactions?limit=1', { token: demoted.token })).status).toBe(200);
  });

  it(`another gateway replica follows within SESSION_CHECK_CACHE_SECONDS (${CACHE_MS / 1000} s)`, async () => {
    const second = await stack.startExtra('api-gateway');
    const demoted = await promoted('replica');
    expect((await call(second.url, '/users?limit=1', { token: demoted.token })).status).toBe(200);
    const changedAt = Date.now();
    expect(
      (await call(gateway, `/users/${demoted.username}`, { method: 'PATCH', token: admin, json: { role: 'user' } }))
        .status,
    ).toBe(200);
    const { answer } = await until(
      () => call(second.url, '/users?limit=1', { token: demoted.token }),
      (status) => status === 403,
    );
    expect(answer.status).toBe(403);
    expect(Date.now() - changedAt).toBeLessThan(CACHE_MS + 1500);
  });

  it("a promoted user's old token gains the role as soon (the current role counts, both ways)", async () => {
    const user = await newUser(gateway, 'promoted');
    expect((await call(gateway, '/users?limit=1', { token: user.token })).status).toBe(403);
    expect(
      (await call(gateway, `/users/${user.username}`, { method: 'PATCH', token: admin, json: { role: 'admin' } }))
        .status,
    ).toBe(200);
    expect((await call(gateway, '/users?limit=1', { token: user.token })).status).toBe(200);
  });

  it("a deleted user's token is refused with 401 within SESSION_CHECK_CACHE_SECONDS", async () => {
    const user = await newUser(gateway, 'deleted');
    expect((await call(gateway, '/me', { token: user.token })).status).toBe(200);
    await mongo.db('auth').collection('users').deleteOne({ usernameKey: user.username.toLowerCase() });
    const deletedAt = Date.now();
    const { answer } = await until(
      () => call(gateway, '/transactions?limit=1', { token: user.token }),
      (status) => status === 401,
    );
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(problemBody(401, 'the user of this token no longer exists', { error: 'Unauthorized' }));
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(Date.now() - deletedAt).toBeLessThan(CACHE_MS + 1500);
    expect(
      (
        await call(stack.url('auth-service'), '/me', {
          token: user.token,
          headers: stack.internalHeaders('auth-service', null),
        })
      ).status,
    ).toBe(401);
  });

  it('keeps the /token answer of RFC 6749 and the claims the gateway forwards', async () => {
    const answer = await call(gateway, '/token', {
      form: { grant_type: 'password', username: stack.admin.username, password: stack.admin.password },
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    const claims = JSON.parse(
      Buffer.from(String(answer.body.access_token).split('.')[1], 'base64url').toString('utf8'),
    );
    expect(claims).toMatchObject({
      sub: expect.any(String),
      username: stack.admin.username,
      role: 'admin',
      exp: expect.any(Number),
    });
  });

  it("the auth-service's own /token allows 10 failed attempts per username, then 429 — also for the gateway, right password included", async () => {
    const user = await newUser(gateway, 'direct');
    const auth = stack.url('auth-service');
    const internal = () => stack.internalHeaders('auth-service', null);
    for (let attempt = 1; attempt <= 10; attempt++) {
      const failed = await call(auth, '/token', {
        form: { username: user.username, password: `wrong-${attempt}` },
        headers: internal(),
      });
      expect(failed.status).toBe(400);
      expect(failed.body).toEqual({ error: 'invalid_grant' });
    }
    const blocked = await call(auth, '/token', {
      form: { username: user.username, password: user.password },
      headers: internal(),
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.get('cache-control')).toBe('no-store');

    const viaGateway = await call(gateway, '/token', {
      form: { username: user.username.toUpperCase(), password: user.password },
    });
    expect(viaGateway.status).toBe(429);
    expect(viaGateway.body).toEqual(problemBody(429, expect.stringMatching(/too many failed attempts/)));
    expect(Number(viaGateway.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('a successful direct sign-in does not count as a failure', async () => {
    const user = await newUser(gateway, 'okdirect');
    for (let attempt = 0; attempt < 12; attempt++) {
      expect(
        (
          await call(stack.url('auth-service'), '/token', {
            form: { username: user.username, password: user.password },
            headers: stack.internalHeaders('auth-service', null),
          })
        ).status,
      ).toBe(200);
    }
  });
});
