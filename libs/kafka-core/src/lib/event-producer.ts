import { CompressionTypes, Partitioners, type Kafka, type Producer, type ProducerConfig } from 'kafkajs';
import type { StructuredLogger } from './structured-logger';
import { DEFAULT_MAX_MESSAGE_BYTES, messageSize, RECORD_BATCH_OVERHEAD_BYTES, splitBySize } from './message-size';
import type { OutgoingRecord } from './records';
import { withTimeout } from './topic-admin';

/**
 * Longest one `send` may take in all, waiting for its turn included (ms). Below the gateway's
 * UPSTREAM_TIMEOUT_MS (10 s) with room for reading and validating a 5 MB body, so an HTTP client
 * gets the producer's truthful answer instead of the gateway's 504.
 */
export const DEFAULT_SEND_TIMEOUT_MS = 8_000;

export interface EventProducerOptions {
  /** See DEFAULT_SEND_TIMEOUT_MS. */
  sendTimeoutMs?: number;
  /** Namespace put before every topic name (KAFKA_TOPIC_PREFIX); callers use the logical names. */
  topicPrefix?: string;
  /** Largest record batch one produce request may carry per partition (KAFKA_MAX_MESSAGE_BYTES). */
  maxMessageBytes?: number;
  logger?: StructuredLogger;
}

/** Kafka did not take (all) the messages; nothing says anything about the messages themselves. */
export class KafkaUnavailableError extends Error {
  override readonly name: string = 'KafkaUnavailableError';
}

export type MessageOutcome = 'acknowledged' | 'unknown' | 'not-sent';

/**
 * A `send` that failed, with what became of each message. Messages go out in order in
 * size-bounded requests, so the outcome is three ranges of the message list:
 * `[0, acknowledged)` are stored (Kafka acknowledged them), the next `outcomeUnknown` were in the
 * request that failed or timed out (each may or may not be stored), the remaining `notSent` were
 * never sent.
 */
export class ProduceFailedError extends KafkaUnavailableError {
  override readonly name = 'ProduceFailedError';

  constructor(
    message: string,
    readonly total: number,
    readonly acknowledged: number,
    readonly outcomeUnknown: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get notSent(): number {
    return this.total - this.acknowledged - this.outcomeUnknown;
  }

  outcomeOf(index: number): MessageOutcome {
    if (index < this.acknowledged) return 'acknowledged';
    return index < this.acknowledged + this.outcomeUnknown ? 'unknown' : 'not-sent';
  }
}

/** A message that can never be produced: larger than the message limit on its own. Nothing was sent. */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';

  constructor(
    readonly topic: string,
    /** Position of the first oversize message in the list given to `send`. */
    readonly index: number,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`message ${index} for ${topic} is ${bytes} bytes as a Kafka record batch; the limit is ${limit} bytes`);
  }
}

const PRODUCER_CONFIG: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  // murmur2 partitioning, as the Java client: one key lands on the same partition everywhere.
  createPartitioner: Partitioners.DefaultPartitioner,
  // Bounded on purpose: send() gives up at its deadline anyway, and a resend is harmless because
  // every record is stored by natural key.
  retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 3000 },
};

/** Least time left before a deadline for a produce request to be worth starting. */
const MIN_REQUEST_MS = 25;

/**
 * Idempotent producer with acks=all: `send` resolves only once every in-sync replica has the
 * records, so a caller can acknowledge its own client afterwards.
 *
 * - Requests are cut by bytes (`maxMessageBytes`), so none is refused by the broker for its size.
 * - After any failed request the kafkajs producer is thrown away and a new one (a new producer
 *   id) is connected for the next send: kafkajs rewinds its sequence numbers for every partition
 *   of a failed request, even those the broker stored, and would then get "out of order sequence
 *   number" or, worse, a duplicate-sequence acknowledgement for records it never stored.
 * - Sends run one at a time (kafkajs with one in-flight request per broker queues them anyway),
 *   so a rebuild never happens under another send.
 */
export class EventProducer {
  private readonly sendTimeoutMs: number;
  private readonly topicPrefix: string;
  private readonly logger?: StructuredLogger;
  private messageLimit: number;
  private current?: Producer;
  private closed = false;
  /** Tail of the queue of sends: resolves when the last queued one is done. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    options: EventProducerOptions = {},
  ) {
    this.sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    this.topicPrefix = options.topicPrefix ?? '';
    this.messageLimit = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.logger = options.logger;
  }

  /** Largest record batch (bytes) one request carries; a message must fit alone with the batch overhead. */
  get maxMessageBytes(): number {
    return this.messageLimit;
  }

  /** Lowers the limit to a topic's or broker's `max.message.bytes` when that is smaller. */
  adoptMessageLimit(brokerLimit: number): void {
    if (brokerLimit > RECORD_BATCH_OVERHEAD_BYTES && brokerLimit < this.messageLimit) this.messageLimit = brokerLimit;
  }

  /** Upper estimate of a message's bytes in a record batch (see messageSize). */
  sizeOf(message: OutgoingRecord): number {
    return messageSize(message);
  }

