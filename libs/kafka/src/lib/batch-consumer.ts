import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { consoleKafkaLogger, type KafkaLogger } from './kafka-client';

export interface MessageBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** Messages behind the partition's end after this batch (consumer lag). */
  offsetLag: number;
}

export interface BatchContext {
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping or the batch is stale after a rebalance. */
  isActive(): boolean;
}

/**
 * Handles one batch. It must deal with poison messages itself (e.g. dead-letter them); a thrown
 * error means "transient, try the whole batch again".
 */
export type BatchHandler = (batch: MessageBatch, context: BatchContext) => Promise<void>;

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  logger?: KafkaLogger;
  fromBeginning?: boolean;
  /** Backoff between retries of a failed batch: initial and maximum delay (ms). */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Namespace before every topic and the group id (KAFKA_TOPIC_PREFIX); handlers see logical names. */
  topicPrefix?: string;
  /** Upper bound on bytes fetched per partition, i.e. on one batch's size. */
  maxBytesPerPartition?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Group membership errors: kafkajs must get the batch back to rejoin the group. */
const GROUP_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_COORDINATOR',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);

function isGroupError(error: unknown): boolean {
  return GROUP_ERRORS.has((error as { type?: string }).type ?? '');
}

/**
 * At-least-once batch consumer: a batch's offsets are committed only after its handler
 * succeeded; a failing handler is retried with exponential backoff (heartbeating meanwhile) and
 * the partition does not advance, so nothing is lost while a dependency is down.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly logger: KafkaLogger;
  private running = false;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.logger = options.logger ?? consoleKafkaLogger;
    this.consumer = kafka.consumer({
      // Namespaced too: members of one group must subscribe to the same topics.
      groupId: `${options.topicPrefix ?? ''}${options.groupId}`,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
      sessionTimeout: 30000,
      heartbeatInterval: 3000,
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    const prefix = this.options.topicPrefix ?? '';
    await this.consumer.subscribe({
      topics: this.options.topics.map((topic) => `${prefix}${topic}`),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        if (batch.messages.length === 0) return;
        const context: BatchContext = { heartbeat, isActive: () => this.running && isRunning() && !isStale() };
        const handled = await this.handleWithRetry(
          {
            topic: batch.topic.slice(prefix.length),
            partition: batch.partition,
            messages: batch.messages,
            offsetLag: Number(batch.offsetLag()),
          },
          context,
        );
        if (!handled) return; // stopping or rebalanced: the batch is redelivered from the last commit
        // Resolving moves this consumer's fetch position; committing makes it survive a restart.
        resolveOffset(batch.lastOffset());
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        // Commit only after the handler's writes succeeded: at-least-once.
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      },
    });
  }

  private async handleWithRetry(batch: MessageBatch, context: BatchContext): Promise<boolean> {
    const initial = this.options.retryInitialMs ?? 200;
    const max = this.options.retryMaxMs ?? 10000;
    for (let attempt = 0; context.isActive(); attempt++) {
      try {
        await this.options.handler(batch, context);
        return true;
      } catch (error) {
        // Retrying here would block the rejoin forever; uncommitted, the batch comes back after it.
        if (isGroupError(error)) throw error;
        const delay = Math.min(max, initial * 2 ** Math.min(attempt, 16));
        this.logger.warn(`batch failed, retrying in ${delay} ms`, {
          topic: batch.topic,
          partition: batch.partition,
          firstOffset: batch.messages[0]?.offset,
          attempt: attempt + 1,
          error: (error as Error).message,
        });
        await this.sleepWithHeartbeats(delay, context);
      }
    }
    return false;
  }

  private async sleepWithHeartbeats(ms: number, context: BatchContext): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && context.isActive()) {
      await sleep(Math.min(1000, until - Date.now()));
      await context.heartbeat().catch((error: unknown) => {
        if (isGroupError(error)) throw error;
      });
    }
  }

  /** Stops fetching, lets the in-flight batch finish (and commit), then leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
  }
}
