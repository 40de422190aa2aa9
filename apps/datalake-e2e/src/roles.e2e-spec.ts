import { randomBytes } from 'node:crypto';
import { waitFor } from '@datalake/testing';
import { call, newUser, token, uniqueUsername, type ApiAnswer, type TestUser, problemBody } from './support/api';
import { startStack, type Stack } from './support/stack';

type Caller = 'anonymous' | 'user' | 'admin';

interface Route {
  name: string;
  method: string;
  path: () => string;
  json?: () => unknown;
  form?: () => Record<string, string>;
  expected: Record<Caller, number>;
}

const run = randomBytes(4).toString('hex');
const customerId = `cust-${run}`;
const samples = {
  transactions: {
    topic: 'transactions',
    record: {
      transactionId: `tx-${run}`,
      customerId,
      amount: '42.50',
      currency: 'eur',
      timestamp: '2026-11-24T10:00:00Z',
    },
    find: `/transactions?transactionId=tx-${run}`,
    update: { status: 'refunded' },
  },
  'social-posts': {
    topic: 'social_posts',
    record: {
      postId: `p-${run}`,
      platform: 'mastodon',
      author: `a-${run}`,
      content: 'Hello #datalake',
      timestamp: '2026-11-24T10:00:00Z',
    },
    find: `/social-posts?postId=p-${run}`,
    update: { likes: 7 },
  },
  'network-logs': {
    topic: 'network_logs',
    record: {
      timestamp: '2026-11-24T10:00:00Z',
      sourceIp: '10.0.0.7',
      destIp: '8.8.8.8',
      host: `host-${run}`,
      action: 'allow',
    },
    find: `/network-logs?host=host-${run}`,
    update: { action: 'deny' },
  },
} as const;
type Resource = keyof typeof samples;
const RESOURCES = Object.keys(samples) as Resource[];

