import { DLQ_HEADERS, dlqTopicOf, type SchemaErrorCode } from '@datalake/kafka-schemas';
import type { EventProducer } from './event-producer';
import { capDeadLetter, DEFAULT_MAX_MESSAGE_BYTES, messageSize, RECORD_BATCH_OVERHEAD_BYTES } from './message-size';
import type { OutgoingRecord, RecordHeaders } from './records';

/** Why an input was refused: a SchemaErrorCode, or a source reader's own code (e.g. INVALID_CSV_ROW). */
export interface DeadLetterReason {
  code: SchemaErrorCode | (string & NonNullable<unknown>);
  message: string;
}

/**
 * A refused input: a consumed Kafka message (with its partition and offset), or a source's row
 * (file, SQLite, syslog) whose own headers say where it came from.
 */
export interface DeadLetter {
  message: {
    key: string | Buffer | null;
    value: string | Buffer | null;
    headers?: RecordHeaders;
    /** Offset in the original topic, for a consumed message. */
    offset?: string;
  };
  /** Partition of the original topic, for a consumed message. */
  partition?: number;
  error: DeadLetterReason;
}

/** Part of a value a capped DLQ copy keeps at least, before original headers are given up. */
const MIN_VALUE_ROOM_BYTES = 4096;

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
): OutgoingRecord {
  const reason: RecordHeaders = {
    [DLQ_HEADERS.errorCode]: letter.error.code,
    [DLQ_HEADERS.errorMessage]: letter.error.message.slice(0, 2000),
    [DLQ_HEADERS.originalTopic]: topic,
    [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
  };
  if (letter.partition !== undefined) reason[DLQ_HEADERS.originalPartition] = String(letter.partition);
  if (letter.message.offset !== undefined) reason[DLQ_HEADERS.originalOffset] = letter.message.offset;
  const value = letter.message.value ?? Buffer.alloc(0);
  const copy: OutgoingRecord = {
    key: letter.message.key,
    value,
    headers: { ...(letter.message.headers ?? {}), ...reason },
  };
  // Original headers that leave no room for a useful part of the value are dropped; the reason stays.
  const headersRoom = maxMessageBytes - RECORD_BATCH_OVERHEAD_BYTES - messageSize({ ...copy, value: Buffer.alloc(0) });
  if (headersRoom >= MIN_VALUE_ROOM_BYTES) return capDeadLetter(copy, maxMessageBytes);
  const valueBytes = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  const incomplete = { [DLQ_HEADERS.truncated]: 'true', [DLQ_HEADERS.originalBytes]: String(valueBytes) };
  return capDeadLetter({ ...copy, headers: { ...reason, ...incomplete } }, maxMessageBytes);
}

/**
 * Sends refused messages to `<topic>.dlq`, each copy capped to `maxMessageBytes`; waits for Kafka's
 * acknowledgement like any produce.
 */
export async function publishDeadLetters(
  producer: EventProducer,
  topic: string,
  letters: DeadLetter[],
  maxMessageBytes = producer.maxMessageBytes,
): Promise<void> {
  if (letters.length === 0) return;
  const failedAt = new Date();
  await producer.send(
    dlqTopicOf(topic),
    letters.map((letter) => toDeadLetterMessage(topic, letter, failedAt, maxMessageBytes)),
  );
}
