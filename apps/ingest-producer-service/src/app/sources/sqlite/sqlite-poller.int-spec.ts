import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createKafkaClient, type KafkaClient } from '@datalake/kafka-core';
import { TOPICS } from '@datalake/kafka-schemas';
import { getTestInfra, uniqueId, waitFor, type TestInfra } from '@datalake/testing';
import { startIngestApp, type IngestApp } from '../testing/ingest-app';
import { TopicCollector } from '../testing/topic-collector';

/**
 * Live SQLite tables polled incrementally (SQLITE_SOURCES) against the real Kafka and MongoDB:
 * rows added while the service polls arrive exactly once, also across a restart, and an
 * updated-at source produces updated rows again.
 */
describe('SQLite polling (real Kafka and MongoDB)', () => {
  let infra: TestInfra;
  let kafka: KafkaClient;
  let dir: string;
  let db: Database.Database;
  let ingest: IngestApp | undefined;
  let collector: TopicCollector;
  const runId = uniqueId('sq');
  let inserted = 0;

  const start = async () => {
    ingest = await startIngestApp(infra, {
      INGEST_SOURCES: 'sqlite',
      INGEST_POLL_INTERVAL_MS: '150',
      INGEST_CHUNK_SIZE: '25',
      SQLITE_SOURCES: JSON.stringify([
        {
          name: `${runId}-orders`,
          path: join(dir, 'shop.db'),
          table: 'orders',
          topic: 'transactions',
          columns: { created_at: 'timestamp' },
        },
        {
          name: `${runId}-posts`,
          path: join(dir, 'shop.db'),
          table: 'posts',
          topic: 'social_posts',
          mode: 'timestamp',
          column: 'updated_at',
        },
      ]),
    });
  };
  const stop = async () => {
    await ingest?.close();
    ingest = undefined;
  };
  const insertOrders = (count: number) => {
    const insert = db.prepare(
      'INSERT INTO orders (transaction_id, customer_id, amount, currency, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        inserted++;
        insert.run(
          `${runId}-o${inserted}`,
          'cust-1',
          `${inserted}.99`,
          'USD',
          new Date(Date.UTC(2026, 10, 24, 0, 0, inserted)).toISOString(),
        );
      }
    })();
  };
  const orders = () => collector.eventsWhere('transactionId', `${runId}-o`);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 800));

  beforeAll(async () => {
    infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: `it-${runId}` });
    dir = mkdtempSync(join(tmpdir(), 'ingest-sqlite-it-'));
    db = new Database(join(dir, 'shop.db'));
    db.pragma('journal_mode = WAL');
    db.exec(`
      CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT, transaction_id TEXT NOT NULL, customer_id TEXT, amount TEXT, currency TEXT, created_at TEXT);
      CREATE TABLE posts (post_id TEXT PRIMARY KEY, platform TEXT, author TEXT, content TEXT, timestamp TEXT, likes INTEGER, updated_at TEXT);
    `);
    insertOrders(20);
    collector = new TopicCollector(kafka, TOPICS.transactions, runId);
    await collector.start();
    await start();
  });

  afterAll(async () => {
    await stop();
    await collector?.stop();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('produces the rows already in the table', async () => {
    await waitFor(() => orders().length >= 20, { description: 'the first 20 rows' });
    await settle();
    expect(orders()).toHaveLength(20);
    expect(orders()[0].envelope).toMatchObject({
      source: { kind: 'sqlite', name: `${runId}-orders` },
      payload: { currency: 'USD', customerId: 'cust-1' },
    });
  });

  it('gets exactly 100 more when 100 rows are added while it polls', async () => {
    for (let batch = 0; batch < 10; batch++) {
      insertOrders(10);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await waitFor(() => orders().length >= 120, { description: '120 rows' });
    await settle();
    expect(orders()).toHaveLength(120);
    expect(collector.duplicates()).toEqual([]);
  });

  it('resumes at its checkpoint after a restart: nothing resent, nothing skipped', async () => {
    await stop();
    insertOrders(15); // written while the service is down
    await start();
    insertOrders(5);
    await waitFor(() => orders().length >= 140, { description: '140 rows' });
    await settle();
    expect(orders()).toHaveLength(140);
    expect(new Set(orders().map((e) => e.key)).size).toBe(140);
  });

  it('polls an updated-at source: new and updated rows are produced, unchanged ones are not', async () => {
    const posts = new TopicCollector(kafka, TOPICS.socialPosts, runId);
    await posts.start();
    try {
      const upsert = db.prepare(
        'INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(post_id) DO UPDATE SET likes = excluded.likes, updated_at = excluded.updated_at',
      );
      for (let i = 1; i <= 5; i++)
        upsert.run(
          `${runId}-p${i}`,
          'mastodon',
          'alice',
          `post ${i} #sqlite`,
          '2026-11-24T10:00:00Z',
          0,
          `2026-11-24T10:00:0${i}Z`,
        );
      await waitFor(() => posts.count >= 5, { description: '5 posts' });
      upsert.run(
        `${runId}-p2`,
        'mastodon',
        'alice',
        'post 2 #sqlite',
        '2026-11-24T10:00:00Z',
        42,
        '2026-11-24T11:00:00Z',
      );
      await waitFor(() => posts.count >= 6, { description: 'the updated post' });
      await settle();
      expect(posts.count).toBe(6);
      expect(posts.keyCounts.get(`mastodon:${runId}-p2`)).toBe(2);
      expect(posts.events.at(-1)?.envelope.payload).toMatchObject({ postId: `${runId}-p2`, likes: 42 });
    } finally {
      await posts.stop();
    }
  });
});
