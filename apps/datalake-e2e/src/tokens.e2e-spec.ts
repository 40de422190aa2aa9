import { call, claimsOf, newUser, sleep, token, type TestUser, problemBody } from './support/api';
import { forgeJwt, nowSeconds, tamperJwt } from './support/jwt';
import { startStack, type Stack } from './support/stack';

describe('bearer tokens at the gateway', () => {
  let stack: Stack;
  let gateway: string;
  let user: TestUser;
  let claims: Record<string, unknown>;

  beforeAll(async () => {
    stack = await startStack(['auth-service', 'api-gateway']);
    gateway = stack.url('api-gateway');
    user = await newUser(gateway, 'jwt');
    claims = claimsOf(user.token);
  });

  afterAll(() => stack?.stop());

  const secret = () => stack.env['JWT_SECRET'];
  const hs256 = { alg: 'HS256', typ: 'JWT' };

  async function expectRefused(bearer: string, path = '/me'): Promise<void> {
    const answer = await call(gateway, path, { headers: { authorization: bearer } });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual(problemBody(401, expect.any(String), { error: 'Unauthorized' }));
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="datalake"/);
    expect(answer.headers.get('x-ratelimit-remaining')).toBeNull();
  }

  it('accepts the token auth-service issued, and one signed the same way (control)', async () => {
    expect((await call(gateway, '/me', { token: user.token })).status).toBe(200);
    const forged = forgeJwt(hs256, { ...claims, exp: nowSeconds() + 600 }, secret());
    expect((await call(gateway, '/me', { token: forged })).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    await expectRefused(
      `Bearer ${forgeJwt(hs256, { ...claims, iat: nowSeconds() - 7200, exp: nowSeconds() - 60 }, secret())}`,
    );
  });

  it('refuses a token that expired in real time (auth-service with JWT_EXPIRES_IN=3)', async () => {
    const shortLived = await stack.startExtra('auth-service', { JWT_EXPIRES_IN: '3' });
    // Straight to that auth-service, as the gateway would call it (with an internal token).
    const signIn = await call(shortLived.url, '/token', {
      form: { grant_type: 'password', username: user.username, password: user.password },
      headers: stack.internalHeaders('auth-service', null),
    });
    expect(signIn.status).toBe(200);
    const issued = signIn.body.access_token as string;
    expect((await call(gateway, '/me', { token: issued })).status).toBe(200);
    await sleep(4200);
    const answer = await call(gateway, '/me', { token: issued });
    expect(answer.status).toBe(401);
    expect(answer.body.message).toBe('access token expired');
  });

  it('refuses a token signed with another secret', async () => {
    await expectRefused(
      `Bearer ${forgeJwt(hs256, { ...claims, exp: nowSeconds() + 600 }, 'another-secret-that-is-long-enough-000')}`,
    );
  });

  it('refuses alg none', async () => {
    await expectRefused(
      `Bearer ${forgeJwt({ alg: 'none', typ: 'JWT' }, { ...claims, role: 'admin', exp: nowSeconds() + 600 })}`,
    );
  });

  it('refuses another HMAC algorithm than HS256, even with the right secret', async () => {
    await expectRefused(
      `Bearer ${forgeJwt({ alg: 'HS512', typ: 'JWT' }, { ...claims, exp: nowSeconds() + 600 }, secret())}`,
    );
  });

  it('refuses a tampered role claim', async () => {
    const tampered = tamperJwt(user.token, (original) => ({ ...original, role: 'admin' }));
    await expectRefused(`Bearer ${tampered}`, '/users');
  });

  it('refuses a correctly signed token without exp or with an unknown role', async () => {
    const { exp: _exp, ...noExpiry } = claims;
    await expectRefused(`Bearer ${forgeJwt(hs256, noExpiry, secret())}`);
    await expectRefused(`Bearer ${forgeJwt(hs256, { ...claims, role: 'root', exp: nowSeconds() + 600 }, secret())}`);
  });

  it.each([
    ['garbage', 'Bearer garbage'],
    ['three garbage segments', 'Bearer aaa.bbb.ccc'],
    ['an empty bearer', 'Bearer '],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['no scheme', 'just-a-token'],
  ])('refuses %s', async (_case, header) => {
    await expectRefused(header);
  });

  it('refuses a missing Authorization header with a plain Bearer challenge', async () => {
    const answer = await call(gateway, '/transactions');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="datalake"');
  });

  it('gives a user the admin routes only with a token issued after promotion', async () => {
    const promoted = await newUser(gateway, 'promo');
    const admin = await token(gateway, stack.admin.username, stack.admin.password);
    expect((await call(gateway, '/users', { token: promoted.token })).status).toBe(403);
    const patched = await call(gateway, `/users/${promoted.username}`, {
      method: 'PATCH',
      token: admin,
      json: { role: 'admin' },
    });
    expect(patched).toMatchObject({ status: 200, body: { username: promoted.username, role: 'admin' } });
    const fresh = await token(gateway, promoted.username, promoted.password);
    expect(claimsOf(fresh)['role']).toBe('admin');
    expect((await call(gateway, '/users', { token: fresh })).status).toBe(200);
  });
});
