/**
 * The core's own message types. Code outside libs/kafka-core uses these, never the client
 * library's, so replacing kafkajs (e.g. by @confluentinc/kafka-javascript) changes this project only.
 */

/** Header values as Kafka carries them: text or bytes, a name may repeat. */
export type RecordHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

/** A record to produce. */
export interface OutgoingRecord {
  key: string | Buffer | null;
  value: string | Buffer;
  headers?: RecordHeaders;
}

/** A record as consumed from a partition. */
export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeaders;
  offset: string;
  /** Milliseconds since the epoch, as text (the producer's or the broker's timestamp). */
  timestamp: string;
}

/** Consecutive messages of one partition, handed to a batch handler. */
export interface ConsumedBatch {
  /** The logical topic name (without KAFKA_TOPIC_PREFIX). */
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  /** Messages behind the partition's end after this batch (consumer lag). */
  offsetLag: number;
}