describe('role matrix through the gateway (whole stack)', () => {
  let stack: Stack;
  let gateway: string;
  let user: TestUser;
  let adminToken: string;
  let promoted: TestUser;
  const ids = {} as Record<Resource, string>;

  beforeAll(async () => {
    // Polling for ingested records counts against the admin's quota: lift it for this file.
    stack = await startStack(undefined, { QUOTA_PER_HOUR: '100000' });
    gateway = stack.url('api-gateway');
    user = await newUser(gateway, 'matrix');
    promoted = await newUser(gateway, 'matrix_target');
    adminToken = await token(gateway, stack.admin.username, stack.admin.password);
    for (const resource of RESOURCES) {
      const sample = samples[resource];
      const ingested = await call(gateway, `/ingest/${sample.topic}`, { token: adminToken, json: sample.record });
      expect(ingested).toMatchObject({ status: 202, body: { accepted: 1, rejected: 0 } });
    }
    for (const resource of RESOURCES) {
      ids[resource] = await waitFor(
        async () => {
          const page = await call(gateway, samples[resource].find, { token: adminToken });
          return page.body?.items?.[0]?.id as string | undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: `the ${resource} record to be stored` },
      );
    }
  });

  afterAll(() => stack?.stop());

  const routes: Route[] = [
    {
      name: 'POST /register',
      method: 'POST',
      path: () => '/register',
      json: () => ({ username: uniqueUsername('m'), password: 'long-enough-1' }),
      expected: { anonymous: 201, user: 201, admin: 201 },
    },
    {
      name: 'POST /token',
      method: 'POST',
      path: () => '/token',
      form: () => ({ username: user.username, password: user.password }),
      expected: { anonymous: 200, user: 200, admin: 200 },
    },
    { name: 'GET /me', method: 'GET', path: () => '/me', expected: { anonymous: 401, user: 200, admin: 200 } },
    { name: 'GET /users', method: 'GET', path: () => '/users', expected: { anonymous: 401, user: 403, admin: 200 } },
    {
      name: 'PATCH /users/:username',
      method: 'PATCH',
      path: () => `/users/${promoted.username}`,
      json: () => ({ role: 'user' }),
      expected: { anonymous: 401, user: 403, admin: 200 },
    },
    ...RESOURCES.flatMap((resource): Route[] => [
      {
        name: `GET /${resource}`,
        method: 'GET',
        path: () => `/${resource}`,
        expected: { anonymous: 401, user: 200, admin: 200 },
      },
      {
        name: `GET /${resource}/:id`,
        method: 'GET',
        path: () => `/${resource}/${encodeURIComponent(ids[resource])}`,
        expected: { anonymous: 401, user: 200, admin: 200 },
      },
      {
        name: `GET /${resource}/:unknown`,
        method: 'GET',
        path: () => `/${resource}/missing-${run}`,
        expected: { anonymous: 401, user: 404, admin: 404 },
      },
      {
        name: `PUT /${resource}/:id`,
        method: 'PUT',
        path: () => `/${resource}/${encodeURIComponent(ids[resource])}`,
        json: () => samples[resource].update,
        expected: { anonymous: 401, user: 403, admin: 200 },
      },
      {
        name: `PUT /${resource}/:unknown`,
        method: 'PUT',
        path: () => `/${resource}/missing-${run}`,
        json: () => samples[resource].update,
        expected: { anonymous: 401, user: 403, admin: 404 },
      },
      {
        name: `DELETE /${resource}/:id`,
        method: 'DELETE',
        path: () => `/${resource}/${encodeURIComponent(ids[resource])}`,
        expected: { anonymous: 401, user: 403, admin: 204 },
      },
      {
        name: `DELETE /${resource}/:unknown`,
        method: 'DELETE',
        path: () => `/${resource}/missing-${run}`,
        expected: { anonymous: 401, user: 403, admin: 404 },
      },
    ]),
    {
      name: 'POST /ingest/:topic',
      method: 'POST',
      path: () => '/ingest/transactions',
      json: () => ({ ...samples.transactions.record, transactionId: `tx-${run}-${randomBytes(3).toString('hex')}` }),
      expected: { anonymous: 401, user: 403, admin: 202 },
    },
    {
      name: 'GET /dead-letters/:topic',
      method: 'GET',
      path: () => '/dead-letters/transactions',
      expected: { anonymous: 401, user: 403, admin: 200 },
    },
    {
      name: 'GET /dead-letters/:unknown-topic',
      method: 'GET',
      path: () => '/dead-letters/nothing',
      expected: { anonymous: 401, user: 403, admin: 404 },
    },
    {
      name: 'GET /dead-letters/:topic/:unknown',
      method: 'GET',
      path: () => '/dead-letters/social_posts/9-999999999',
      expected: { anonymous: 401, user: 403, admin: 404 },
    },
    {
      name: 'POST /dead-letters/:topic/replay',
      method: 'POST',
      path: () => '/dead-letters/network_logs/replay',
      json: () => ({ ids: ['9-999999999'] }),
      expected: { anonymous: 401, user: 403, admin: 200 },
    },
    {
      name: 'POST /dead-letters/:topic/:unknown/discard',
      method: 'POST',
      path: () => '/dead-letters/transactions/9-999999999/discard',
      expected: { anonymous: 401, user: 403, admin: 404 },
    },
    {
      name: 'GET /admin/services',
      method: 'GET',
      path: () => '/admin/services',
      expected: { anonymous: 401, user: 403, admin: 200 },
    },
  ];

  const cases = routes.flatMap((route) =>
    (['anonymous', 'user', 'admin'] as Caller[]).map(
      (caller) => [route.name, caller, route.expected[caller], route] as const,
    ),
  );

  it.each(cases)('%s as %s → %i', async (_name, caller, expected, route) => {
    const bearer = caller === 'anonymous' ? undefined : caller === 'user' ? user.token : adminToken;
    const answer: ApiAnswer = await call(gateway, route.path(), {
      method: route.method,
      token: bearer,
      json: route.json?.(),
      form: route.form?.(),
    });
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status: expected });
    if (expected >= 400) expect(answer.body).toMatchObject({ statusCode: expected, message: expect.anything() });
    if (caller !== 'anonymous' && !route.name.startsWith('POST /register') && !route.name.startsWith('POST /token')) {
      expect(answer.headers.get('x-ratelimit-limit')).toBe('100000');
    }
  });
});

