import { randomInt } from 'node:crypto';
import { awaitRoomInWindow, call, claimsOf, newUser, uniqueUsername, problemBody } from './support/api';
import { startStack, type Stack } from './support/stack';

const FORM = 'application/x-www-form-urlencoded';

describe('auth flows through the gateway', () => {
  let stack: Stack;
  let gateway: string;

  beforeAll(async () => {
    stack = await startStack(['auth-service', 'api-gateway']);
    gateway = stack.url('api-gateway');
  });

  afterAll(() => stack?.stop());

  describe('POST /register', () => {
    it('creates a user with role user: 201 {username, role, createdAt}', async () => {
      const username = uniqueUsername('reg');
      const answer = await call(gateway, '/register', { json: { username, password: 'long-enough-1' } });
      expect(answer.status).toBe(201);
      expect(answer.body).toEqual({ username, role: 'user', createdAt: expect.any(String) });
      expect(new Date(answer.body.createdAt).toISOString()).toBe(answer.body.createdAt);
    });

    it('answers 409 for a taken username, whatever its case', async () => {
      const username = uniqueUsername('dup');
      expect((await call(gateway, '/register', { json: { username, password: 'long-enough-1' } })).status).toBe(201);
      const again = await call(gateway, '/register', { json: { username, password: 'other-password' } });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, message: expect.any(String) });
      expect(
        (await call(gateway, '/register', { json: { username: username.toUpperCase(), password: 'long-enough-1' } }))
          .status,
      ).toBe(409);
    });

    it('answers 400 for a password shorter than 8 characters', async () => {
      const answer = await call(gateway, '/register', {
        json: { username: uniqueUsername('weak'), password: 'short' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ statusCode: 400, message: expect.anything() });
    });

    it.each([
      ['too short', 'ab'],
      ['too long', 'a'.repeat(65)],
      ['with a space', 'bad name'],
      ['with a slash', 'bad/name'],
    ])('answers 400 for a username %s', async (_case, username) => {
      expect((await call(gateway, '/register', { json: { username, password: 'long-enough-1' } })).status).toBe(400);
    });

    it('refuses a role field with 400: nobody registers themself as admin', async () => {
      const username = uniqueUsername('role');
      const answer = await call(gateway, '/register', { json: { username, password: 'long-enough-1', role: 'admin' } });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toContain('role');
      // And nothing was created.
      expect((await call(gateway, '/register', { json: { username, password: 'long-enough-1' } })).status).toBe(201);
    });

    it('answers 400 JSON for unknown fields and malformed JSON', async () => {
      expect(
        (
          await call(gateway, '/register', {
            json: { username: uniqueUsername('x'), password: 'long-enough-1', admin: true },
          })
        ).status,
      ).toBe(400);
      const malformed = await call(gateway, '/register', {
        body: '{"username":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual(problemBody(400, expect.any(String)));
    });
  });

  describe('POST /token', () => {
    let user: { username: string; password: string };

    beforeAll(async () => {
      user = { username: uniqueUsername('tok'), password: 'token-password-1' };
      expect((await call(gateway, '/register', { json: user })).status).toBe(201);
    });

    it('issues a bearer JWT for good credentials, never cached', async () => {
      const answer = await call(gateway, '/token', { form: { grant_type: 'password', ...user } });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('pragma')).toBe('no-cache');
      const claims = claimsOf(answer.body.access_token);
      expect(claims).toMatchObject({
        sub: expect.any(String),
        username: user.username,
        role: 'user',
        exp: expect.any(Number),
      });
      expect(claims['exp'] as number).toBeGreaterThan(Date.now() / 1000 + 3500);
      const header = JSON.parse(Buffer.from(answer.body.access_token.split('.')[0], 'base64url').toString());
      expect(header.alg).toBe('HS256');
    });

    it('accepts a request without grant_type', async () => {
      expect((await call(gateway, '/token', { form: user })).status).toBe(200);
    });

    it('answers a wrong password and an unknown user alike: 400 {"error":"invalid_grant"}, similar time', async () => {
      const wrong = await call(gateway, '/token', { form: { username: user.username, password: 'not-the-password' } });
      const unknown = await call(gateway, '/token', {
        form: { username: uniqueUsername('ghost'), password: 'not-the-password' },
      });
      for (const answer of [wrong, unknown]) {
        expect(answer.status).toBe(400);
        expect(answer.body).toEqual({ error: 'invalid_grant' });
        expect(answer.headers.get('cache-control')).toBe('no-store');
      }
      // Both paths hash (the unknown user against a dummy hash): neither answers much faster.
      expect(unknown.elapsedMs).toBeGreaterThan(wrong.elapsedMs / 4);
      expect(wrong.elapsedMs).toBeGreaterThan(unknown.elapsedMs / 4);
    });

    it.each([
      ['no password', (u: string) => ({ username: u })],
      ['no username', () => ({ password: 'whatever-1' })],
      ['an empty password', (u: string) => ({ username: u, password: '' })],
    ])('answers 400 {"error":"invalid_request"} for %s', async (_case, form) => {
      const answer = await call(gateway, '/token', { form: form(user.username) as Record<string, string> });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: 'invalid_request' });
    });

    it('answers invalid_request for a JSON body (the endpoint is form-encoded) and a repeated field', async () => {
      expect((await call(gateway, '/token', { json: user })).body).toEqual({ error: 'invalid_request' });
      const repeated = await call(gateway, '/token', {
        body: `username=${user.username}&username=x&password=${user.password}`,
        headers: { 'content-type': FORM },
      });
      expect(repeated).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    });

    it('answers unsupported_grant_type for another grant', async () => {
      const answer = await call(gateway, '/token', { form: { grant_type: 'client_credentials', ...user } });
      expect(answer).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    });
  });

  describe('GET /me', () => {
    it('answers {username, role, quota: {limit, remaining, resetAt}}', async () => {
      const user = await newUser(gateway, 'me');
      const answer = await call(gateway, '/me', { token: user.token });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        username: user.username,
        role: 'user',
        quota: { limit: 100, remaining: 99, resetAt: expect.any(String) },
      });
      const resetAt = Date.parse(answer.body.quota.resetAt);
      expect(resetAt).toBeGreaterThan(Date.now());
      expect(resetAt % 3_600_000).toBe(0);
    });

    it('answers 401 without a token', async () => {
      const answer = await call(gateway, '/me');
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ statusCode: 401, message: expect.any(String) });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.headers.get('x-ratelimit-limit')).toBeNull();
    });

    it('shows the bootstrap admin as admin', async () => {
      const login = await call(gateway, '/token', { form: stack.admin });
      expect(login.status).toBe(200);
      const me = await call(gateway, '/me', { token: login.body.access_token });
      expect(me.body).toMatchObject({ username: stack.admin.username, role: 'admin' });
    });
  });

  describe('brute-force limits', () => {
    it('allows 10 failed /token attempts per username, then answers 429 with Retry-After, even to the right password', async () => {
      const user = await newUser(gateway, 'brute');
      for (let attempt = 1; attempt <= 10; attempt++) {
        const answer = await call(gateway, '/token', {
          form: { username: user.username, password: `guess-${attempt}` },
        });
        expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      }
      const blocked = await call(gateway, '/token', { form: { username: user.username, password: user.password } });
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual(problemBody(429, expect.any(String)));
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // The same username in another case is the same account.
      expect(
        (await call(gateway, '/token', { form: { username: user.username.toUpperCase(), password: user.password } }))
          .status,
      ).toBe(429);
      // Another user is unaffected.
      const other = await newUser(gateway, 'brute_other');
      expect((await call(gateway, '/me', { token: other.token })).status).toBe(200);
    });

    it('does not count successful sign-ins as failures', async () => {
      const user = await newUser(gateway, 'good');
      for (let attempt = 0; attempt < 12; attempt++) {
        expect(
          (await call(gateway, '/token', { form: { username: user.username, password: user.password } })).status,
        ).toBe(200);
      }
    });

    it('limits /register and /token together per client address (AUTH_RATE_PER_MINUTE)', async () => {
      // A second gateway that trusts the loopback proxy, so each test address is its own client.
      const limited = await stack.startExtra('api-gateway', { AUTH_RATE_PER_MINUTE: '5', TRUST_PROXY: 'loopback' });
      const address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      await awaitRoomInWindow(60_000, 15);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          (
            await call(limited.url, '/register', {
              json: { username: uniqueUsername('ip'), password: 'long-enough-1' },
              headers: from(address),
            })
          ).status,
        );
      }
      for (let i = 0; i < 2; i++) {
        statuses.push(
          (
            await call(limited.url, '/token', {
              form: { username: 'nobody-here', password: 'whatever-1' },
              headers: from(address),
            })
          ).status,
        );
      }
      expect(statuses).toEqual([201, 201, 201, 400, 400]);
      const blocked = await call(limited.url, '/token', {
        form: { username: 'nobody-here', password: 'whatever-1' },
        headers: from(address),
      });
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual(problemBody(429, expect.stringContaining('address')));
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(
        (
          await call(limited.url, '/register', {
            json: { username: uniqueUsername('ip'), password: 'long-enough-1' },
            headers: from(address),
          })
        ).status,
      ).toBe(429);
      // Another address is unaffected.
      const elsewhere = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
      expect(
        (
          await call(limited.url, '/register', {
            json: { username: uniqueUsername('ip'), password: 'long-enough-1' },
            headers: from(elsewhere),
          })
        ).status,
      ).toBe(201);
    });
  });
});
