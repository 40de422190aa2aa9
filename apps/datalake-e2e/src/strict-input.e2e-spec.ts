import { call, newUser, sleep, token, type TestUser, problemBody } from './support/api';
import { startStack, type Stack } from './support/stack';

/** A JSON document nested `levels` deep, as finding 6 sent it. */
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const JSON_TYPE = { 'content-type': 'application/json' };
const rawCursor = (text: string) => Buffer.from(text).toString('base64url');
const transaction = (id: string, timestamp: string) => ({
  transactionId: id,
  customerId: `c-${id}`,
  amount: '12.50',
  currency: 'usd',
  timestamp,
  cardNumber: '4111 1111 1111 1111',
});

describe('strict input through the gateway (issue 9: findings 6, 7, 10)', () => {
  let stack: Stack;
  let gateway: string;
  let admin: string;
  let user: TestUser;

  beforeAll(async () => {
    stack = await startStack(['auth-service', 'ingest-producer-service', 'transactions-consumer', 'api-gateway']);
    gateway = stack.url('api-gateway');
    admin = await token(gateway, stack.admin.username, stack.admin.password);
    user = await newUser(gateway, 'strict');
  }, 180_000);

  afterAll(() => stack?.stop());

  describe('JSON nested 6,000 deep', () => {
    it('is a 400 naming the limit on /register (gateway and auth-service alike), not a 500', async () => {
      for (const base of [gateway, stack.url('auth-service')]) {
        const internal = base === gateway ? {} : stack.internalHeaders('auth-service', null);
        const refused = await call(base, '/register', {
          body: `{"username":"deep_user","password":${deep(6000)}}`,
          headers: { ...JSON_TYPE, ...internal },
        });
        expect(refused.status).toBe(400);
        expect(refused.body).toEqual(problemBody(400, expect.stringMatching(/nests deeper than 33 levels/)));
      }
    });

    it('is a 400 on an admin PUT', async () => {
      const refused = await call(gateway, '/transactions/some-id', {
        method: 'PUT',
        token: admin,
        body: `{"amount":${deep(6000)}}`,
        headers: JSON_TYPE,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toMatch(/nests deeper than 33 levels/);
    });

    it('is a 400 on /ingest (JSON and an NDJSON line), not a 502, at the gateway and at the ingest service', async () => {
      for (const base of [gateway, stack.url('ingest-producer-service')]) {
        const internal = base === gateway ? {} : stack.internalHeaders('ingest-producer-service');
        const json = await call(base, '/ingest/transactions', {
          token: admin,
          body: deep(6000),
          headers: { ...JSON_TYPE, ...internal },
        });
        expect(json.status).toBe(400);
        expect(json.body.message).toMatch(/nests deeper than 33 levels/);
        const ndjson = await call(base, '/ingest/transactions', {
          token: admin,
          body: `${JSON.stringify(transaction('nd-ok', '2026-11-10T00:00:00Z'))}\n{"a":${deep(6000)}}\n`,
          headers: { 'content-type': 'application/x-ndjson', ...internal },
        });
        expect(ndjson.status).toBe(400);
        expect(ndjson.body.message).toMatch(/^line 2 of the body nests deeper than 32 levels/);
      }
    });

    it('still takes a batch of records at the limit (an array of records 32 deep)', async () => {
      const record = { ...transaction(`deep-ok-${Date.now()}`, '2026-11-10T00:00:00Z') };
      const answer = await call(gateway, '/ingest/transactions', { token: admin, json: [record] });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ accepted: 1, rejected: 0 });
    });
  });

  describe('reserved keys (__proto__, constructor, prototype)', () => {
    it.each([
      ['__proto__', '{"username":"proto_user","password":"long-enough-1","__proto__":{"role":"admin"}}'],
      [
        'constructor',
        '{"username":"proto_user","password":"long-enough-1","constructor":{"prototype":{"role":"admin"}}}',
      ],
      ['prototype', '{"username":"proto_user","password":"long-enough-1","x":[{"prototype":1}]}'],
    ])('refuse %s in a /register body as an unknown field (400)', async (key, body) => {
      const refused = await call(gateway, '/register', { body, headers: JSON_TYPE });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(problemBody(400, `unknown field ${key}`));
    });

    it.each([
      ['/transactions?__proto__[limit]=1', '__proto__'],
      ['/transactions?constructor=1', 'constructor'],
      ['/users?limit=5&a[prototype]=1', 'prototype'],
    ])('refuse %s in a query string (400)', async (path, key) => {
      const refused = await call(gateway, path, { token: admin });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual(problemBody(400, `unknown field ${key}`));
    });
  });

  describe('tampered cursors', () => {
    it.each([
      ['[1e300,"x"]', rawCursor('[1e300,"x"]')],
      ['a string timestamp', rawCursor('["1","x"]')],
      ['three elements', rawCursor('[1,"x",1]')],
      ['NaN-ish', rawCursor('[null,"x"]')],
      ['bad base64', 'not*base64!'],
    ])('%s is a 400 with a message, not 200 with empty items', async (_name, cursor) => {
      const refused = await call(gateway, `/transactions?cursor=${encodeURIComponent(cursor)}`, { token: user.token });
      expect(refused.status).toBe(400);
      // A cursor that is not even base64url is already refused by the query DTO (a message list).
      expect(JSON.stringify(refused.body.message)).toMatch(/cursor is not a valid cursor/);
    });

    it('a well-formed cursor in range still pages (200)', async () => {
      const answer = await call(gateway, `/transactions?limit=1&cursor=${rawCursor('[1767225600000,"x"]')}`, {
        token: user.token,
      });
      expect(answer.status).toBe(200);
      expect(Array.isArray(answer.body.items)).toBe(true);
    });
  });

  it('an impossible date in an ingested record is a per-record error; its neighbour is accepted', async () => {
    const id = `feb30-${Date.now()}`;
    const answer = await call(gateway, '/ingest/transactions', {
      token: admin,
      json: [
        transaction(`${id}-ok`, '2026-02-28T00:00:00Z'),
        transaction(`${id}-bad`, '2026-02-30T00:00:00Z'),
        transaction(`${id}-bad2`, '2026-11-10T24:61:00Z'),
      ],
    });
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.rejected).toBe(2);
    expect(answer.body.errors.map((error: { index: number }) => error.index)).toEqual([1, 2]);
    expect(answer.body.errors[0].message).toMatch(/timestamp/);
  });

  it('never writes a token sent as ?access_token= (or other URL credentials) to a log', async () => {
    const gatewayProcess = stack.services.get('api-gateway');
    const marker = `marker${Date.now()}`;
    await call(gateway, `/transactions?access_token=${user.token}&limit=1&m=${marker}`);
    await call(gateway, `/transactions?api_key=${user.token}&password=${user.password}&m2=${marker}`, {
      token: user.token,
    });
    await sleep(500);
    const output = gatewayProcess?.output() ?? '';
    const lines = output.split('\n').filter((line) => line.includes(marker));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).toContain('access_token=[redacted]');
    expect(lines.join('\n')).toContain('api_key=[redacted]');
    for (const app of stack.services.values()) {
      expect(app.output()).not.toContain(user.token);
      expect(app.output()).not.toContain(user.password);
    }
  });
});
