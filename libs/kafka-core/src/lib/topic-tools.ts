import { Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';
import type { KafkaClient } from './kafka-client';
import type { ConsumedMessage, RecordHeaders } from './records';

/**
 * Plain Kafka access for tests, harnesses and tools: what an outside client does (read a topic,
 * produce anything, look at offsets), so none of them needs the client library itself. Services
 * use EventProducer and BatchConsumer instead.
 */

/** A message as an outside producer may send it: any size, a null value (tombstone), a fixed partition. */
export interface PlainRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: RecordHeaders;
  /** A fixed partition; by default the key's (murmur2, as the Java client and EventProducer). */
  partition?: number;
}

export interface PlainProducerOptions {
  /** Idempotent, one request in flight (default false: a hostile client need not be). */
  idempotent?: boolean;
}

/** A producer without the service's rules: no size check, no cutting, no rebuild; acks=all. */
export class PlainProducer {
  private readonly producer: Producer;

  constructor(kafka: KafkaClient, options: PlainProducerOptions = {}) {
    this.producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(options.idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {}),
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** One produce request with all the records; resolves once every in-sync replica has them. */
  async send(topic: string, records: readonly PlainRecord[]): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [...records] });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** A consumed message with where it came from. */
export interface ReadMessage extends ConsumedMessage {
  topic: string;
  partition: number;
}

export interface TopicReaderOptions {
  topics: readonly string[];
  /** 'beginning' reads everything kept; 'end' only what is produced after `start()` resolved. */
  from: 'beginning' | 'end';
  onMessage: (message: ReadMessage) => void;
  /** A fresh group by default (nothing committed, nothing shared). */
  groupId?: string;
  maxBytesPerPartition?: number;
}

/** Reads topics into a callback, without committing, until stopped. */
export class TopicReader {
  private readonly consumer: Consumer;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly options: TopicReaderOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId ?? `topic-reader-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    });
  }

  /** Resolves once the reader has joined its group (and, from the end, is placed at the current ends). */
  async start(): Promise<void> {
    const { topics, from, onMessage } = this.options;
    // From the end: the ends are taken before joining, so nothing produced after start() is missed.
    const ends =
      from === 'end'
        ? await Promise.all(topics.map(async (topic) => ({ topic, offsets: await this.endsOf(topic) })))
        : [];
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...topics], fromBeginning: from === 'beginning' });
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) onMessage({ ...message, topic: batch.topic, partition: batch.partition });
      },
    });
    for (const { topic, offsets } of ends) {
      for (const { partition, high } of offsets) this.consumer.seek({ topic, partition, offset: high });
    }
    await joined;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  /**
   * Right after a topic is created (by a service, or a suite running beside) its partitions can
   * briefly answer "not the leader", which the admin client gives up on at once: asked again for 30 s.
   */
  private async endsOf(topic: string): Promise<PartitionOffsets[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await topicEndOffsets(this.kafka, topic);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

export interface PartitionOffsets {
  partition: number;
  /** Offset of the first message kept. */
  low: string;
  /** Offset the next message will get (the partition's end). */
  high: string;
}

/**
 * Offsets, groups and topics as an outside observer sees them, on one admin connection (for
 * polling, e.g. a benchmark waiting for a group's lag to reach 0). The module functions below
 * do the same once each, on a connection of their own.
 */
export class KafkaInspector {
  private readonly admin: Admin;

  constructor(kafka: KafkaClient) {
    this.admin = kafka.admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  /** Each partition's first and end offsets. */
  async topicEndOffsets(topic: string): Promise<PartitionOffsets[]> {
    return (await this.admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high }));
  }

  /** The group's committed offset per partition of a topic ('-1' where nothing is committed). */
  async committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    const [committed] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return (committed?.partitions ?? []).map(({ partition, offset }) => ({ partition, offset }));
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  /** Number of partitions of a topic, as the cluster's metadata says. */
  async partitionCount(topic: string): Promise<number> {
    return (await this.admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
  }

  /** Deletes consumer groups (e.g. a test's or a benchmark's); a missing group is no error. */
  async deleteGroups(groupIds: string[]): Promise<void> {
    await this.admin.deleteGroups(groupIds).catch(() => undefined);
  }
}

/** Each partition's first and end offsets. */
export function topicEndOffsets(kafka: KafkaClient, topic: string): Promise<PartitionOffsets[]> {
  return inspect(kafka, (inspector) => inspector.topicEndOffsets(topic));
}

/** The group's committed offset per partition of a topic ('-1' where nothing is committed). */
export function committedOffsets(
  kafka: KafkaClient,
  groupId: string,
  topic: string,
): Promise<{ partition: number; offset: string }[]> {
  return inspect(kafka, (inspector) => inspector.committedOffsets(groupId, topic));
}

async function inspect<T>(kafka: KafkaClient, work: (inspector: KafkaInspector) => Promise<T>): Promise<T> {
  const inspector = new KafkaInspector(kafka);
  await inspector.connect();
  try {
    return await work(inspector);
  } finally {
    await inspector.disconnect();
  }
}
