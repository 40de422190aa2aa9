import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { JSON_LIMITS, jsonTextDepth } from '@datalake/kafka-schemas';
import { loadEnv, startServiceApp } from '@datalake/service-kit';
import {
  freePorts,
  getTestInfra,
  guardedRoutes,
  internalTokenHeaders,
  probeInternalRoutes,
  protectionViolations,
  routesOf,
  uniqueId,
} from '@datalake/testing';
import { AppModule, SERVICE_NAME } from './app.module';
import { AuthEnv } from './auth.env';

/**
 * The auth-service answers only the gateway: every route of its public port but /health/live,
 * read from its own router, refuses a call without a valid internal token (401) — /token and
 * /register included, so the gateway's brute-force and address limits cannot be bypassed — and
 * /users refuses a token whose user is not an admin (403). Real MongoDB.
 */
describe('auth-service: internal calls prove who makes them (issue 13)', () => {
  const secret = randomBytes(32).toString('hex');
  let app: INestApplication;
  let url: string;
  let managementUrl: string;

  beforeAll(async () => {
    const infra = await getTestInfra();
    const [port, managementPort] = await freePorts(2);
    const env = loadEnv(AuthEnv, {
      MONGO_URI: infra.mongoUri,
      JWT_SECRET: randomBytes(32).toString('hex'),
      INTERNAL_TOKEN_SECRET: secret,
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
    });
    app = await startServiceApp({
      name: SERVICE_NAME,
      port,
      managementPort,
      host: '127.0.0.1',
      bodyLimit: '64kb',
      bodyDepth: { maxDepth: JSON_LIMITS.maxDepth, depthOf: jsonTextDepth },
      module: AppModule.forRoot(env),
    });
    url = `http://127.0.0.1:${port}`;
    managementUrl = `http://127.0.0.1:${managementPort}`;
  }, 60_000);

  afterAll(() => app?.close());

  it('has /token, /register, /me and /users in its router (the list the checks below walk)', () => {
    expect(routesOf(app).map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['POST /token', 'POST /register', 'GET /me', 'GET /users', 'PATCH /users/:username']),
    );
  });

  it('refuses every route but /health/live without a valid internal token (401), and /users to a non-admin (403)', async () => {
    const answers = await probeInternalRoutes({
      url,
      service: SERVICE_NAME,
      secret,
      routes: guardedRoutes(routesOf(app)),
    });
    const isAdminRoute = (route: string) => / \/users(\/|$)/.test(route);
    expect(protectionViolations(answers, isAdminRoute)).toEqual([]);
    // The two public entry points are among the checked routes.
    const checked = new Set(answers.map((answer) => answer.route));
    expect([...checked]).toEqual(expect.arrayContaining(['POST /token', 'POST /register']));
  });

  it('answers /token and /register called with the gateway token as before, and 401 without it', async () => {
    const username = uniqueId('ic_user')
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .slice(0, 60);
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const internal = () => internalTokenHeaders({ secret, audience: SERVICE_NAME });
    const register = (headers: Record<string, string>) =>
      fetch(`${url}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ username, password }),
      });
    const direct = await register({});
    expect(direct.status).toBe(401);
    expect(direct.headers.get('www-authenticate')).toMatch(/^InternalToken/);
    expect(await direct.json()).toMatchObject({ statusCode: 401, message: expect.stringMatching(/internal token/) });
    expect((await register(internal())).status).toBe(201);

    const signIn = (headers: Record<string, string>) =>
      fetch(`${url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
      });
    expect((await signIn({})).status).toBe(401);
    const issued = await signIn(internal());
    expect(issued.status).toBe(200);
    expect(await issued.json()).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) });
  });

  it('serves /metrics and /health/ready on the management port only', async () => {
    const status = async (base: string, path: string) => (await fetch(`${base}${path}`)).status;
    expect(await status(url, '/health/live')).toBe(200);
    expect(await status(url, '/metrics')).toBe(404);
    expect(await status(url, '/health/ready')).toBe(404);
    expect(await status(managementUrl, '/metrics')).toBe(200);
    expect(await status(managementUrl, '/health/ready')).toBe(200);
    expect(await status(managementUrl, '/token')).toBe(404);
  });
});
