import type { IHeaders, KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS, dlqTopicOf, type SchemaError } from '@datalake/kafka-schemas';
import type { EventProducer, OutgoingMessage } from './event-producer';

/**
 * A refused input: a consumed Kafka message (with its partition and offset), or a source's row
 * (file, SQLite, syslog) whose own headers say where it came from.
 */
export interface DeadLetter {
  message: {
    key: string | Buffer | null;
    value: string | Buffer | null;
    headers?: KafkaMessage['headers'];
    /** Offset in the original topic, for a consumed message. */
    offset?: string;
  };
  /** Partition of the original topic, for a consumed message. */
  partition?: number;
  error: SchemaError;
}

/** Kafka's default message limit (broker `message.max.bytes`, topic `max.message.bytes`). */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Bytes a one-record batch adds around key, value and header text (batch header 61 bytes, record
 * and header varints); generous so that a capped copy always fits.
 */
const RECORD_OVERHEAD_BYTES = 512;
const PER_HEADER_OVERHEAD_BYTES = 10;

function byteLength(value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

function headersBytes(headers: IHeaders): number {
  let total = 0;
  for (const [name, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) total += Buffer.byteLength(name) + byteLength(one as string | Buffer | undefined) + PER_HEADER_OVERHEAD_BYTES;
  }
  return total;
}

/**
 * Builds the DLQ copy of a message: original key, value and headers plus why and where from. The
 * one place a DLQ message is made (consumers, ingest files, syslog). A copy that would not fit in
 * `maxMessageBytes` keeps the start of its value and says so: `x-dlq-truncated: true` and
 * `x-dlq-original-bytes: <bytes of the original value>`; if even the original headers do not fit,
 * they are dropped (the reason headers always stay).
 */
export function toDeadLetterMessage(
  topic: string,
  letter: DeadLetter,
  failedAt = new Date(),
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
): OutgoingMessage {
  const reason: IHeaders = {
    [DLQ_HEADERS.errorCode]: letter.error.code,
    [DLQ_HEADERS.errorMessage]: letter.error.message.slice(0, 2000),
    [DLQ_HEADERS.originalTopic]: topic,
    [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
  };
  if (letter.partition !== undefined) reason[DLQ_HEADERS.originalPartition] = String(letter.partition);
  if (letter.message.offset !== undefined) reason[DLQ_HEADERS.originalOffset] = letter.message.offset;
  const key = letter.message.key;
  const raw = letter.message.value ?? Buffer.alloc(0);
  const value = typeof raw === 'string' ? Buffer.from(raw) : raw;
  const full: IHeaders = { ...(letter.message.headers ?? {}), ...reason };
  if (RECORD_OVERHEAD_BYTES + byteLength(key) + byteLength(value) + headersBytes(full) <= maxMessageBytes) {
    return { key, value, headers: full };
  }

  const truncation: IHeaders = { [DLQ_HEADERS.truncated]: 'true', [DLQ_HEADERS.originalBytes]: String(value.length) };
  let headers: IHeaders = { ...full, ...truncation };
  let room = maxMessageBytes - RECORD_OVERHEAD_BYTES - byteLength(key) - headersBytes(headers);
  if (room < 0) {
    headers = { ...reason, ...truncation };
    room = maxMessageBytes - RECORD_OVERHEAD_BYTES - byteLength(key) - headersBytes(headers);
  }
  const keptKey = room < 0 && key !== null ? Buffer.from(key).subarray(0, Math.max(0, byteLength(key) + room)) : key;
  return { key: keptKey, value: value.subarray(0, Math.max(0, room)), headers };
}

/**
 * Sends refused messages to `<topic>.dlq`, each copy capped to `maxMessageBytes`; waits for Kafka's
 * acknowledgement like any produce.
 */
export async function publishDeadLetters(
  producer: EventProducer,
  topic: string,
  letters: DeadLetter[],
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
): Promise<void> {
  if (letters.length === 0) return;
  const failedAt = new Date();
  await producer.send(
    dlqTopicOf(topic),
    letters.map((letter) => toDeadLetterMessage(topic, letter, failedAt, maxMessageBytes)),
  );
}
