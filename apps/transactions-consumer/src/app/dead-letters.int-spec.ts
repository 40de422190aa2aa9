import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { createEvent, dlqTopicOf, encodeEvent, TOPICS } from '@datalake/kafka-schemas';
import {
  createKafkaClient,
  EventProducer,
  ensureTopics,
  publishDeadLetters,
  type KafkaClient,
} from '@datalake/kafka-core';
import { startRecordServiceUnderTest } from '@datalake/records/testing';
import { getTestInfra, internalTokenHeaders, TEST_ADMIN, uniqueId, waitFor, type TestInfra } from '@datalake/testing';
import { transactionsDefinition } from './transactions.definition';

/**
 * The dead-letter index and replay of a record service against the real Kafka and MongoDB: a
 * refused record lands in the DLQ, the service's indexer lists it, and replay stores it (once).
 */
describe('dead letters (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let kafka: KafkaClient;
  let producer: EventProducer;
  let mongo: MongoClient;
  let app: INestApplication | undefined;
  let baseUrl: string;
  const runId = uniqueId('dl');
  const secret = randomBytes(32).toString('hex');
  /** The internal token the gateway would send (an admin's: the dead-letter routes need one). */
  const internal = () => internalTokenHeaders({ secret, audience: 'transactions-consumer-test', user: TEST_ADMIN });
  const database = `it_${runId}`;
  const topic = `${TOPICS.transactions}.it-${runId}`;
  const path = `/dead-letters/${TOPICS.transactions}`;

  const records = () => mongo.db(database).collection('transactions');
  const countFor = (customerId: string) => records().countDocuments({ customerId });

  function transaction(customerId: string, n: number, extra: Record<string, unknown> = {}) {
    return {
      transactionId: `${customerId}-tx-${n}`,
      customerId,
      amount: `${n}.25`,
      currency: 'USD',
      timestamp: new Date(Date.UTC(2026, 10, 24, 0, 0, n)).toISOString(),
      ...extra,
    };
  }

  /* eslint-disable @typescript-eslint/no-explicit-any -- answers are checked field by field */
  async function call(method: 'GET' | 'POST', url: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { ...internal(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  }

  /** Waits until the index lists an entry matching `match` (the indexer runs asynchronously). */
  async function indexed(match: (entry: Record<string, any>) => boolean, query = '') {
    return waitFor(
      async () => {
        const page = await call('GET', `${path}?limit=500${query}`);
        return (page.body['items'] as Record<string, any>[]).find(match);
      },
      { description: 'the dead letter in the index', timeoutMs: 30_000 },
    );
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */

  /** A record refused by the consumer: `amount` is not a decimal. */
  async function produceInvalid(customer: string): Promise<string> {
    const bad = JSON.stringify(transaction(customer, 1, { amount: 'lots' }));
    await producer.send(topic, [{ key: customer, value: bad }]);
    return bad;
  }

  beforeAll(async () => {
    infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` });
    await ensureTopics(kafka, [
      { topic, numPartitions: 2 },
      { topic: dlqTopicOf(topic), numPartitions: 2 },
    ]);
    producer = new EventProducer(kafka);
    await producer.connect();
    mongo = await MongoClient.connect(infra.mongoUri);
    ({ app, url: baseUrl } = await startRecordServiceUnderTest({
      definition: transactionsDefinition,
      service: 'transactions-consumer-test',
      internalTokenSecret: secret,
      kafkaBrokers: infra.kafkaBrokers,
      mongoUri: infra.mongoUri,
      partitions: 2,
      groupId: `it-${runId}`,
      database,
      topic,
    }));
  });

  afterAll(async () => {
    await app?.close();
    await producer?.disconnect();
    await mongo
      ?.db(database)
      .dropDatabase()
      .catch(() => undefined);
    await mongo?.close();
  });

  it('indexes an invalid record with its reason, origin and payload, and shows it whole', async () => {
    const customer = uniqueId('c');
    const bad = await produceInvalid(customer);
    const entry = await indexed((item) => item['payloadPreview'].includes(customer));
    expect(entry).toMatchObject({
      topic: dlqTopicOf(topic),
      originalTopic: topic,
      reasonCode: 'INVALID_PAYLOAD',
      status: 'pending',
      replayCount: 0,
      truncated: false,
    });
    expect(entry['reasonMessage']).toMatch(/amount/);
    expect(entry['partition']).toBeGreaterThanOrEqual(0);
    expect(entry['offset']).toMatch(/^\d+$/);
    expect(entry['id']).toMatch(/^\d+-\d+-\d{13}$/);
    expect(entry['payloadPreview'].length).toBeLessThanOrEqual(200);
    expect(Number.isNaN(Date.parse(entry['failedAt']))).toBe(false);

    const detail = await call('GET', `${path}/${entry['id']}`);
    expect(detail.status).toBe(200);
    expect(detail.body['payload']).toBe(bad);
    expect(detail.body['headers']['x-dlq-error-code']).toBe('INVALID_PAYLOAD');
    expect((await call('GET', `${path}/9-999999`)).status).toBe(404);
    expect((await call('GET', `/dead-letters/social_posts`)).status).toBe(404);
  });

  it("shows the ingest service's refused source rows with their source and location", async () => {
    const name = `${uniqueId('orders')}.csv`;
    // As the ingest service's RowIngestor writes a refused file row.
    await publishDeadLetters(producer, topic, [
      {
        message: {
          key: name,
          value: 'tx-1,c-1,not-a-number,USD',
          headers: { 'x-dlq-source': `file:${name}`, 'x-dlq-source-location': 'line 3' },
        },
        error: { code: 'INVALID_CSV_ROW', message: 'row 3 has 4 fields, the header 6' },
      },
    ]);
    const entry = await indexed((item) => item['source']?.name === name);
    expect(entry).toMatchObject({
      reasonCode: 'INVALID_CSV_ROW',
      source: { kind: 'file', name, location: 'line 3' },
      partition: null,
      offset: null,
      payloadPreview: 'tx-1,c-1,not-a-number,USD',
    });
  });

  it('pages newest first with a cursor, filters by reason and status, and counts per status', async () => {
    const customers = [uniqueId('p'), uniqueId('p'), uniqueId('p')];
    for (const customer of customers) await produceInvalid(customer);
    for (const customer of customers) await indexed((item) => item['payloadPreview'].includes(customer));

    const seen: string[] = [];
    let cursor: string | null = null;
    let previous = Number.POSITIVE_INFINITY;
    do {
      const page = await call('GET', `${path}?limit=2&reason=INVALID_PAYLOAD${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body['items'].length).toBeLessThanOrEqual(2);
      for (const item of page.body['items']) {
        expect(item.reasonCode).toBe('INVALID_PAYLOAD');
        expect(Date.parse(item.failedAt)).toBeLessThanOrEqual(previous);
        previous = Date.parse(item.failedAt);
        seen.push(item.id);
      }
      cursor = page.body['nextCursor'];
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await call('GET', `${path}?limit=500&reason=INVALID_PAYLOAD`);
    expect(seen).toEqual(all.body['items'].map((item: { id: string }) => item.id));
    expect(seen.length).toBeGreaterThanOrEqual(4);

    const csv = await call('GET', `${path}?reason=INVALID_CSV_ROW`);
    expect(csv.body['items'].every((item: { reasonCode: string }) => item.reasonCode === 'INVALID_CSV_ROW')).toBe(true);
    const counts = all.body['counts'];
    const pending = await call('GET', `${path}?status=pending&limit=500`);
    expect(counts.pending).toBe(pending.body['items'].length);
    expect(typeof counts.replayed).toBe('number');
    expect(typeof counts.discarded).toBe('number');

    expect((await call('GET', `${path}?status=gone`)).status).toBe(400);
    expect((await call('GET', `${path}?cursor=xx`)).status).toBe(400);
    expect((await call('GET', `${path}?reason[$ne]=X`)).status).toBe(400);
    expect((await call('GET', `${path}?sort=1`)).status).toBe(400);
  });

  it('fix-and-replay: an invalid correction is a 400 per field; a valid one is stored, and replaying again is skipped', async () => {
    const customer = uniqueId('f');
    await produceInvalid(customer);
    const entry = await indexed((item) => item['payloadPreview'].includes(customer));

    const invalid = await call('POST', `${path}/replay`, {
      ids: [entry['id']],
      payload: transaction(customer, 1, { amount: 'still lots' }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body['errors']).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'payload.amount' })]),
    );
    const unknownField = await call('POST', `${path}/replay`, {
      ids: [entry['id']],
      payload: transaction(customer, 1, { isAdmin: true }),
    });
    expect(unknownField.status).toBe(400);
    expect((await call('GET', `${path}/${entry['id']}`)).body['status']).toBe('pending');

    const corrected = transaction(customer, 1, { amount: '12.50' });
    const first = await call('POST', `${path}/replay`, { ids: [entry['id']], payload: corrected });
    expect(first).toEqual({ status: 200, body: { replayed: 1, skipped: [] } });
    await waitFor(async () => (await countFor(customer)) === 1, { description: 'the corrected record stored' });
    expect(await records().findOne({ customerId: customer })).toMatchObject({ amount: '12.50', amountMinor: 1250 });

    const second = await call('POST', `${path}/replay`, { ids: [entry['id']], payload: corrected });
    expect(second.body).toEqual({ replayed: 0, skipped: [{ id: entry['id'], reason: 'already replayed' }] });
    const shown = (await call('GET', `${path}/${entry['id']}`)).body;
    expect(shown).toMatchObject({ status: 'replayed', replayCount: 1 });
    expect(Number.isNaN(Date.parse(shown['replayedAt']))).toBe(false);
  });

  it('replays every pending entry of a reason; a record replayed twice is stored once', async () => {
    const customer = uniqueId('r');
    // Valid records the consumer once refused for good (e.g. the database refused them).
    const letters = [1, 2].map((n) => {
      const event = createEvent(TOPICS.transactions, transaction(customer, n), { kind: 'http', name: 'test' });
      if (!event.ok) throw new Error(event.error.message);
      return {
        message: { key: event.value.key, value: encodeEvent(event.value.envelope) },
        error: { code: 'STORAGE_REJECTED', message: 'refused by the test' },
      };
    });
    await publishDeadLetters(producer, topic, [...letters, letters[0]]);
    // Only this test dead-letters STORAGE_REJECTED on this run's topic.
    await waitFor(
      async () =>
        (await call('GET', `${path}?reason=STORAGE_REJECTED&status=pending&limit=500`)).body['items'].length === 3,
      { description: 'three STORAGE_REJECTED entries', timeoutMs: 30_000 },
    );
    const listed = await call('GET', `${path}?reason=STORAGE_REJECTED&limit=500`);
    expect(listed.body['items'][0].source).toEqual({ kind: 'http', name: 'test' });

    const replay = await call('POST', `${path}/replay`, { reason: 'STORAGE_REJECTED' });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ replayed: 3, skipped: [], remaining: 0 });
    await waitFor(async () => (await countFor(customer)) === 2, { description: 'both records stored' });
    const marker = uniqueId('m');
    await producer.send(topic, [{ key: customer, value: JSON.stringify(transaction(marker, 1)) }]);
    await waitFor(async () => (await countFor(marker)) === 1, { description: 'a record after the replays' });
    expect(await countFor(customer)).toBe(2);
    const again = await call('POST', `${path}/replay`, { reason: 'STORAGE_REJECTED' });
    expect(again.body).toEqual({ replayed: 0, skipped: [], remaining: 0 });
  });

  it('discards an entry: kept, shown discarded, never replayed', async () => {
    const customer = uniqueId('d');
    await produceInvalid(customer);
    const entry = await indexed((item) => item['payloadPreview'].includes(customer));
    const discarded = await call('POST', `${path}/${entry['id']}/discard`);
    expect(discarded.status).toBe(200);
    expect(discarded.body).toMatchObject({ id: entry['id'], status: 'discarded' });
    expect(Number.isNaN(Date.parse(discarded.body['discardedAt']))).toBe(false);
    const replay = await call('POST', `${path}/replay`, { ids: [entry['id'], '9-999999'] });
    expect(replay.body).toEqual({
      replayed: 0,
      skipped: [
        { id: entry['id'], reason: 'discarded' },
        { id: '9-999999', reason: 'not found' },
      ],
    });
    expect((await call('POST', `${path}/9-999999/discard`)).status).toBe(404);
    const discardedOnly = await call('GET', `${path}?status=discarded`);
    expect(discardedOnly.body['items'].map((item: { id: string }) => item.id)).toContain(entry['id']);
    expect(discardedOnly.body['counts'].discarded).toBeGreaterThanOrEqual(1);
  });

  it('refuses malformed replay requests with 400', async () => {
    for (const body of [
      {},
      { ids: ['0-1'], reason: 'INVALID_PAYLOAD' },
      { reason: 'INVALID_PAYLOAD', payload: {} },
      { ids: ['0-1', '0-2'], payload: {} },
      { ids: ['0-1'], extra: true },
      { ids: [{ $gt: '' }] },
      { reason: { $ne: 'x' } },
      { ids: [] },
    ]) {
      const answer = await call('POST', `${path}/replay`, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
    }
  });
});
