import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { freePort, INTERNAL_TOKEN_HEADER, verifyInternalToken } from '@datalake/testing';
import { call, newUser, type TestUser } from './support/api';
import { startStack, type Stack } from './support/stack';

const TIMEOUT_MS = 1500;

/** A stand-in for a record service: lists answer JSON, `/boom` a 500 page, `/garbage` non-JSON, `/slow` never. */
async function startFakeService(): Promise<{
  url: string;
  seen: { url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    const path = (request.url ?? '').split('?')[0];
    if (path.endsWith('/slow')) return; // never answers
    if (path.endsWith('/boom')) {
      response.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal error</h1>');
    } else if (path.endsWith('/garbage')) {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"items": [');
    } else {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ items: [], nextCursor: null }));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('upstream failures at the gateway', () => {
  let stack: Stack;
  let gateway: string;
  let user: TestUser;
  let fake: Awaited<ReturnType<typeof startFakeService>>;

  beforeAll(async () => {
    fake = await startFakeService();
    stack = await startStack(['auth-service', 'api-gateway'], {
      UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
      // Nothing listens there: the transactions service is down.
      TRANSACTIONS_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
      SOCIAL_POSTS_SERVICE_URL: fake.url,
    });
    gateway = stack.url('api-gateway');
    user = await newUser(gateway, 'upstream');
  });

  afterAll(async () => {
    await stack?.stop();
    await fake?.close();
  });

  it('answers 503 JSON at once when the owning service is down, quota headers included', async () => {
    const answer = await call(gateway, '/transactions', { token: user.token });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ statusCode: 503, message: 'transactions-consumer is unavailable' });
    expect(answer.elapsedMs).toBeLessThan(TIMEOUT_MS);
    expect(answer.headers.get('x-ratelimit-remaining')).not.toBeNull();
  });

  it('answers 504 JSON when the service does not answer within UPSTREAM_TIMEOUT_MS, never hangs', async () => {
    const answer = await call(gateway, '/social-posts/slow', { token: user.token });
    expect(answer.status).toBe(504);
    expect(answer.body).toMatchObject({ statusCode: 504, message: expect.stringContaining(`${TIMEOUT_MS} ms`) });
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(answer.elapsedMs).toBeLessThan(TIMEOUT_MS + 2000);
  });

  it.each([
    ['a 500 page', '/social-posts/boom'],
    ['a body that is not JSON', '/social-posts/garbage'],
  ])('answers 502 JSON for %s', async (_case, path) => {
    const answer = await call(gateway, path, { token: user.token });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ statusCode: 502, message: expect.stringContaining('social-posts-consumer') });
  });

  it('forwards the validated query, the request id and the verified caller, never client-sent identity or the token', async () => {
    fake.seen.length = 0;
    const answer = await call(gateway, '/social-posts?platform=Mastodon&limit=5', {
      token: user.token,
      headers: { 'x-request-id': 'e2e-upstream-42', 'x-user-role': 'admin', 'x-user-name': 'root' },
    });
    expect(answer).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    expect(answer.headers.get('x-request-id')).toBe('e2e-upstream-42');
    const [request] = fake.seen;
    expect(new URL(request.url, 'http://x').searchParams.toString()).toBe('platform=Mastodon&limit=5');
    expect(request.headers['x-request-id']).toBe('e2e-upstream-42');
    // The caller rides only in the internal token the gateway signs for this service; what the
    // client sent as identity headers and its bearer token stay behind.
    const identity = verifyInternalToken({
      secret: stack.env['INTERNAL_TOKEN_SECRET'],
      audience: 'social-posts-consumer',
      token: String(request.headers[INTERNAL_TOKEN_HEADER]),
    });
    expect(identity).toMatchObject({ issuer: 'api-gateway', user: { username: user.username, role: 'user' } });
    expect(request.headers['x-user-role']).toBeUndefined();
    expect(request.headers['x-user-name']).toBeUndefined();
    expect(request.headers['authorization']).toBeUndefined();
  });

  it('answers 503 JSON for /token, /register and /me when auth-service is down, and stays ready itself', async () => {
    await stack.services.get('auth-service')?.stop();
    const signIn = await call(gateway, '/token', { form: { username: user.username, password: user.password } });
    expect(signIn.status).toBe(503);
    expect(signIn.body).toMatchObject({ statusCode: 503, message: 'auth-service is unavailable' });
    expect(
      (await call(gateway, '/register', { json: { username: 'nobody_new', password: 'long-enough-1' } })).status,
    ).toBe(503);
    const me = await call(gateway, '/me', { token: user.token });
    expect(me).toMatchObject({ status: 503, body: { statusCode: 503 } });
    expect(me.elapsedMs).toBeLessThan(TIMEOUT_MS);
    expect((await fetch(`${stack.managementUrl('api-gateway')}/health/ready`)).status).toBe(200);
  });
});
