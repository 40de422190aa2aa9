import { BatchConsumer, type ConsumedBatch, type KafkaClient, type StructuredLogger } from '@datalake/kafka-core';
import { dlqTopicOf } from '@datalake/kafka-schemas';
import type { ConsumerSettings } from '@datalake/kafka-core';
import { toDeadLetterDocument } from './dead-letter-entry';
import type { DeadLetterRepository } from './dead-letter.repository';

export interface DeadLetterIndexerOptions {
  /** The topic whose DLQ is indexed (logical name; the DLQ is `<topic>.dlq`). */
  topic: string;
  /** Its own group, apart from the record consumer's: the index never holds back storing records. */
  groupId: string;
  topicPrefix?: string;
  logger: StructuredLogger;
  consumer?: Partial<ConsumerSettings>;
}

/** Messages per step: at most this many index writes (in bulkWrites of 40) per commit. */
const INDEX_STEP_MESSAGES = 200;

/**
 * Keeps a topic's dead-letter index: consumes `<topic>.dlq` from the beginning with its own group
 * and adds one entry per DLQ message. The DLQ stays the source of truth: entries are keyed by DLQ
 * partition and offset, so consuming again (a restart before a commit, a new group) adds nothing
 * twice and keeps the statuses set meanwhile. A failed write (MongoDB down) is retried with backoff
 * by the BatchConsumer and the partition does not advance; nothing is skipped.
 */
export class DeadLetterIndexer {
  private consumer?: BatchConsumer;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly repository: DeadLetterRepository,
    private readonly options: DeadLetterIndexerOptions,
  ) {}

  get dlqTopic(): string {
    return dlqTopicOf(this.options.topic);
  }

  async start(): Promise<void> {
    if (this.consumer) return;
    this.consumer = new BatchConsumer(this.kafka, {
      ...this.options.consumer,
      groupId: this.options.groupId,
      topics: [this.dlqTopic],
      topicPrefix: this.options.topicPrefix,
      logger: this.options.logger,
      fromBeginning: true,
      stepMessages: INDEX_STEP_MESSAGES,
      handler: (batch) => this.index(batch),
    });
    await this.consumer.start();
    this.options.logger.info('indexing dead letters', { topic: this.dlqTopic, groupId: this.options.groupId });
  }

  /** One step: every message becomes an entry (never refused: a DLQ message has nowhere else to go). */
  async index(batch: ConsumedBatch): Promise<void> {
    const indexedAt = new Date();
    const entries = batch.messages.map((message) =>
      toDeadLetterDocument(batch.topic, batch.partition, message, indexedAt),
    );
    await this.repository.addMissing(entries);
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.stop();
  }
}
