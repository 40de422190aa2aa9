import type { Kafka } from 'kafkajs';
import { getTestInfra, uniqueId, waitFor } from '@datalake/testing';
import { BatchConsumer } from './batch-consumer';
import { EventProducer } from './event-producer';
import { createKafkaClient } from './kafka-client';
import { ensureTopics, pingKafka } from './topic-admin';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('libs/kafka against a real broker', () => {
  let kafka: Kafka;

  beforeAll(async () => {
    const infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: uniqueId('kafka-it'), logger: quiet });
  });

  it('answers a ping', async () => {
    await expect(pingKafka(kafka)).resolves.toBeUndefined();
  });

  it('creates a missing topic with the requested partitions, and leaves an existing one alone', async () => {
    const topic = uniqueId('it-topic-');
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 2 }])).toEqual([topic]);
    expect(await ensureTopics(kafka, [{ topic, numPartitions: 5 }])).toEqual([]);
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0].partitions).toHaveLength(2);
  });

  it('lets services that start together race to create the same topics', async () => {
    const topics = [uniqueId('it-race-a-'), uniqueId('it-race-b-')].flatMap((t) => [
      { topic: t },
      { topic: `${t}.dlq` },
    ]);
    const results = await Promise.all([1, 2, 3].map(() => ensureTopics(kafka, topics)));
    // None of the racers failed, and each reported only topics that were asked for.
    expect(results).toHaveLength(3);
    for (const created of results.flat()) expect(topics.map((spec) => spec.topic)).toContain(created);
    const admin = kafka.admin();
    await admin.connect();
    const existing = await admin.listTopics();
    await admin.disconnect();
    for (const spec of topics) expect(existing).toContain(spec.topic);
  });

  it('consumes produced messages in batches and commits only after the handler succeeded', async () => {
    const topic = uniqueId('it-batch-');
    const groupId = uniqueId('it-group-');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.send(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );

    const seen: string[] = [];
    let failuresLeft = 2;
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topics: [topic],
      logger: quiet,
      retryInitialMs: 50,
      handler: async (batch) => {
        if (failuresLeft-- > 0) throw new Error('transient failure'); // retried, not skipped
        seen.push(...batch.messages.map((message) => String(message.value)));
      },
    });
    await consumer.start();
    await waitFor(() => seen.length >= 20, { description: '20 consumed messages' });
    await new Promise((resolve) => setTimeout(resolve, 2000)); // a handled batch must not come again
    await consumer.stop();
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(offsets[0].partitions[0].offset).toBe('20');
    await producer.disconnect();
  });

  it('does not commit a batch whose handler never succeeded', async () => {
    const topic = uniqueId('it-nocommit-');
    const groupId = uniqueId('it-group-');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const producer = new EventProducer(kafka);
    await producer.connect();
    await producer.send(topic, [{ key: 'a', value: 'x' }]);
    let attempts = 0;
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topics: [topic],
      logger: quiet,
      retryInitialMs: 50,
      handler: async () => {
        attempts++;
        throw new Error('down');
      },
    });
    await consumer.start();
    await waitFor(() => attempts >= 3, { description: 'three attempts' });
    await consumer.stop();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(offsets[0].partitions[0].offset).toBe('-1'); // nothing committed
    await producer.disconnect();
  });
});
