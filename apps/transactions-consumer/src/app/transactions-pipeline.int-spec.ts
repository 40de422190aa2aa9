import { randomBytes } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { MongoClient } from 'mongodb';
import { createEvent, DLQ_HEADERS, dlqTopicOf, encodeEvent, TOPICS } from '@datalake/kafka-schemas';
import {
  createKafkaClient,
  EventProducer,
  ensureTopics,
  PlainProducer,
  TopicReader,
  type KafkaClient,
} from '@datalake/kafka-core';
import { startRecordServiceUnderTest } from '@datalake/records/testing';
import {
  getTestInfra,
  internalTokenHeaders,
  TcpProxy,
  TEST_ADMIN,
  uniqueId,
  waitFor,
  type TestInfra,
} from '@datalake/testing';
import { transactionsDefinition } from './transactions.definition';

/**
 * The consumer half of the pipeline against the real Kafka and MongoDB: a consumer service runs
 * in-process on its own group and database; records are produced as the ingest service would.
 * MongoDB is reached through a TCP proxy so a test can cut it off like an outage.
 */
describe('transactions pipeline (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let kafka: KafkaClient;
  let producer: EventProducer;
  let mongo: MongoClient;
  let mongoProxy: TcpProxy;
  let app: INestApplication | undefined;
  let baseUrl: string;
  /** `/metrics` and `/health/ready` answer here only. */
  let managementUrl: string;
  const secret = randomBytes(32).toString('hex');
  const SERVICE = 'transactions-consumer-test';
  /** The internal token the gateway would send (an admin's: the PUT and DELETE below need one). */
  const internal = () => internalTokenHeaders({ secret, audience: SERVICE, user: TEST_ADMIN });
  const runId = uniqueId('run');
  const database = `it_${runId}`;
  const groupId = `it-${runId}`;
  // A topic of this run's own (same schema) keeps other runs' and other suites' records out.
  const topic = `${TOPICS.transactions}.it-${runId}`;
  const STALL_SECONDS = 5;
  /** The source topic takes messages up to 2 MiB (a hostile producer's); its DLQ has Kafka's default. */
  const SOURCE_MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
  let rawProducer: PlainProducer;

  const collection = () => mongo.db(database).collection('transactions');
  const countFor = (customerId: string) => collection().countDocuments({ customerId });

  async function startConsumer(): Promise<void> {
    const proxiedUri = `mongodb://127.0.0.1:${mongoProxy.port}/?directConnection=true`;
    ({
      app,
      url: baseUrl,
      managementUrl,
    } = await startRecordServiceUnderTest({
      definition: transactionsDefinition,
      service: SERVICE,
      internalTokenSecret: secret,
      kafkaBrokers: infra.kafkaBrokers,
      mongoUri: proxiedUri,
      partitions: 3,
      groupId,
      database,
      topic,
      consumer: { stallSeconds: STALL_SECONDS },
    }));
  }

  async function stopConsumer(): Promise<void> {
    await app?.close();
    app = undefined;
  }

  function transaction(customerId: string, n: number, extra: Record<string, unknown> = {}) {
    return {
      transactionId: `${customerId}-tx-${n}`,
      customerId,
      amount: `${n}.25`,
      currency: 'usd',
      timestamp: new Date(Date.UTC(2026, 10, 24, 0, 0, n)).toISOString(),
      cardNumber: '4111 1111 1111 1111',
      ...extra,
    };
  }

  async function produce(records: unknown[], raw: string[] = []): Promise<void> {
    const messages = records.map((record) => {
      const event = createEvent(TOPICS.transactions, record, { kind: 'http', name: 'test' });
      if (!event.ok) throw new Error(event.error.message);
      return { key: event.value.key, value: encodeEvent(event.value.envelope) };
    });
    await producer.send(topic, [...messages, ...raw.map((value) => ({ key: 'bad', value }))]);
  }

  beforeAll(async () => {
    infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` });
    await ensureTopics(kafka, [
      { topic, numPartitions: 3, config: { 'max.message.bytes': String(SOURCE_MAX_MESSAGE_BYTES) } },
      { topic: dlqTopicOf(topic) },
    ]);
    producer = new EventProducer(kafka);
    await producer.connect();
    // A plain producer, as an outside client would write what the services never produce.
    rawProducer = new PlainProducer(kafka);
    await rawProducer.connect();
    mongo = await MongoClient.connect(infra.mongoUri);
    const target = new URL(infra.mongoUri.replace(/^mongodb(\+srv)?:\/\//, 'http://'));
    mongoProxy = new TcpProxy(target.hostname, Number(target.port || 27017));
    await mongoProxy.start();
    // The shared topic holds other runs' records: this run's group starts at its current end.
    await startConsumer();
  });

  afterAll(async () => {
    await stopConsumer();
    await producer?.disconnect();
    await rawProducer?.disconnect();
    await mongo
      ?.db(database)
      .dropDatabase()
      .catch(() => undefined);
    await mongo?.close();
    await mongoProxy?.stop();
  });

  it('stores N records exactly once, and the same N again changes nothing', async () => {
    const customer = uniqueId('c');
    const records = Array.from({ length: 40 }, (_, i) => transaction(customer, i));
    await produce(records);
    await waitFor(async () => (await countFor(customer)) === 40, { description: '40 stored transactions' });
    await produce(records);
    // The redelivered batch is consumed (offsets move) but replaces the same documents.
    const marker = uniqueId('m');
    await produce([transaction(marker, 1)]);
    await waitFor(async () => (await countFor(marker)) === 1, { description: 'the marker after the repeat' });
    expect(await countFor(customer)).toBe(40);
    const stored = await collection().findOne({ _id: `${customer}-tx-7` as never });
    expect(stored).toMatchObject({ amount: '7.25', amountMinor: 725, currency: 'USD', cardLast4: '1111' });
    expect(JSON.stringify(stored)).not.toContain('4111 1111');
  });

  /** Reads the DLQ from its start until stopped; entries as header map and value. */
  async function readDlq() {
    const dead: { headers: Record<string, string>; value: string; bytes: number }[] = [];
    const dlqReader = new TopicReader(kafka, {
      topics: [dlqTopicOf(topic)],
      from: 'beginning',
      groupId: `dlq-${uniqueId()}`,
      onMessage: (message) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        dead.push({ headers, value: String(message.value), bytes: message.value?.length ?? 0 });
      },
    });
    await dlqReader.start();
    return { dead, stop: () => dlqReader.stop() };
  }

  it('sends a malformed message to the DLQ with its reason and stores the rest', async () => {
    const customer = uniqueId('c');
    const { dead, stop } = await readDlq();

    const bad = JSON.stringify({
      transactionId: `${customer}-bad`,
      customerId: customer,
      amount: 'lots',
      currency: 'USD',
      timestamp: 1,
    });
    await produce([transaction(customer, 1), transaction(customer, 2)], [bad]);
    await waitFor(async () => (await countFor(customer)) === 2, { description: 'the two good records' });
    const letter = await waitFor(() => dead.find((entry) => entry.value === bad), { description: 'the DLQ entry' });
    await stop();

    expect(letter.headers[DLQ_HEADERS.errorCode]).toBe('INVALID_PAYLOAD');
    expect(letter.headers[DLQ_HEADERS.errorMessage]).toMatch(/amount/);
    expect(letter.headers[DLQ_HEADERS.originalTopic]).toBe(topic);
    expect(Number(letter.headers[DLQ_HEADERS.originalPartition])).toBeGreaterThanOrEqual(0);
    expect(Number(letter.headers[DLQ_HEADERS.originalOffset])).toBeGreaterThanOrEqual(0);
    expect(await collection().countDocuments({ _id: `${customer}-bad` as never })).toBe(0);
  });

  it('dead-letters a bare payload nested 6,000 deep as TOO_DEEP and stores the records after it', async () => {
    const customer = uniqueId('c');
    const { dead, stop } = await readDlq();
    const deep = JSON.stringify(transaction(customer, 0)).replace(
      /}$/,
      `,"extra":${'{"x":'.repeat(6000)}1${'}'.repeat(6000)}}`,
    );
    // Same key as the records after it: one partition, so those come strictly after the poison.
    await rawProducer.send(topic, [{ key: customer, value: deep }]);
    await rawProducer.send(
      topic,
      [1, 2, 3].map((n) => ({ key: customer, value: JSON.stringify(transaction(customer, n)) })),
    );
    await waitFor(async () => (await countFor(customer)) === 3, { description: 'the three records after the poison' });
    const letter = await waitFor(() => dead.find((entry) => entry.value === deep), {
      description: 'the TOO_DEEP DLQ entry',
    });
    await stop();
    expect(letter.headers[DLQ_HEADERS.errorCode]).toBe('TOO_DEEP');
    expect(letter.headers[DLQ_HEADERS.errorMessage]).toMatch(/deeper than 32/);
    expect(letter.headers[DLQ_HEADERS.originalTopic]).toBe(topic);
    expect(letter.headers).not.toHaveProperty(DLQ_HEADERS.truncated);
  });

  it('dead-letters a ~1,048,400-byte non-JSON value as a capped copy and stores the records after it', async () => {
    const customer = uniqueId('c');
    const { dead, stop } = await readDlq();
    const huge = Buffer.alloc(1_048_400, 'z');
    await rawProducer.send(topic, [{ key: customer, value: huge }]);
    await rawProducer.send(
      topic,
      [1, 2, 3].map((n) => ({ key: customer, value: JSON.stringify(transaction(customer, n)) })),
    );
    await waitFor(async () => (await countFor(customer)) === 3, {
      timeoutMs: 60000,
      description: 'the three records after the huge value',
    });
    const letter = await waitFor(() => dead.find((entry) => entry.headers[DLQ_HEADERS.originalBytes] === '1048400'), {
      description: 'the capped DLQ entry',
    });
    await stop();
    expect(letter.headers[DLQ_HEADERS.errorCode]).toBe('TOO_LARGE');
    expect(letter.headers[DLQ_HEADERS.truncated]).toBe('true');
    expect(letter.bytes).toBeLessThan(1_048_400);
    expect(letter.bytes).toBeGreaterThan(1_000_000);
    expect(letter.value).toMatch(/^z+$/);
  });

  it('shows a stall while MongoDB writes fail: the progress gauge rises, /health/ready reports it, then it clears', async () => {
    const customer = uniqueId('c');
    const gauge = async () => {
      const text = await (await fetch(`${managementUrl}/metrics`)).text();
      const values = [
        ...text.matchAll(
          new RegExp(
            `^datalake_consumer_seconds_since_progress\\{topic="${topic.replace(/\./g, '\\.')}",partition="\\d+"[^}]*\\} (\\S+)$`,
            'gm',
          ),
        ),
      ];
      return Math.max(0, ...values.map((match) => Number(match[1])));
    };
    const ready = async () => {
      const response = await fetch(`${managementUrl}/health/ready`);
      return { status: response.status, body: await response.json() };
    };
    expect(await gauge()).toBe(0);
    await mongoProxy.cut();
    try {
      await produce([transaction(customer, 1), transaction(customer, 2)]);
      const rising = await waitFor(async () => ((await gauge()) > STALL_SECONDS ? gauge() : false), {
        timeoutMs: 40000,
        description: `the gauge past ${STALL_SECONDS} s`,
      });
      expect(rising).toBeGreaterThan(STALL_SECONDS);
      const answer = await ready();
      // MongoDB itself is down, so readiness is 503 for that; the consumer's detail names the stall.
      expect(answer.status).toBe(503);
      expect(answer.body.details.mongo.status).toBe('down');
      expect(answer.body.details.consumer).toMatchObject({ status: 'up', stalled: true, stallSeconds: STALL_SECONDS });
      const stalled = answer.body.details.consumer.partitions.filter((p: { stalled: boolean }) => p.stalled);
      expect(stalled.length).toBeGreaterThan(0);
      expect(stalled[0]).toMatchObject({ topic });
      expect(typeof stalled[0].reason).toBe('string');
    } finally {
      await mongoProxy.restore();
    }
    await waitFor(async () => (await countFor(customer)) === 2, {
      timeoutMs: 60000,
      description: 'the records after MongoDB came back',
    });
    await waitFor(async () => (await gauge()) === 0, { description: 'the gauge back to 0' });
    const after = await ready();
    expect(after.status).toBe(200);
    expect(after.body.details.consumer.stalled).toBe(false);
  });

  it('loses nothing and duplicates nothing when the consumer stops mid-stream and restarts', async () => {
    const customer = uniqueId('c');
    const total = 600;
    const records = Array.from({ length: total }, (_, i) => transaction(customer, i));
    for (let i = 0; i < total; i += 100) await produce(records.slice(i, i + 100));
    await waitFor(async () => (await countFor(customer)) > 0, { description: 'consumption to begin' });
    await stopConsumer();
    const storedAtStop = await countFor(customer);
    await startConsumer();
    await waitFor(async () => (await countFor(customer)) === total, { description: `${total} records after restart` });
    expect(storedAtStop).toBeGreaterThan(0);
    expect(await countFor(customer)).toBe(total);
  });

  it('keeps an exact count when MongoDB goes away for a few seconds during consumption', async () => {
    const customer = uniqueId('c');
    const total = 300;
    const records = Array.from({ length: total }, (_, i) => transaction(customer, i));
    await mongoProxy.cut();
    for (let i = 0; i < total; i += 100) await produce(records.slice(i, i + 100));
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await countFor(customer)).toBe(0); // nothing could be written while cut off
    await mongoProxy.restore();
    await waitFor(async () => (await countFor(customer)) === total, {
      timeoutMs: 60000,
      description: `${total} records after MongoDB came back`,
    });
    expect(await countFor(customer)).toBe(total);
  });

  describe('internal query API', () => {
    const customer = uniqueId('page');

    beforeAll(async () => {
      const records = Array.from({ length: 120 }, (_, i) =>
        transaction(customer, i, {
          timestamp: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 1000).toISOString(),
        }),
      );
      await produce(records);
      await waitFor(async () => (await countFor(customer)) === 120, { description: '120 paging records' });
    });

    async function get(path: string) {
      const response = await fetch(`${baseUrl}${path}`, { headers: internal() });
      return { status: response.status, body: await response.json().catch(() => undefined) };
    }

    it('pages 120 records as 50, 50, 20, newest first, with no repeats even when records arrive between pages', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(`/transactions?customerId=${customer}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        sizes.push(page.body.items.length);
        seen.push(...page.body.items.map((item: { id: string }) => item.id));
        cursor = page.body.nextCursor;
        if (sizes.length === 1) {
          // A newer record arriving mid-listing does not shift later pages.
          await produce([transaction(customer, 999, { timestamp: '2027-01-01T00:00:00Z' })]);
          await waitFor(async () => (await countFor(customer)) === 121, { description: 'the late record' });
        }
      } while (cursor);
      expect(sizes).toEqual([50, 50, 20]);
      expect(new Set(seen).size).toBe(120);
      const first = await get(`/transactions?customerId=${customer}&limit=2`);
      expect(first.body.items[0].id).toBe(`${customer}-tx-999`);
    });

    it('filters by amount range, status and time window', async () => {
      const page = await get(`/transactions?customerId=${customer}&minAmount=10&maxAmount=19.25&limit=500`);
      expect(page.body.items).toHaveLength(10);
      const windowed = await get(
        `/transactions?customerId=${customer}&from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:03Z&limit=500`,
      );
      expect(windowed.body.items).toHaveLength(9);
      expect((await get(`/transactions?customerId=${customer}&status=refunded`)).body.items).toHaveLength(0);
    });

    it('exposes a record with a string id, normalised fields, ingestedAt and source; 404 for unknown', async () => {
      const record = await get(`/transactions/${customer}-tx-3`);
      expect(record.status).toBe(200);
      expect(record.body).toMatchObject({
        id: `${customer}-tx-3`,
        amount: '3.25',
        currency: 'USD',
        cardLast4: '1111',
        source: { kind: 'http', name: 'test' },
      });
      expect(typeof record.body.ingestedAt).toBe('string');
      expect(record.body).not.toHaveProperty('amountValue');
      expect((await get('/transactions/does-not-exist')).status).toBe(404);
    });

    it('updates mutable fields only, recomputing risk flags, and deletes', async () => {
      const url = `${baseUrl}/transactions/${customer}-tx-4`;
      const put = (body: unknown) =>
        fetch(url, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...internal() },
          body: JSON.stringify(body),
        });
      const updated = await put({ status: 'failed', merchant: 'Shop' });
      expect(updated.status).toBe(200);
      expect(await updated.json()).toMatchObject({ status: 'failed', merchant: 'Shop', riskFlags: ['failed_payment'] });
      expect((await put({ amount: '1' })).status).toBe(400);
      expect((await put({ status: { $ne: 'x' } })).status).toBe(400);
      expect((await fetch(url, { method: 'DELETE', headers: internal() })).status).toBe(204);
      expect((await fetch(url, { method: 'DELETE', headers: internal() })).status).toBe(404);
    });

    it('refuses operator-shaped and array query parameters with 400', async () => {
      expect((await get(`/transactions?customerId[$ne]=x`)).status).toBe(400);
      expect((await get(`/transactions?customerId=a&customerId=b`)).status).toBe(400);
      expect((await get(`/transactions?limit=501`)).status).toBe(400);
      expect((await get(`/transactions?cursor=not-a-cursor`)).status).toBe(400);
      expect((await get(`/transactions?from=yesterday`)).status).toBe(400);
    });
  });
});
