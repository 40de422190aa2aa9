import { call, claimsOf, token } from '../../support/api';
import { forgeJwt, nowSeconds, tamperJwt } from '../../support/jwt';
import type { HttpCase, HttpContext } from '../support/http-case';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const HS256 = { alg: 'HS256', typ: 'JWT' };
const ghost = (id: string) => `ghost_${id.replace(/-/g, '')}_${Date.now().toString(36)}`;
const claims = (ctx: HttpContext) => claimsOf(ctx.user.token);

/**
 * Auth flows: /register and /token abuse (each failed sign-in uses its own username, so the
 * per-username failure limit never blocks another case) and forged bearer tokens.
 */
export const AUTH_CASES: HttpCase[] = [
  {
    id: 'auth-01',
    surface: 'auth',
    title: '/token with a JSON body',
    request: (ctx) => ({ path: '/token', json: { username: ctx.user.username, password: ctx.user.password } }),
    expect: { status: 400, oauthError: 'invalid_request' },
  },
  {
    id: 'auth-02',
    surface: 'auth',
    title: '/token without password',
    request: () => ({ path: '/token', form: { username: ghost('a02') } }),
    expect: { status: 400, oauthError: 'invalid_request' },
  },
  {
    id: 'auth-03',
    surface: 'auth',
    title: '/token for an unknown user',
    request: () => ({ path: '/token', form: { username: ghost('a03'), password: 'whatever-123' } }),
    expect: { status: 400, oauthError: 'invalid_grant' },
  },
  {
    id: 'auth-04',
    surface: 'auth',
    title: '/token with grant_type client_credentials',
    request: (ctx) => ({
      path: '/token',
      form: { grant_type: 'client_credentials', username: ctx.user.username, password: ctx.user.password },
    }),
    expect: { status: 400, oauthError: 'unsupported_grant_type' },
  },
  {
    id: 'auth-05',
    surface: 'auth',
    title: '/token with the username repeated',
    request: () => ({
      path: '/token',
      body: `username=${ghost('a05')}&username=admin&password=whatever-123`,
      headers: FORM,
    }),
    expect: { status: 400, oauthError: 'invalid_request' },
  },
  {
    id: 'auth-06',
    surface: 'auth',
    title: '/token with an operator-shaped field username[$ne]=x',
    request: () => ({ path: '/token', body: 'username[$ne]=x&password[$ne]=x', headers: FORM }),
    expect: { status: 400, oauthError: 'invalid_request' },
  },
  {
    id: 'auth-07',
    surface: 'auth',
    title: '/token with a 10 KB username',
    request: () => ({ path: '/token', form: { username: 'u'.repeat(10_000), password: 'whatever-123' } }),
    expect: { status: 400, oauthError: 'invalid_grant' },
  },
  {
    id: 'auth-08',
    surface: 'auth',
    title: '/token with a wrong password, 11 times: the 11th is 429 (per-username limit)',
    request: async (ctx) => {
      const victim = await ctx.newUser('a08');
      for (let attempt = 1; attempt <= 10; attempt++) {
        await call(ctx.gateway, '/token', { form: { username: victim.username, password: `guess-${attempt}` } });
      }
      return { path: '/token', form: { username: victim.username, password: victim.password } };
    },
    expect: { status: 429, message: /retry|too many|attempt/i },
  },
  {
    id: 'auth-09',
    surface: 'auth',
    title: 'a bearer token that expired an hour ago',
    request: (ctx) => ({
      path: '/me',
      token: forgeJwt(HS256, { ...claims(ctx), iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }, ctx.secret),
    }),
    expect: { status: 401, message: /expired/ },
  },
  {
    id: 'auth-10',
    surface: 'auth',
    title: 'a bearer token with alg none claiming admin',
    request: (ctx) => ({
      path: '/users',
      token: forgeJwt({ alg: 'none', typ: 'JWT' }, { ...claims(ctx), role: 'admin', exp: nowSeconds() + 600 }),
    }),
    expect: { status: 401 },
  },
  {
    id: 'auth-11',
    surface: 'auth',
    title: 'a bearer token signed HS512 with the right secret',
    request: (ctx) => ({
      path: '/me',
      token: forgeJwt({ alg: 'HS512', typ: 'JWT' }, { ...claims(ctx), exp: nowSeconds() + 600 }, ctx.secret),
    }),
    expect: { status: 401 },
  },
  {
    id: 'auth-12',
    surface: 'auth',
    title: 'a bearer token whose role claim was changed to admin',
    request: (ctx) => ({
      path: '/users',
      token: tamperJwt(ctx.user.token, (original) => ({ ...original, role: 'admin' })),
    }),
    expect: { status: 401 },
  },
  {
    id: 'auth-13',
    surface: 'auth',
    title: 'a bearer token signed with another secret',
    request: (ctx) => ({
      path: '/me',
      token: forgeJwt(HS256, { ...claims(ctx), exp: nowSeconds() + 600 }, 'another-secret-that-is-long-enough-000'),
    }),
    expect: { status: 401 },
  },
  {
    id: 'auth-14',
    surface: 'auth',
    title: 'a correctly signed token without exp',
    request: (ctx) => {
      const { exp: _exp, ...noExpiry } = claims(ctx);
      return { path: '/me', token: forgeJwt(HS256, noExpiry, ctx.secret) };
    },
    expect: { status: 401 },
  },
  {
    id: 'auth-15',
    surface: 'auth',
    title: 'a correctly signed token with role "root"',
    request: (ctx) => ({
      path: '/me',
      token: forgeJwt(HS256, { ...claims(ctx), role: 'root', exp: nowSeconds() + 600 }, ctx.secret),
    }),
    expect: { status: 401 },
  },
  {
    id: 'auth-16',
    surface: 'auth',
    title: 'a correctly signed token for a user id that does not exist',
    request: (ctx) => ({
      path: '/me',
      token: forgeJwt(
        HS256,
        { ...claims(ctx), sub: '000000000000000000000000', username: ghost('a16'), exp: nowSeconds() + 600 },
        ctx.secret,
      ),
    }),
    expect: { status: [401, 404] },
  },
  {
    id: 'auth-17',
    surface: 'auth',
    title: 'an admin demoted to user loses admin rights on the next request',
    request: async (ctx) => {
      const promoted = await ctx.newUser('a17');
      await call(ctx.gateway, `/users/${promoted.username}`, {
        method: 'PATCH',
        token: ctx.admin,
        json: { role: 'admin' },
      });
      const adminToken = await token(ctx.gateway, promoted.username, promoted.password);
      const demoted = await call(ctx.gateway, `/users/${promoted.username}`, {
        method: 'PATCH',
        token: ctx.admin,
        json: { role: 'user' },
      });
      if (demoted.status !== 200) throw new Error(`demotion failed: ${demoted.status}`);
      return { path: '/users', token: adminToken };
    },
    expect: { status: [401, 403] },
  },
  {
    id: 'auth-18',
    surface: 'auth',
    title: '/register of a taken username in other case',
    request: (ctx) => ({
      path: '/register',
      json: { username: ctx.user.username.toUpperCase(), password: 'long-enough-1' },
    }),
    expect: { status: 409 },
  },
  {
    id: 'auth-19',
    surface: 'auth',
    title: '/register with a 7-character password',
    request: () => ({ path: '/register', json: { username: ghost('a19'), password: 'short12' } }),
    expect: { status: 400, message: /password/ },
  },
];
