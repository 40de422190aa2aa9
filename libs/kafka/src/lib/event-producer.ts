import { CompressionTypes, Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { withTimeout } from './topic-admin';

export interface OutgoingMessage {
  key: string | Buffer | null;
  value: string | Buffer;
  headers?: IHeaders;
}

export class KafkaUnavailableError extends Error {
  override readonly name = 'KafkaUnavailableError';
}

/**
 * Idempotent producer with acks=all: `send` resolves only once every in-sync replica has the
 * records, so a caller can acknowledge its own client afterwards.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected = false;

  /**
   * @param topicPrefix namespace put before every topic name (KAFKA_TOPIC_PREFIX), so several
   *   environments can share one cluster; callers always use the logical names.
   */
  constructor(
    kafka: Kafka,
    private readonly sendTimeoutMs = 15000,
    private readonly topicPrefix = '',
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 partitioning, as the Java client: one key lands on the same partition everywhere.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded on purpose: a caller waits at most sendTimeoutMs, and a resend is harmless
      // because every record is stored by natural key.
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => (this.connected = false));
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await withTimeout(
        this.producer.send({ topic: `${this.topicPrefix}${topic}`, messages, acks: -1, compression: CompressionTypes.None }),
        this.sendTimeoutMs,
        `Kafka did not acknowledge ${messages.length} message(s) on ${topic} within ${this.sendTimeoutMs} ms`,
      );
    } catch (error) {
      throw new KafkaUnavailableError((error as Error).message, { cause: error });
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
    this.connected = false;
  }
}
