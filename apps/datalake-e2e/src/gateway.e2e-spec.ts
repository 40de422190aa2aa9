import { call, newUser } from './support/api';
import { startStack, type Stack } from './support/stack';

describe('gateway HTTP edge', () => {
  let stack: Stack;
  let gateway: string;

  beforeAll(async () => {
    stack = await startStack(['auth-service', 'api-gateway'], { CORS_ORIGINS: 'https://app.example' });
    gateway = stack.url('api-gateway');
  });

  afterAll(() => stack?.stop());

  it('serves /metrics and /health/ready on the management port only (404 on the public port)', async () => {
    const management = stack.managementUrl('api-gateway');
    for (const path of ['/metrics', '/health/ready']) {
      expect((await call(gateway, path)).status).toBe(404);
      expect((await fetch(`${management}${path}`)).status).toBe(200);
    }
    expect((await call(gateway, '/health/live')).status).toBe(200);
    expect((await fetch(`${management}/docs-json`)).status).toBe(404);
  });

  it("refuses a direct call to the auth-service's /token and /register without the internal token (401)", async () => {
    const auth = stack.url('auth-service');
    const token = await call(auth, '/token', { form: { username: 'nobody_here', password: 'whatever-long' } });
    expect(token.status).toBe(401);
    const register = await call(auth, '/register', { json: { username: 'nobody_here', password: 'whatever-long' } });
    expect(register.status).toBe(401);
  });

  it('sends helmet security headers and no x-powered-by', async () => {
    const answer = await call(gateway, '/health/live');
    expect(answer.headers.get('x-powered-by')).toBeNull();
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(answer.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('answers CORS preflights for the configured origins only, exposing the quota headers', async () => {
    const preflight = (origin: string) =>
      fetch(`${gateway}/transactions`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight('https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();

    const user = await newUser(gateway, 'cors');
    const answer = await call(gateway, '/me', { token: user.token, headers: { origin: 'https://app.example' } });
    expect(answer.headers.get('access-control-expose-headers')).toContain('X-RateLimit-Remaining');
  });

  it('serves Swagger UI at /docs', async () => {
    const answer = await call(gateway, '/docs');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.body).toContain('swagger');
  });

  describe('OpenAPI at /docs-json', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let spec: any;

    beforeAll(async () => {
      const answer = await call(gateway, '/docs-json');
      expect(answer.status).toBe(200);
      spec = answer.body;
    });

    it('describes every public route', () => {
      const operations = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(operations).toEqual(
        expect.arrayContaining([
          'POST /register',
          'POST /token',
          'GET /me',
          'GET /users',
          'PATCH /users/{username}',
          'POST /ingest/{topic}',
          ...['network-logs', 'social-posts', 'transactions'].flatMap((resource) => [
            `GET /${resource}`,
            `GET /${resource}/{id}`,
            `PUT /${resource}/{id}`,
            `DELETE /${resource}/{id}`,
          ]),
        ]),
      );
    });

    it('declares bearer and OAuth2 password security, roles and quota headers on authenticated routes', () => {
      expect(spec.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(spec.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe('/token');
      const list = spec.paths['/transactions'].get;
      expect(list.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
      expect(Object.keys(list.responses['200'].headers)).toEqual([
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'Link',
      ]);
      expect(list.responses['200'].headers['X-RateLimit-Reset'].description).toMatch(/seconds until/i);
      expect(Object.keys(list.responses['429'].headers)).toContain('Retry-After');
      expect(list.responses['401']).toBeDefined();
      expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
        expect.arrayContaining(['limit', 'cursor', 'from', 'to', 'customerId', 'minAmount']),
      );
      const remove = spec.paths['/transactions/{id}'].delete;
      expect(remove.description).toContain('Role: admin');
      expect(remove.responses['403']).toBeDefined();
      expect(spec.paths['/ingest/{topic}'].post.responses['413']).toBeDefined();
    });

    it('documents the auth DTOs and the form-encoded token request', () => {
      expect(spec.components.schemas.RegisterDto.required).toEqual(expect.arrayContaining(['username', 'password']));
      expect(spec.components.schemas.RegisterDto.properties.role).toBeUndefined();
      expect(Object.keys(spec.paths['/token'].post.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
      expect(spec.components.schemas.TokenResponseDto.properties).toHaveProperty('access_token');
      expect(spec.components.schemas.MeDto.properties).toHaveProperty('quota');
      expect(spec.paths['/token'].post.responses['400'].content['application/json'].schema.$ref).toContain(
        'OAuthErrorDto',
      );
    });
  });
});
