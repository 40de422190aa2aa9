import { rmSync } from 'node:fs';
import { uniqueId, waitFor } from '@datalake/testing';
import { call, newUser, token } from './support/api';
import { startStack, type Stack } from './support/stack';
import { generateClient, type GeneratedClient } from './contract/generated-client';

const PROBLEM_JSON = /^application\/problem\+json/;

/** The public contract as clients see it: OpenAPI they generate a client from, problem details, Link headers. */
describe('typed public contract', () => {
  let stack: Stack;
  let gateway: string;
  let admin: string;
  const customer = uniqueId('contract');

  beforeAll(async () => {
    stack = await startStack(['auth-service', 'ingest-producer-service', 'transactions-consumer', 'api-gateway']);
    gateway = stack.url('api-gateway');
    admin = await token(gateway, stack.admin.username, stack.admin.password);
    const records = [1, 2, 3].map((i) => ({
      transactionId: `${customer}-${i}`,
      customerId: customer,
      amount: `${i}2.50`,
      currency: 'usd',
      timestamp: `2026-11-24T10:00:0${i}Z`,
      cardNumber: '4111 1111 1111 1111',
    }));
    const ingested = await call(gateway, '/ingest/transactions', { token: admin, json: records });
    expect(ingested.body).toEqual({ accepted: 3, rejected: 0, errors: [] });
    await waitFor(
      async () =>
        (await call(gateway, `/transactions?customerId=${customer}`, { token: admin })).body?.items?.length === 3,
      {
        timeoutMs: 60_000,
        description: 'the 3 transactions stored',
      },
    );
  });

  afterAll(() => stack?.stop());

  describe('errors are RFC 9457 problem details', () => {
    it('answers a query validation error with per-field errors, keeping statusCode and message', async () => {
      const answer = await call(gateway, '/transactions?limit=900&colour=red', { token: admin });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(answer.body).toMatchObject({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        statusCode: 400,
        instance: '/transactions',
        error: 'Bad Request',
      });
      expect(answer.body.message).toEqual(
        expect.arrayContaining(['limit must not be greater than 500', 'property colour should not exist']),
      );
      expect(answer.body.detail).toContain('limit must not be greater than 500');
      expect(answer.body.errors).toEqual(
        expect.arrayContaining([
          { field: 'limit', message: 'limit must not be greater than 500' },
          { field: 'colour', message: 'property colour should not exist' },
        ]),
      );
    });

    it("relays the owning service's 404 as problem+json naming the path the client called", async () => {
      const answer = await call(gateway, '/transactions/no-such-record', { token: admin });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(answer.body).toMatchObject({
        status: 404,
        statusCode: 404,
        title: 'Not Found',
        instance: '/transactions/no-such-record',
      });
      expect(answer.body.detail).toBe(answer.body.message);
      expect(answer.headers.get('x-ratelimit-limit')).not.toBeNull();
    });

    it('answers 401, an unknown route, a malformed body and a body error of the auth service as problem+json', async () => {
      const unauthenticated = await call(gateway, '/transactions');
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(unauthenticated.headers.get('www-authenticate')).toContain('Bearer');
      expect(unauthenticated.body).toMatchObject({ status: 401, statusCode: 401, instance: '/transactions' });

      const unknown = await call(gateway, '/no-such-route');
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(PROBLEM_JSON);

      const malformed = await call(gateway, '/register', {
        body: '{"username":',
        headers: { 'content-type': 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(malformed.body).toMatchObject({ status: 400, message: 'request body is not valid JSON' });

      const user = await newUser(gateway, 'contract');
      const taken = await call(gateway, '/register', { json: { username: user.username, password: 'long-enough-1' } });
      expect(taken.status).toBe(409);
      expect(taken.headers.get('content-type')).toMatch(PROBLEM_JSON);
      expect(taken.body).toMatchObject({ status: 409, statusCode: 409, instance: '/register' });
    });

    it('keeps the OAuth errors of /token as RFC 6749 JSON', async () => {
      const answer = await call(gateway, '/token', {
        form: { username: stack.admin.username, password: 'wrong-password' },
      });
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({ error: 'invalid_grant' });
    });
  });

  it('links the next page of a listing (RFC 8288) until the last one', async () => {
    const seen: string[] = [];
    let path: string | undefined = `/transactions?customerId=${customer}&limit=2`;
    while (path) {
      const answer = await call(gateway, path, { token: admin });
      expect(answer.status).toBe(200);
      seen.push(...answer.body.items.map((item: { id: string }) => item.id));
      const link = answer.headers.get('link');
      if (answer.body.nextCursor === null) {
        expect(link).toBeNull();
        path = undefined;
      } else {
        const match = /^<([^>]+)>; rel="next"$/.exec(link ?? '');
        expect(match).not.toBeNull();
        path = match?.[1];
        expect(path).toContain(`cursor=${answer.body.nextCursor}`);
      }
    }
    expect(seen).toEqual([3, 2, 1].map((i) => `${customer}-${i}`));
  });

  // Last: the generation leaves the test's own connections idle for seconds (a kept-alive socket the
  // gateway closes meanwhile would fail the next call).
  describe('OpenAPI at /docs-json', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let spec: any;
    let client: GeneratedClient | undefined;

    beforeAll(async () => {
      spec = (await call(gateway, '/docs-json')).body;
    });

    afterAll(() => {
      if (client) rmSync(client.dir, { recursive: true, force: true });
    });

    it('names every operation and gives each a 2xx answer with a schema', () => {
      const operations = Object.entries(
        spec.paths as Record<
          string,
          Record<string, { operationId?: string; responses: Record<string, { content?: object }> }>
        >,
      ).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
      );
      expect(operations.length).toBeGreaterThan(20);
      for (const { route, operation } of operations) {
        expect({ route, operationId: /^[a-z][A-Za-z]+$/.test(operation.operationId ?? '') }).toEqual({
          route,
          operationId: true,
        });
        const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        expect({
          route,
          documented: success.some(([status, answer]) => status === '204' || answer.content !== undefined),
        }).toEqual({ route, documented: true });
      }
      const ids = operations.map(({ operation }) => operation.operationId);
      expect(ids).toEqual(
        expect.arrayContaining([
          'createToken',
          'listTransactions',
          'getTransaction',
          'updateTransaction',
          'deleteTransaction',
          'ingestTransactions',
          'getLiveness',
        ]),
      );
      // Served on the management port only (GATEWAY_MANAGEMENT_PORT), so not in the public contract.
      expect(ids).not.toContain('getMetrics');
      expect(ids).not.toContain('getReadiness');
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('generates a TypeScript client (openapi-typescript + openapi-fetch) that typechecks and calls /token, a listing and a record', async () => {
      client = generateClient(spec);
      expect(client.diagnostics).toEqual([]);
      const run = client.run({
        GATEWAY_URL: gateway,
        API_USERNAME: stack.admin.username,
        API_PASSWORD: stack.admin.password,
        CUSTOMER_ID: customer,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const result = JSON.parse(run.stdout);
      expect(result).toMatchObject({
        tokenType: 'bearer',
        count: 2,
        amount: '32.50',
        amountMinor: 3250,
        status: 'completed',
        sourceKind: 'http',
        cardLast4: '1111',
      });
      expect(typeof result.expiresIn).toBe('number');
      expect(result.nextCursor).toEqual(expect.any(String));
      expect(result.link).toContain('rel="next"');
      expect(result.record).toMatchObject({
        id: `${customer}-3`,
        transactionId: `${customer}-3`,
        customerId: customer,
        currency: 'USD',
        riskFlags: [],
      });
      expect(result.missing).toMatchObject({
        status: 404,
        statusCode: 404,
        contentType: expect.stringMatching(PROBLEM_JSON),
      });
      // Every field the gateway returned is declared in the record schema (nothing undocumented).
      const declared = Object.keys(spec.components.schemas.TransactionRecordDto.properties);
      expect(Object.keys(result.record).filter((field) => !declared.includes(field))).toEqual([]);
    });
  });
});
