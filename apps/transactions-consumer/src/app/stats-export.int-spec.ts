import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { INestApplication } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { MongoClient } from 'mongodb';
import { createEvent, dlqTopicOf, encodeEvent, TOPICS, type SourceKind } from '@datalake/kafka-schemas';
import { createKafkaClient, EventProducer, ensureTopics, type KafkaClient } from '@datalake/kafka-core';
import {
  CATALOGUED_LEVELS,
  csvColumnsOf,
  partitionsOf,
  PARTITIONS_FIELD,
  recordPartitionIds,
  type Partition,
  type RecordDocument,
} from '@datalake/records';
import { startRecordServiceUnderTest } from '@datalake/records/testing';
import { getTestInfra, internalTokenHeaders, TEST_ADMIN, uniqueId, waitFor, type TestInfra } from '@datalake/testing';
import { formatMinorSum, transactionsDefinition } from './transactions.definition';

/**
 * Stats and export of a record service against the real Kafka and MongoDB wire server: the stats
 * answer is checked against the records actually stored (recomputed here from the collection),
 * through new records, redeliveries, a changed re-send, a PUT and a DELETE.
 */
describe('transactions stats and export (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let kafka: KafkaClient;
  let producer: EventProducer;
  let mongo: MongoClient;
  let app: INestApplication;
  let baseUrl: string;
  const runId = uniqueId('run');
  const secret = randomBytes(32).toString('hex');
  /** The internal token the gateway would send (an admin's: writes and dead letters need one). */
  const internal = () => internalTokenHeaders({ secret, audience: 'transactions-consumer-test', user: TEST_ADMIN });
  const database = `it_${runId}`;
  const topic = `${TOPICS.transactions}.it-${runId}`;
  const customer = uniqueId('c');
  const HOUR = { from: '2026-11-24T00:00:00.000Z', to: '2026-11-24T01:00:00.000Z' };
  const CURRENCIES = ['usd', 'jpy', 'eur'];

  const collection = () => mongo.db(database).collection<RecordDocument>('transactions');

  function transaction(n: number, extra: Record<string, unknown> = {}) {
    const currency = CURRENCIES[n % 3];
    return {
      transactionId: `${customer}-tx-${n}`,
      customerId: customer,
      amount: currency === 'jpy' ? `${1000 + n}` : `${n * 7}.${String(n % 100).padStart(2, '0')}`,
      currency,
      status: ['pending', 'completed', 'failed', 'refunded'][n % 4],
      timestamp: new Date(Date.parse(HOUR.from) + n * 37_000).toISOString(),
      merchant: n % 5 === 0 ? `Shop "${n}", Inc.\nSecond line` : `shop-${n}`,
      ...extra,
    };
  }

  const kindOf = (n: number): SourceKind => (n % 3 === 0 ? 'file' : 'http');

  function eventsOf(records: { n: number; record: Record<string, unknown> }[]) {
    return records.map(({ n, record }) => {
      const event = createEvent(TOPICS.transactions, record, { kind: kindOf(n), name: 'test' });
      if (!event.ok) throw new Error(event.error.message);
      return { key: event.value.key, value: encodeEvent(event.value.envelope) };
    });
  }

  /** The stats answer recomputed from the stored records (the oracle). */
  async function expectedStats(range: { from: string; to: string }, interval: 'minute' | 'hour') {
    const stored = await collection()
      .find({ timestamp: { $gte: new Date(range.from), $lt: new Date(range.to) } })
      .toArray();
    const step = interval === 'minute' ? 60_000 : 3_600_000;
    const series = [];
    for (let t = Date.parse(range.from); t < Date.parse(range.to); t += step) {
      const inBucket = stored.filter((r) => r.timestamp.getTime() >= t && r.timestamp.getTime() < t + step);
      series.push({
        start: new Date(t).toISOString(),
        count: inBucket.length,
        bySource: countBy(inBucket, (r) => r.source.kind),
      });
    }
    const sums = new Map<string, { count: number; minor: bigint }>();
    for (const r of stored) {
      const sum = sums.get(r['currency'] as string) ?? { count: 0, minor: 0n };
      sum.count += 1;
      sum.minor += BigInt(r['amountMinor'] as number);
      sums.set(r['currency'] as string, sum);
    }
    return {
      from: range.from,
      to: range.to,
      interval,
      total: stored.length,
      bySource: countBy(stored, (r) => r.source.kind),
      series,
      amounts: [...sums.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([currency, sum]) => ({ currency, count: sum.count, sum: formatMinorSum(currency, sum.minor) })),
      byStatus: countBy(stored, (r) => r['status'] as string),
    };
  }

  function countBy(records: RecordDocument[], key: (r: RecordDocument) => string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of records) counts[key(r)] = (counts[key(r)] ?? 0) + 1;
    return counts;
  }

  async function stats(query: string) {
    const response = await authedFetch(`${baseUrl}/transactions/stats?${query}`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /**
   * The stats answer equals the oracle recomputed from the stored records. The consumer writes the
   * records of a batch in steps (inserts, then replacements), so both are read again until they
   * agree; a missed or doubled change never agrees and fails with the last difference.
   */
  async function expectStatsMatchStored(): Promise<void> {
    const compare = async () => {
      const minute = await stats(`from=${HOUR.from}&to=${HOUR.to}&interval=minute`);
      const hour = await stats(`from=${HOUR.from}&to=${HOUR.to}&interval=hour`);
      return {
        minute,
        hour,
        expectedMinute: await expectedStats(HOUR, 'minute'),
        expectedHour: await expectedStats(HOUR, 'hour'),
      };
    };
    let last = await compare();
    await waitFor(
      async () => {
        last = await compare();
        return (
          isDeepStrictEqual(last.minute.body, last.expectedMinute) &&
          isDeepStrictEqual(last.hour.body, last.expectedHour)
        );
      },
      { timeoutMs: 10_000, description: 'the stats to match the stored records' },
    ).catch(() => undefined);
    expect(last.minute.status).toBe(200);
    expect(last.minute.body).toEqual(last.expectedMinute);
    expect(last.hour.body).toEqual(last.expectedHour);
    const day = await stats(`from=2026-11-24T00:00:00.000Z&to=2026-11-25T00:00:00.000Z&interval=day`);
    expect(day.body['total']).toBe(last.minute.body['total']);
    expect(day.body['amounts']).toEqual(last.minute.body['amounts']);
  }

  async function sendAndWait(messages: { key: string; value: string }[]): Promise<void> {
    // One partition: the marker is stored after everything sent before it was consumed.
    const marker = `${customer}-marker-${uniqueId('m')}`;
    const [markerEvent] = eventsOf([
      { n: 1, record: transaction(1, { transactionId: marker, timestamp: '2026-11-23T00:00:00Z' }) },
    ]);
    await producer.send(topic, [...messages, markerEvent]);
    await waitFor(async () => (await collection().countDocuments({ _id: marker })) === 1, {
      description: 'the marker after the batch',
    });
  }

  /** fetch with the internal token: the service answers nobody else. */
  const authedFetch = (url: string, init: RequestInit = {}) =>
    fetch(url, { ...init, headers: { ...internal(), ...((init.headers as Record<string, string>) ?? {}) } });

  beforeAll(async () => {
    infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` });
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }, { topic: dlqTopicOf(topic) }]);
    producer = new EventProducer(kafka);
    await producer.connect();
    mongo = await MongoClient.connect(infra.mongoUri);
    ({ app, url: baseUrl } = await startRecordServiceUnderTest({
      definition: transactionsDefinition,
      service: 'transactions-consumer-test',
      internalTokenSecret: secret,
      kafkaBrokers: infra.kafkaBrokers,
      mongoUri: infra.mongoUri,
      partitions: 1,
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

  const N = 60;
  const original = Array.from({ length: N }, (_, n) => ({ n, record: transaction(n) }));
  let firstDelivery: { key: string; value: string }[];

  it('answers exact counts and per-currency sums of the stored records', async () => {
    firstDelivery = eventsOf(original);
    await sendAndWait(firstDelivery);
    expect(await collection().countDocuments({ customerId: customer })).toBe(N + 1);
    await expectStatsMatchStored();
    const { body } = await stats(`from=${HOUR.from}&to=${HOUR.to}`);
    expect(body['total']).toBe(N);
    expect((body['series'] as unknown[]).length).toBe(60);
  });

  it('counts a redelivered record once, and a re-sent record with a new amount and currency by its new values', async () => {
    const resentSame = eventsOf([original[4]]); // new event id, same fields
    const changed = eventsOf([{ n: 7, record: transaction(7, { amount: '123456789.99', currency: 'gbp' }) }]);
    await sendAndWait([...firstDelivery, ...resentSame, ...changed]);
    await waitFor(async () => (await collection().findOne({ _id: `${customer}-tx-7` }))?.['currency'] === 'GBP', {
      description: 'the changed re-send stored',
    });
    const stored = await collection().findOne({ _id: `${customer}-tx-7` });
    expect(stored).toMatchObject({ currency: 'GBP', amountMinor: 12345678999 });
    await expectStatsMatchStored();
    const { body } = await stats(`from=${HOUR.from}&to=${HOUR.to}`);
    expect(body['total']).toBe(N);
    expect(body['amounts']).toContainEqual({ currency: 'GBP', count: 1, sum: '123456789.99' });
  });

  it('follows a PUT (old status taken back, new one counted) and a DELETE', async () => {
    const put = await authedFetch(`${baseUrl}/transactions/${customer}-tx-8`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'refunded' }),
    });
    expect(put.status).toBe(200);
    const removed = await authedFetch(`${baseUrl}/transactions/${customer}-tx-9`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    await expectStatsMatchStored();
    const { body } = await stats(`from=${HOUR.from}&to=${HOUR.to}`);
    expect(body['total']).toBe(N - 1);
  });

  it('refuses invalid stats queries with 400 and a message', async () => {
    for (const query of [
      'interval=week',
      `from=${HOUR.to}&to=${HOUR.from}`,
      'from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&interval=minute',
      'from[$gt]=x',
      'unknown=1',
    ]) {
      const answer = await stats(query);
      expect(answer.status).toBe(400);
      expect(typeof answer.body['detail']).toBe('string');
    }
    expect((await stats('from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&interval=minute')).status).toBe(200);
  });

  /** The stored records of this run's customer, newest first, as the list answers them. */
  async function listedRecords(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor = '';
    for (;;) {
      const page = (await (
        await authedFetch(`${baseUrl}/transactions?customerId=${customer}&limit=500${cursor}`)
      ).json()) as { items: Record<string, unknown>[]; nextCursor: string | null };
      items.push(...page.items);
      if (!page.nextCursor) return items;
      cursor = `&cursor=${page.nextCursor}`;
    }
  }

  it('exports every matching record newest first as NDJSON, the same as the listing', async () => {
    const listed = await listedRecords();
    for (const query of [`customerId=${customer}`, `from=2026-11-23T00:00:00Z&to=${HOUR.to}`]) {
      const response = await authedFetch(`${baseUrl}/transactions/export?format=ndjson&${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(response.headers.get('content-disposition')).toMatch(
        /^attachment; filename="transactions-\d{8}T\d{6}Z\.ndjson"$/,
      );
      const text = await response.text();
      expect(text.endsWith('\n')).toBe(true);
      const exported = text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(exported).toEqual(listed);
    }
    const filtered = await authedFetch(
      `${baseUrl}/transactions/export?status=refunded&from=${HOUR.from}&to=${HOUR.to}`,
    );
    const refunded = (await filtered.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; status: string });
    const inHour = (r: Record<string, unknown>) => Date.parse(r['timestamp'] as string) >= Date.parse(HOUR.from);
    expect(refunded.map((r) => r.id)).toEqual(
      listed.filter((r) => r['status'] === 'refunded' && inHour(r)).map((r) => r['id']),
    );
    expect(refunded.length).toBeGreaterThan(10);
  });

  it('exports CSV with a header row of the stored fields and RFC 4180 quoting', async () => {
    const listed = await listedRecords();
    const response = await authedFetch(`${baseUrl}/transactions/export?format=csv&customerId=${customer}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parse(await response.text()) as string[][];
    const columns = csvColumnsOf(transactionsDefinition);
    expect(rows[0]).toEqual(columns);
    expect(rows.length - 1).toBe(listed.length);
    for (const [index, record] of listed.entries()) {
      const row = Object.fromEntries(columns.map((column, i) => [column, rows[index + 1][i]]));
      expect(row['id']).toBe(record['id']);
      expect(row['amount']).toBe(record['amount']);
      expect(row['merchant']).toBe(record['merchant'] ?? '');
      expect(row['source.kind']).toBe((record['source'] as { kind: string }).kind);
      expect(row['riskFlags']).toBe(JSON.stringify(record['riskFlags']));
    }
    expect(rows.some((row) => row.includes(`Shop "0", Inc.\nSecond line`))).toBe(true);
  });

  it('refuses invalid export queries before streaming anything', async () => {
    for (const query of ['format=xml', 'status[$ne]=x', 'nope=1', 'cursor=!!']) {
      const response = await authedFetch(`${baseUrl}/transactions/export?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/json/);
    }
  });

  it('streams a 100,000-record export with bounded memory', async () => {
    const TOTAL = 100_000;
    const start = Date.parse('2026-10-01T00:00:00Z');
    const seedStarted = Date.now();
    // Seeded straight into the collection and its partition catalogue (as the repository writes
    // them), not through Kafka: this test is about the read.
    const catalogue = new Map<string, Partition & { count: number }>();
    const seed = async (offset: number) => {
      const batch = Array.from({ length: 5_000 }, (_, i) => {
        const n = offset + i;
        const timestamp = new Date(start + n * 60);
        for (const partition of partitionsOf(timestamp).filter((p) => CATALOGUED_LEVELS.includes(p.level))) {
          const entry = catalogue.get(partition.id) ?? { ...partition, count: 0 };
          entry.count += 1;
          catalogue.set(partition.id, entry);
        }
        return {
          _id: `bulk-${n}`,
          transactionId: `bulk-${n}`,
          customerId: `bulk-c-${n % 100}`,
          amount: '12.34',
          amountMinor: 1234,
          amountValue: 12.34,
          currency: 'USD',
          status: 'completed',
          riskFlags: [],
          // ~600 bytes a record: the whole export is ~70 MB, far above the memory bound below.
          merchant: `merchant ${n} ${'x'.repeat(400)}`,
          timestamp,
          ingestedAt: new Date(),
          source: { kind: 'file', name: 'bulk' },
          eventId: `bulk-e-${n}`,
          [PARTITIONS_FIELD]: recordPartitionIds(timestamp),
        } as RecordDocument;
      });
      await collection().insertMany(batch, { ordered: false });
    };
    for (let offset = 0; offset < TOTAL; offset += 10_000) await Promise.all([seed(offset), seed(offset + 5_000)]);
    // Added to the catalogue the service already keeps (the year and month partitions exist from
    // the tests above), in bulks of 40 updates (FerretDB's matched-update limit).
    const updates = [...catalogue.values()].map(({ count, ...partition }) => ({
      updateOne: {
        filter: { _id: partition.id },
        update: { $inc: { count }, $setOnInsert: partition },
        upsert: true,
      },
    }));
    for (let i = 0; i < updates.length; i += 40) {
      await mongo
        .db(database)
        .collection('transactions_partitions')
        .bulkWrite(updates.slice(i, i + 40) as never[], { ordered: true });
    }
    await new Promise((done) => setTimeout(done, 1_500)); // the service caches its catalogue for 1 s
    const seedMs = Date.now() - seedStarted;

    const before = process.memoryUsage();
    let peakHeap = before.heapUsed;
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakRss = Math.max(peakRss, now.rss);
    }, 20);
    const exportStarted = Date.now();
    const response = await authedFetch(
      `${baseUrl}/transactions/export?format=ndjson&from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z`,
    );
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let bytes = 0;
    let lines = 0;
    let last = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 10) lines += 1;
      last = (last + Buffer.from(value.subarray(Math.max(0, value.byteLength - 2000))).toString()).slice(-2000);
    }
    clearInterval(sampler);
    const exportMs = Date.now() - exportStarted;
    const heapGrowth = peakHeap - before.heapUsed;
    console.log(
      `100k export: seeded in ${seedMs} ms, exported ${lines} records (${(bytes / 1e6).toFixed(1)} MB) in ${exportMs} ms; ` +
        `peak heap growth ${(heapGrowth / 1e6).toFixed(1)} MB, peak RSS growth ${((peakRss - before.rss) / 1e6).toFixed(1)} MB`,
    );
    expect(lines).toBe(TOTAL);
    expect(last.trimEnd().split('\n').pop()).toContain('"id":"bulk-0"'); // oldest last
    expect(bytes).toBeGreaterThan(60e6);
    // Server and client in this process: both stream, so the heap grows by far less than the export.
    expect(heapGrowth).toBeLessThan(48e6);
  }, 180_000);
});
