import { randomBytes } from 'node:crypto';
import {
  createKafkaClient,
  PlainProducer,
  silentLogger,
  TopicReader,
  type KafkaClient,
  type PlainRecord,
  type RecordHeaders,
} from '@datalake/kafka-core';
import { DLQ_HEADERS, dlqTopicOf } from '@datalake/kafka-schemas';

/** A message read back from a dead-letter topic, headers decoded to text. */
export interface DeadLetterSeen {
  topic: string;
  key: string | null;
  valueBytes: number;
  value: Buffer | null;
  headers: Record<string, string>;
}

export function headerText(headers: RecordHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}

/** A raw message; `partition` fixes the partition (default: by key). */
export type RawMessage = PlainRecord;

/**
 * The test's own line to the stack's Kafka topics: sends raw messages the way a foreign producer
 * (kcat, Kafka Connect) would, and collects every dead letter of the stack's `<topic>.dlq` topics
 * from the beginning, so cases can look theirs up by key or source header.
 */
export class KafkaTap {
  private readonly kafka: KafkaClient;
  private producer?: PlainProducer;
  private reader?: TopicReader;
  readonly deadLetters: DeadLetterSeen[] = [];

  constructor(
    brokers: string[],
    private readonly topicPrefix: string,
  ) {
    this.kafka = createKafkaClient({
      clientId: `bad-input-${randomBytes(3).toString('hex')}`,
      brokers,
      logger: silentLogger,
    });
  }

  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  async start(topics: readonly string[]): Promise<void> {
    // Not idempotent: a hostile client need not be, and a refused huge message must not wedge it.
    this.producer = new PlainProducer(this.kafka);
    await this.producer.connect();
    this.reader = new TopicReader(this.kafka, {
      topics: topics.map((topic) => this.topic(dlqTopicOf(topic))),
      from: 'beginning',
      groupId: `bad-input-dlq-${randomBytes(4).toString('hex')}`,
      maxBytesPerPartition: 4 * 1024 * 1024,
      onMessage: (message) => {
        this.deadLetters.push({
          topic: message.topic,
          key: message.key?.toString() ?? null,
          valueBytes: message.value?.length ?? 0,
          value: message.value,
          headers: headerText(message.headers),
        });
      },
    });
    await this.reader.start();
  }

  /** Sends raw messages to `<prefix><topic>`, one request each (a huge one must not take others down with it). */
  async send(topic: string, messages: RawMessage[]): Promise<void> {
    if (!this.producer) throw new Error('KafkaTap not started');
    for (const message of messages) {
      await this.producer.send(this.topic(topic), [message]);
    }
  }

  /** Dead letters of a DLQ topic (unprefixed name, e.g. "transactions") whose key is `key`. */
  lettersWithKey(topic: string, key: string): DeadLetterSeen[] {
    return this.deadLetters.filter((letter) => letter.topic === this.topic(dlqTopicOf(topic)) && letter.key === key);
  }

  lettersWhere(predicate: (letter: DeadLetterSeen) => boolean): DeadLetterSeen[] {
    return this.deadLetters.filter(predicate);
  }

  static errorCodeOf(letter: DeadLetterSeen): string | undefined {
    return letter.headers[DLQ_HEADERS.errorCode];
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.reader?.stop(), this.producer?.disconnect()]);
  }
}