  /** True when the message can be produced at all, i.e. fits alone in one request. */
  fits(message: OutgoingRecord): boolean {
    return RECORD_BATCH_OVERHEAD_BYTES + messageSize(message) <= this.messageLimit;
  }

  get isConnected(): boolean {
    return this.current !== undefined;
  }

  async connect(): Promise<void> {
    this.closed = false;
    await this.exclusive(Number.POSITIVE_INFINITY, async () => {
      await this.readyProducer(Number.POSITIVE_INFINITY);
    });
  }

  /**
   * Produces the messages, in order, and resolves once Kafka acknowledged all of them.
   * @throws MessageTooLargeError before sending anything when one message does not fit alone.
   * @throws ProduceFailedError (a KafkaUnavailableError) saying which messages were acknowledged,
   *   which may have been stored and which were not sent.
   */
  async send(topic: string, messages: OutgoingRecord[]): Promise<void> {
    if (messages.length === 0) return;
    const oversize = messages.findIndex((message) => !this.fits(message));
    if (oversize >= 0) {
      throw new MessageTooLargeError(
        topic,
        oversize,
        RECORD_BATCH_OVERHEAD_BYTES + messageSize(messages[oversize]),
        this.messageLimit,
      );
    }
    const deadline = Date.now() + this.sendTimeoutMs;
    const total = messages.length;
    await this.exclusive(
      deadline,
      () => this.sendInOrder(topic, splitBySize(messages, this.messageLimit), total, deadline),
      () =>
        new ProduceFailedError(
          `Kafka did not take ${total} message(s) for ${topic} within ${this.sendTimeoutMs} ms; none was sent`,
          total,
          0,
          0,
        ),
    );
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.exclusive(Number.POSITIVE_INFINITY, async () => {
      const producer = this.current;
      this.current = undefined;
      await producer?.disconnect();
    });
  }

  private async sendInOrder(topic: string, groups: OutgoingRecord[][], total: number, deadline: number): Promise<void> {
    const failure = (acknowledged: number, unknown: number, reason: string, cause?: unknown) =>
      new ProduceFailedError(
        `Kafka did not acknowledge ${total - acknowledged} of ${total} message(s) for ${topic}: ${reason}`,
        total,
        acknowledged,
        unknown,
        { cause },
      );
    let producer: Producer;
    try {
      producer = await this.readyProducer(deadline);
    } catch (error) {
      throw failure(0, 0, `no producer could connect (${(error as Error).message})`, error);
    }
    let acknowledged = 0;
    for (const group of groups) {
      const remaining = deadline - Date.now();
      // A request started with almost no time left would only turn "not sent" into "outcome unknown".
      if (remaining < MIN_REQUEST_MS) throw failure(acknowledged, 0, `no time left within ${this.sendTimeoutMs} ms`);
      const request = producer.send({
        topic: `${this.topicPrefix}${topic}`,
        messages: group,
        acks: -1,
        compression: CompressionTypes.None,
        timeout: remaining,
      });
      try {
        await withTimeout(request, remaining, `no acknowledgement within ${this.sendTimeoutMs} ms`);
      } catch (error) {
        this.discard(producer, request, error);
        throw failure(acknowledged, group.length, (error as Error).message, error);
      }
      acknowledged += group.length;
    }
  }

  /** The current kafkajs producer, or a newly connected one after a failure. */
  private async readyProducer(deadline: number): Promise<Producer> {
    if (this.current) return this.current;
    if (this.closed) throw new Error('the producer was disconnected');
    const producer = this.kafka.producer(PRODUCER_CONFIG);
    const connecting = producer.connect();
    try {
      await (Number.isFinite(deadline)
        ? withTimeout(connecting, Math.max(0, deadline - Date.now()), 'connect timed out')
        : connecting);
    } catch (error) {
      this.discard(producer, connecting);
      throw error;
    }
    producer.on(producer.events.DISCONNECT, () => {
      if (this.current === producer) this.current = undefined;
    });
    this.current = producer;
    return producer;
  }

  /**
   * Drops a producer whose sequence state can no longer be trusted. It is disconnected now and
   * again once its pending call settles: kafkajs reconnects by itself to retry a request.
   */
  private discard(producer: Producer, pending: Promise<unknown>, error?: unknown): void {
    if (this.current === producer) this.current = undefined;
    const close = () => producer.disconnect().catch(() => undefined);
    void close();
    void pending.then(close, close);
    if (error !== undefined) {
      this.logger?.warn('produce failed; the producer is replaced before the next send', {
        error: (error as Error).message,
      });
    }
  }

  /** Runs `work` after every earlier call has finished; gives up waiting for its turn at `deadline`. */
  private async exclusive<T>(deadline: number, work: () => Promise<T>, onExpired?: () => Error): Promise<T> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    let turn = true;
    if (Number.isFinite(deadline)) {
      try {
        await withTimeout(previous, Math.max(0, deadline - Date.now()), 'queue');
      } catch {
        turn = false;
      }
    } else {
      await previous;
    }
    if (!turn) {
      // Keep the queue's order: the ones behind this call still wait for the ones before it.
      void previous.then(release);
      throw onExpired?.() ?? new Error('timed out waiting for earlier sends');
    }
    try {
      return await work();
    } finally {
      release();
    }
  }
}
