import { DLQ_HEADERS } from '@datalake/kafka-schemas';
import type { OutgoingRecord, RecordHeaders } from './records';

/** The broker's default `message.max.bytes` / topic `max.message.bytes` (1 MiB), rounded down. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

/**
 * A v2 record batch's fixed part: offset, length, epoch, magic, CRC, attributes, offsets,
 * timestamps, producer id/epoch, base sequence and record count (61 bytes). The broker compares
 * this plus the records with `max.message.bytes`, per partition.
 */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;

/** Worst case of one record's varints and attributes (length, attributes, deltas, key/value lengths, header count). */
const RECORD_OVERHEAD_BYTES = 40;
/** Worst case of one header's two length varints. */
const HEADER_OVERHEAD_BYTES = 10;

const bytesOf = (data: string | Buffer | null | undefined): number =>
  data == null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.length;

function headerBytes(headers: RecordHeaders | undefined): number {
  let total = 0;
  for (const [name, value] of Object.entries(headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) total += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + bytesOf(one);
  }
  return total;
}

/**
 * Upper estimate of the bytes one message takes in a record batch (key + value + headers +
 * record overhead), uncompressed. A message fits alone when
 * `RECORD_BATCH_OVERHEAD_BYTES + messageSize(message) <= maxMessageBytes`.
 */
export function messageSize(message: OutgoingRecord): number {
  return RECORD_OVERHEAD_BYTES + bytesOf(message.key) + bytesOf(message.value) + headerBytes(message.headers);
}

/**
 * Splits messages, in order, into groups whose record batch stays within `maxMessageBytes`. The
 * broker checks each partition's batch separately; counting all of a group as one batch is the
 * safe side whatever the partitioning. Every message must fit alone (checked by the caller).
 */
export function splitBySize<T extends OutgoingRecord>(messages: readonly T[], maxMessageBytes: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let currentBytes = RECORD_BATCH_OVERHEAD_BYTES;
  for (const message of messages) {
    const size = messageSize(message);
    if (current.length > 0 && currentBytes + size > maxMessageBytes) {
      groups.push(current);
      current = [];
      currentBytes = RECORD_BATCH_OVERHEAD_BYTES;
    }
    current.push(message);
    currentBytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Room the two truncation headers take (names plus a 10-digit size and "true"). */
const TRUNCATION_HEADERS_BYTES =
  2 * HEADER_OVERHEAD_BYTES + DLQ_HEADERS.truncated.length + 4 + DLQ_HEADERS.originalBytes.length + 10;

/** The longest prefix of `value` of at most `maxBytes` bytes that does not split a UTF-8 character. */
function utf8Prefix(value: Buffer, maxBytes: number): Buffer {
  let end = Math.max(0, Math.min(maxBytes, value.length));
  // Step back over continuation bytes (10xxxxxx) so a multi-byte character is never cut in two.
  if (end < value.length) while (end > 0 && (value[end] & 0xc0) === 0x80) end--;
  return value.subarray(0, end);
}

/**
 * A dead letter that fits in one Kafka message of `maxMessageBytes`: unchanged when it fits,
 * otherwise its value cut (at a UTF-8 character boundary) and headers saying it was truncated
 * and how large the original value was. The reason headers are kept whole.
 */
export function capDeadLetter<T extends OutgoingRecord>(message: T, maxMessageBytes: number): T {
  if (RECORD_BATCH_OVERHEAD_BYTES + messageSize(message) <= maxMessageBytes) return message;
  const value = typeof message.value === 'string' ? Buffer.from(message.value) : message.value;
  const withoutValue = messageSize({ ...message, value: Buffer.alloc(0) });
  const room = maxMessageBytes - RECORD_BATCH_OVERHEAD_BYTES - withoutValue - TRUNCATION_HEADERS_BYTES;
  return {
    ...message,
    value: utf8Prefix(value, room),
    headers: {
      ...(message.headers ?? {}),
      [DLQ_HEADERS.truncated]: 'true',
      [DLQ_HEADERS.originalBytes]: String(value.length),
    },
  };
}
