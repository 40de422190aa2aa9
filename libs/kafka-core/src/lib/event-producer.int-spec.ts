import { connect, type Socket } from 'node:net';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { getTestInfra, uniqueId } from '@datalake/testing';
import { EventProducer, ProduceFailedError } from './event-producer';
import { createKafkaClient } from './kafka-client';
import { readTopicMessageLimit } from './message-limit';
import type { OutgoingRecord } from './records';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Every message on the topic up to its current end, as key -> how many times it is there. */
async function keysOnTopic(kafka: Kafka, topic: string): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.map((end) => [end.partition, Number(end.high)]));
  const counts = new Map<string, number>();
  if ([...remaining.values()].every((high) => high === 0)) return counts;
  const consumer = kafka.consumer({ groupId: uniqueId('it-read-') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${topic} not read to its end within 30 s`)), 30_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = String(message.key);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (Number(message.offset) + 1 >= (remaining.get(partition) ?? 0)) remaining.delete(partition);
        if ([...remaining.entries()].every(([, high]) => high === 0) || remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return counts;
}

async function createTopic(
  kafka: Kafka,
  topic: string,
  configEntries: { name: string; value: string }[] = [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, configEntries }] });
  await admin.disconnect();
}

const keysOf = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/**
 * A client whose connections to the real broker can be stalled: paused sockets deliver no answer,
 * as when Kafka or the network hangs, while what was already sent still reaches the broker.
 */
function stallableKafka(brokers: string[]) {
  const sockets = new Set<Socket>();
  let stalled = false;
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = connect({ host, port }, onConnect);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (stalled) socket.pause();
    return socket;
  };
  return {
    kafka: new Kafka({ clientId: uniqueId('it-stall-'), brokers, socketFactory, logLevel: logLevel.NOTHING }),
    stall: () => {
      stalled = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      stalled = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

const messages = (prefix: string, count: number, valueBytes: number): OutgoingRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    key: `${prefix}-${i}`,
    value: `${prefix}-${i}:`.padEnd(valueBytes, 'm'),
  }));

describe('EventProducer against a real broker', () => {
  let kafka: Kafka;
  let producer: EventProducer;

  beforeAll(async () => {
    const infra = await getTestInfra();
    kafka = createKafkaClient({ brokers: infra.kafkaBrokers, clientId: uniqueId('producer-it'), logger: quiet });
  });

  afterEach(async () => {
    await producer?.disconnect();
  });

  it('takes 60 messages of 60 KB in one send (3.6 MB), then single messages, each stored exactly once', async () => {
    const topic = uniqueId('it-big-');
    await createTopic(kafka, topic);
    producer = new EventProducer(kafka);
    await producer.connect();
    // The reproduction: before, one request carried all 60 and the broker refused part of it.
    await producer.send(topic, messages('big', 60, 60_000));
    for (let i = 0; i < 30; i++) await producer.send(topic, messages(`single${i}`, 1, 100));
    const counts = await keysOnTopic(kafka, topic);
    expect(counts.size).toBe(90);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });

  it('after a request the broker refused, replaces its producer: every acknowledged message is stored once and later sends work', async () => {
    // A topic whose own limit is far below the producer's: the broker refuses the partitions whose
    // batch is over it and stores the others, the failure that broke kafkajs's sequence numbers.
    const topic = uniqueId('it-refused-');
    await createTopic(kafka, topic, [{ name: 'max.message.bytes', value: '100000' }]);
    producer = new EventProducer(kafka); // 1 MiB limit on purpose: the topic limit is not adopted here
    await producer.connect();

    // 14, 11 and 15 of these 7 KB messages land on the 3 partitions: 15 are over 100 KB, the rest under.
    const first = messages('first', 40, 7000);
    const error = (await producer.send(topic, first).catch((e: unknown) => e)) as ProduceFailedError;
    expect(error).toBeInstanceOf(ProduceFailedError);
    expect(error).toMatchObject({ total: 40, acknowledged: 0, outcomeUnknown: 40 });

    const acknowledged: string[] = [];
    for (let i = 0; i < 40; i++) {
      const single = messages(`after${i}`, 1, 100);
      await producer.send(topic, single); // no "out of order sequence number"
      acknowledged.push(String(single[0].key));
    }
    const counts = await keysOnTopic(kafka, topic);
    for (const key of acknowledged) expect({ key, count: counts.get(key) }).toEqual({ key, count: 1 });
    // Messages of the refused request may or may not be there (outcome unknown), never twice.
    for (const [key, count] of counts) expect({ key, count }).toEqual({ key, count: 1 });
  });

  it('answers by its deadline when Kafka stalls, calling the records in flight of unknown outcome, and then sends on', async () => {
    const infra = await getTestInfra();
    const network = stallableKafka(infra.kafkaBrokers);
    const topic = uniqueId('it-stalled-');
    await createTopic(kafka, topic);
    producer = new EventProducer(network.kafka, { sendTimeoutMs: 2000, maxMessageBytes: 200_000 });
    await producer.connect();
    await producer.send(topic, messages('before', 3, 100));

    // No answer reaches the client any more, while the broker still takes what was sent.
    network.stall();
    const started = Date.now();
    const error = (await producer
      .send(topic, messages('stall', 10, 50_000))
      .catch((e: unknown) => e)) as ProduceFailedError;
    const tookMs = Date.now() - started;
    network.resume();
    expect(tookMs).toBeGreaterThanOrEqual(1900);
    expect(tookMs).toBeLessThan(3500);
    expect(error).toBeInstanceOf(ProduceFailedError);
    expect(error.acknowledged).toBe(0);
    expect(error.outcomeUnknown).toBe(3); // the first request (3 of 50 KB under 200 KB), in flight at the deadline
    expect(error.notSent).toBe(7);

    await producer.send(topic, messages('after', 5, 100));
    const counts = await keysOnTopic(kafka, topic);
    for (const key of [...keysOf('before', 3), ...keysOf('after', 5)])
      expect({ key, count: counts.get(key) }).toEqual({ key, count: 1 });
    // "Outcome unknown" was the truth: the broker did store the request it never answered.
    for (const key of keysOf('stall', 3)) expect(counts.get(key)).toBe(1);
    for (const key of keysOf('stall', 10).slice(3)) expect(counts.has(key)).toBe(false);
    await producer.disconnect();
    await network.close();
  });

  it('reads the topic limit, and with it cuts requests so the topic takes them all', async () => {
    const topic = uniqueId('it-limit-');
    await createTopic(kafka, topic, [{ name: 'max.message.bytes', value: '100000' }]);
    expect(await readTopicMessageLimit(kafka, [topic])).toBe(100_000);
    producer = new EventProducer(kafka);
    producer.adoptMessageLimit(100_000);
    await producer.connect();
    await producer.send(topic, messages('cut', 40, 6000));
    const counts = await keysOnTopic(kafka, topic);
    expect(counts.size).toBe(40);
  });
});