describe('data routes through the gateway (whole stack)', () => {
  let stack: Stack;
  let gateway: string;
  let user: TestUser;
  let adminToken: string;
  const mine = `cust-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    stack = await startStack(undefined, { QUOTA_PER_HOUR: '100000' });
    gateway = stack.url('api-gateway');
    user = await newUser(gateway, 'data');
    adminToken = await token(gateway, stack.admin.username, stack.admin.password);
  });

  afterAll(() => stack?.stop());

  it('ingests NDJSON, reporting the bad line and storing the good ones; a filtered list shows only them', async () => {
    const lines = [
      { transactionId: `${mine}-1`, customerId: mine, amount: 10, currency: 'usd', timestamp: '2026-11-24T10:00:00Z' },
      {
        transactionId: `${mine}-2`,
        customerId: mine,
        amount: '20.25',
        currency: 'usd',
        timestamp: '2026-11-24T11:00:00Z',
      },
      { transactionId: `${mine}-3`, customerId: mine, currency: 'usd', timestamp: '2026-11-24T12:00:00Z' },
      {
        transactionId: `other-${mine}`,
        customerId: `other-${mine}`,
        amount: 5,
        currency: 'usd',
        timestamp: '2026-11-24T10:30:00Z',
      },
    ];
    const ingested = await call(gateway, '/ingest/transactions', {
      token: adminToken,
      body: lines.map((line) => JSON.stringify(line)).join('\n'),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(ingested.status).toBe(202);
    expect(ingested.body).toMatchObject({
      accepted: 3,
      rejected: 1,
      errors: [{ index: 2, message: expect.any(String) }],
    });

    const page = await waitFor(
      async () => {
        const answer = await call(gateway, `/transactions?customerId=${mine}&limit=10`, { token: user.token });
        return answer.body?.items?.length === 2 ? answer : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the two transactions to be stored' },
    );
    expect(page.status).toBe(200);
    expect(page.body.nextCursor).toBeNull();
    expect(page.body.items.map((item: { transactionId: string }) => item.transactionId)).toEqual([
      `${mine}-2`,
      `${mine}-1`,
    ]);
    for (const item of page.body.items) {
      expect(item).toMatchObject({
        id: expect.any(String),
        customerId: mine,
        currency: 'USD',
        ingestedAt: expect.any(String),
        source: expect.any(Object),
      });
    }
    const paged = await call(gateway, `/transactions?customerId=${mine}&limit=1`, { token: user.token });
    expect(paged.body.items).toHaveLength(1);
    const next = await call(gateway, `/transactions?customerId=${mine}&limit=1&cursor=${paged.body.nextCursor}`, {
      token: user.token,
    });
    expect(next.body.items[0].transactionId).toBe(`${mine}-1`);
  });

  it.each([
    ['an operator in a filter', '/transactions?customerId[$ne]=x'],
    ['a repeated filter', '/transactions?customerId=a&customerId=b'],
    ['an unknown parameter', '/transactions?where=1'],
    ['a limit over 500', '/transactions?limit=501'],
    ['a bad date', '/network-logs?from=yesterday'],
    ['a bad cursor', '/social-posts?cursor=%7B%7D'],
  ])('answers 400 for %s, before reaching the service', async (_case, path) => {
    const answer = await call(gateway, path, { token: user.token });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, message: expect.anything() });
  });

  it('answers 400 for an unknown or invalid field in a record update', async () => {
    expect(
      (await call(gateway, '/transactions/any', { method: 'PUT', token: adminToken, json: { amount: 1 } })).status,
    ).toBe(400);
    expect(
      (await call(gateway, '/transactions/any', { method: 'PUT', token: adminToken, json: { status: 'stolen' } }))
        .status,
    ).toBe(400);
  });

  it('answers 404 for an unknown topic and 413 for a body over 5 MB', async () => {
    expect((await call(gateway, '/ingest/orders', { token: adminToken, json: {} })).status).toBe(404);
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 'a');
    const answer = await call(gateway, '/ingest/transactions', {
      token: adminToken,
      body: big,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toEqual(problemBody(413, expect.any(String)));
  });

  it("passes the caller's x-request-id to the owning service", async () => {
    const requestId = `e2e-${randomBytes(6).toString('hex')}`;
    const answer = await call(gateway, '/transactions?limit=1', {
      token: user.token,
      headers: { 'x-request-id': requestId },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe(requestId);
    await waitFor(() => stack.services.get('transactions-consumer')?.output().includes(requestId), {
      timeoutMs: 5000,
      description: 'the request id in the transactions-consumer log',
    });
  });
});
