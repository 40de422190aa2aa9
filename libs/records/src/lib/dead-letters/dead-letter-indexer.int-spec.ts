import { MongoClient, type Db } from 'mongodb';
import {
  createKafkaClient,
  EventProducer,
  ensureTopics,
  publishDeadLetters,
  silentLogger,
  type KafkaClient,
} from '@datalake/kafka-core';
import { dlqTopicOf, TOPICS } from '@datalake/kafka-schemas';
import { getTestInfra, uniqueId, waitFor } from '@datalake/testing';
import { DeadLetterIndexer } from './dead-letter-indexer';
import { DeadLetterRepository } from './dead-letter.repository';

/**
 * The dead-letter indexer against the real Kafka and MongoDB wire server: a DLQ topic that starts
 * its offsets from 0 again (recreated, or another topic prefix on the same database) gets entries
 * of its own, and consuming a DLQ again with a new group adds nothing twice and keeps statuses.
 */
describe('DeadLetterIndexer (real Kafka and MongoDB)', () => {
  let kafka: KafkaClient;
  let producer: EventProducer;
  let client: MongoClient;
  let db: Db;
  let repository: DeadLetterRepository;
  const indexers: DeadLetterIndexer[] = [];
  const runId = uniqueId('dli');
  const topic = TOPICS.transactions;

  /** A one-partition DLQ under `prefix`, so each prefix's first dead letter is at partition 0, offset 0. */
  async function deadLetter(prefix: string, marker: string): Promise<void> {
    await ensureTopics(kafka, [{ topic: dlqTopicOf(`${prefix}${topic}`), numPartitions: 1 }]);
    await publishDeadLetters(producer, `${prefix}${topic}`, [
      {
        message: { key: marker, value: `{"marker":"${marker}"}` },
        error: { code: 'INVALID_PAYLOAD', message: marker },
      },
    ]);
  }

  async function startIndexer(prefix: string, group: string): Promise<void> {
    const indexer = new DeadLetterIndexer(kafka, repository, {
      topic,
      topicPrefix: prefix,
      groupId: `${runId}-${group}`,
      logger: silentLogger,
    });
    indexers.push(indexer);
    await indexer.start();
  }

  async function listed(marker: string) {
    return waitFor(
      async () => {
        const found = (await repository.list({ limit: 100 })).items.filter((entry) => entry.reasonMessage === marker);
        return found.length > 0 && found;
      },
      { description: `the dead letter ${marker} indexed`, timeoutMs: 30_000 },
    );
  }

  beforeAll(async () => {
    const infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: runId });
    producer = new EventProducer(kafka);
    await producer.connect();
    client = await MongoClient.connect(infra.mongoUri);
    db = client.db(`it_${runId}`);
    repository = new DeadLetterRepository(db);
    await repository.ensureIndexes();
  });

  afterAll(async () => {
    for (const indexer of indexers) await indexer.stop();
    await producer?.disconnect();
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  it('lists the dead letter at offset 0 of a second DLQ topic beside the first one at offset 0', async () => {
    await deadLetter(`${runId}-a.`, 'first');
    await startIndexer(`${runId}-a.`, 'a');
    const [first] = await listed('first');

    await deadLetter(`${runId}-b.`, 'second');
    await startIndexer(`${runId}-b.`, 'b');
    const [second] = await listed('second');

    expect(second._id).not.toBe(first._id);
    expect(second._id.split('-').slice(0, 2)).toEqual(first._id.split('-').slice(0, 2));
    expect(second.status).toBe('pending');
    expect((await repository.list({ limit: 100 })).items).toHaveLength(2);
  });

  it('consuming a DLQ again with a new group adds nothing twice and keeps the status set meanwhile', async () => {
    const [first] = await listed('first');
    await repository.discard(first._id, new Date());
    await startIndexer(`${runId}-a.`, 'a-again');
    // The new group reads partition 0 from the beginning: once 'third' is listed, 'first' was consumed again.
    await deadLetter(`${runId}-a.`, 'third');
    await listed('third');
    const again = await listed('first');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ _id: first._id, status: 'discarded' });
  });
});
