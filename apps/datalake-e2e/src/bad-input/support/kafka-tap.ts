import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { DLQ_HEADERS } from '@datalake/kafka-schemas';

/** A message read back from a dead-letter topic, headers decoded to text. */
export interface DeadLetterSeen {
  topic: string;
  key: string | null;
  valueBytes: number;
  value: Buffer | null;
  headers: Record<string, string>;
}

export function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

export interface RawMessage {
  key: string | null;
  /** A fixed partition (default: by key). */
  partition?: number;
  value: Buffer | string | null;
  headers?: IHeaders;
}

/**
 * The test's own line to the stack's Kafka topics: sends raw messages the way a foreign producer
 * (kcat, Kafka Connect) would, and collects every dead letter of the stack's `<topic>.dlq` topics
 * from the beginning, so cases can look theirs up by key or source header.
 */
export class KafkaTap {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private consumer?: Consumer;
  readonly deadLetters: DeadLetterSeen[] = [];

  constructor(
    brokers: string[],
    private readonly topicPrefix: string,
  ) {
    this.kafka = new Kafka({ clientId: `bad-input-${randomBytes(3).toString('hex')}`, brokers, logLevel: logLevel.NOTHING });
  }

  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  async start(topics: readonly string[]): Promise<void> {
    // Not idempotent: a hostile client need not be, and a refused huge message must not wedge it.
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({ groupId: `bad-input-dlq-${randomBytes(4).toString('hex')}`, maxBytesPerPartition: 4 * 1024 * 1024 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: topics.map((topic) => this.topic(`${topic}.dlq`)), fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        this.deadLetters.push({
          topic,
          key: message.key?.toString() ?? null,
          valueBytes: message.value?.length ?? 0,
          value: message.value,
          headers: headerText(message.headers),
        });
      },
    });
  }

  /** Sends raw messages to `<prefix><topic>`, one request each (a huge one must not take others down with it). */
  async send(topic: string, messages: RawMessage[]): Promise<void> {
    if (!this.producer) throw new Error('KafkaTap not started');
    for (const message of messages) {
      await this.producer.send({ topic: this.topic(topic), acks: -1, messages: [message] });
    }
  }

  /** Dead letters of a DLQ topic (unprefixed name, e.g. "transactions") whose key is `key`. */
  lettersWithKey(topic: string, key: string): DeadLetterSeen[] {
    return this.deadLetters.filter((letter) => letter.topic === this.topic(`${topic}.dlq`) && letter.key === key);
  }

  lettersWhere(predicate: (letter: DeadLetterSeen) => boolean): DeadLetterSeen[] {
    return this.deadLetters.filter(predicate);
  }

  static errorCodeOf(letter: DeadLetterSeen): string | undefined {
    return letter.headers[DLQ_HEADERS.errorCode];
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
  }
}
