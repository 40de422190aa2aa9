import { randomBytes } from 'node:crypto';
import { createKafkaClient, PlainProducer } from '@datalake/kafka-core';
import { waitFor } from '@datalake/testing';
import { call, newUser, token, type TestUser } from './support/api';
import { startStack, type Stack } from './support/stack';

/** Dead letters and service health through the gateway, the whole stack running. */
describe('dead letters through the gateway (whole stack)', () => {
  let stack: Stack;
  let gateway: string;
  let user: TestUser;
  let adminToken: string;
  let producer: PlainProducer;
  const run = randomBytes(4).toString('hex');

  beforeAll(async () => {
    stack = await startStack(undefined, { QUOTA_PER_HOUR: '100000' });
    gateway = stack.url('api-gateway');
    user = await newUser(gateway, 'dl_user');
    adminToken = await token(gateway, stack.admin.username, stack.admin.password);
    const kafka = createKafkaClient({
      brokers: stack.env['KAFKA_BOOTSTRAP_SERVERS'].split(','),
      clientId: `e2e-${run}`,
    });
    producer = new PlainProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stack?.stop();
  });

  it('a bad record shows up under dead letters, is fixed and replayed, stored once; a user gets 403', async () => {
    const transactionId = `tx-dl-${run}`;
    const record = {
      transactionId,
      customerId: `cust-${run}`,
      amount: 'not money',
      currency: 'EUR',
      timestamp: '2026-11-24T10:00:00Z',
    };
    await producer.send(`${stack.env['KAFKA_TOPIC_PREFIX']}transactions`, [
      { key: transactionId, value: JSON.stringify(record) },
    ]);
    const entry = await waitFor(
      async () => {
        const page = await call(gateway, '/dead-letters/transactions?reason=INVALID_PAYLOAD', { token: adminToken });
        return (page.body?.items as { id: string; payloadPreview: string }[] | undefined)?.find((item) =>
          item.payloadPreview.includes(transactionId),
        );
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the dead letter listed through the gateway' },
    );
    expect(entry).toMatchObject({ reasonCode: 'INVALID_PAYLOAD', status: 'pending', originalTopic: 'transactions' });

    const forbidden = await call(gateway, '/dead-letters/transactions', { token: user.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const userReplay = await call(gateway, '/dead-letters/transactions/replay', {
      method: 'POST',
      token: user.token,
      json: { ids: [entry.id] },
    });
    expect(userReplay.status).toBe(403);

    const invalid = await call(gateway, '/dead-letters/transactions/replay', {
      method: 'POST',
      token: adminToken,
      json: { ids: [entry.id], payload: record },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'payload.amount' })]));
    const massAssignment = await call(gateway, '/dead-letters/transactions/replay', {
      method: 'POST',
      token: adminToken,
      json: { ids: [entry.id], status: 'replayed' },
    });
    expect(massAssignment.status).toBe(400);

    const fixed = { ...record, amount: '10.00' };
    for (let attempt = 0; attempt < 2; attempt++) {
      const replay = await call(gateway, '/dead-letters/transactions/replay', {
        method: 'POST',
        token: adminToken,
        json: { ids: [entry.id], payload: fixed },
      });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(
        attempt === 0
          ? { replayed: 1, skipped: [] }
          : { replayed: 0, skipped: [{ id: entry.id, reason: 'already replayed' }] },
      );
    }
    const stored = await waitFor(
      async () => {
        const page = await call(gateway, `/transactions?transactionId=${transactionId}`, { token: adminToken });
        return page.body?.items?.length ? page.body.items : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the replayed record stored' },
    );
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ transactionId, amount: '10.00' });
    const shown = await call(gateway, `/dead-letters/transactions/${entry.id}`, { token: adminToken });
    expect(shown.body).toMatchObject({ status: 'replayed', replayCount: 1 });
  }, 300_000);

  it('GET /admin/services: every upstream is up', async () => {
    const answer = await call(gateway, '/admin/services', { token: adminToken });
    expect(answer.status).toBe(200);
    const names = (answer.body.services as { name: string; status: string }[]).map((service) => service.name).sort();
    expect(names).toEqual([
      'auth-service',
      'ingest-producer-service',
      'network-logs-consumer',
      'social-posts-consumer',
      'transactions-consumer',
    ]);
    for (const service of answer.body.services) {
      expect(service).toMatchObject({ status: 'up', details: { httpStatus: 200 } });
      expect(Number.isNaN(Date.parse(service.checkedAt))).toBe(false);
    }
    expect((await call(gateway, '/admin/services', { token: user.token })).status).toBe(403);
  });
});
