import {
  DEAD_LETTER_ID_PATTERN,
  PAYLOAD_PREVIEW_CHARS,
  REASON_CODE_PATTERN,
  type DeadLetterDto,
  type DeadLetterStatus,
  type DeadLetterSummaryDto,
} from '@datalake/dto';
import { DLQ_HEADERS, parseJsonWithLimits, parseTimestamp } from '@datalake/kafka-schemas';
import type { ConsumedMessage, RecordHeaders } from '@datalake/kafka-core';

/** Headers a source row's dead letter carries (the ingest service's SOURCE_DLQ_HEADERS). */
export const SOURCE_ROW_HEADERS = {
  source: 'x-dlq-source',
  location: 'x-dlq-source-location',
} as const;

/** Where a refused input came from: a source's kind and name (and place in it), when known. */
export interface DeadLetterSource {
  kind: string;
  name: string;
  location?: string;
}

/** One entry of a topic's dead-letter index (collection `dead_letters` of the owning service). */
export interface DeadLetterDocument {
  /** deadLetterId: re-consuming the DLQ finds the same entry; a recreated DLQ topic makes new ones. */
  _id: string;
  /** The DLQ topic (logical name, without KAFKA_TOPIC_PREFIX). */
  topic: string;
  originalTopic: string;
  /** Partition and offset in the original topic; null for a source row (file, SQLite, syslog). */
  partition: number | null;
  offset: string | null;
  reasonCode: string;
  reasonMessage: string;
  source: DeadLetterSource | null;
  failedAt: Date;
  /** The Kafka key of the DLQ message (the original key). */
  key: string | null;
  /** The whole DLQ value, as bytes (already capped to the DLQ topic's message limit). */
  value: Buffer;
  payloadPreview: string;
  /** The DLQ copy was cut (`x-dlq-truncated`): replaying it as it is would send half a record. */
  truncated: boolean;
  headers: StoredHeader[];
  status: DeadLetterStatus;
  replayedAt?: Date;
  discardedAt?: Date;
  replayCount: number;
  indexedAt: Date;
}

/**
 * The id of a DLQ message: its partition, offset and time (ms) in the DLQ topic. Re-consuming the
 * message gives the same three. Partition and offset alone are not enough: a DLQ topic deleted and
 * made again (or another topic prefix on the same database) starts its offsets from 0 again, and
 * its new dead letters would be taken for the old entries and never listed.
 */
export function deadLetterId(dlqPartition: number, dlqOffset: string, dlqTimestamp: string): string {
  const time = /^\d{1,15}$/.test(dlqTimestamp) ? dlqTimestamp : '0';
  return `${dlqPartition}-${dlqOffset}-${time}`;
}

export function isDeadLetterId(value: string): boolean {
  return DEAD_LETTER_ID_PATTERN.test(value);
}

/**
 * The start of a payload for a listing: whitespace runs collapsed to one space, at most `max`
 * characters (code points, never half a surrogate pair), ending with `…` when cut. Only the head is
 * looked at, so a 1 MiB payload costs no more than a short one.
 */
export function payloadPreview(payload: string, max = PAYLOAD_PREVIEW_CHARS): string {
  const window = max * 4;
  const chars = Array.from(storableText(payload.slice(0, window)).replace(/\s+/g, ' ').trim());
  if (chars.length <= max && payload.length <= window) return chars.join('');
  return `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Text MongoDB servers store as given: U+0000 becomes U+FFFD (the PostgreSQL-backed FerretDB
 * cannot store it). Only for what is shown (preview, reason, headers, source); the payload itself
 * is stored as bytes.
 */
export function storableText(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** One Kafka header as stored: a list, since header names may hold `.` or start with `$`. */
export interface StoredHeader {
  name: string;
  value: string;
}

/** Kafka headers as text: bytes decoded as UTF-8, a repeated header keeps its last value. */
export function headersAsText(headers: RecordHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last === undefined) continue;
    text[storableText(name)] = storableText(Buffer.isBuffer(last) ? last.toString('utf8') : String(last));
  }
  return text;
}

export function toStoredHeaders(headers: Record<string, string>): StoredHeader[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

export function fromStoredHeaders(headers: readonly StoredHeader[]): Record<string, string> {
  // A null-prototype map: a header named `__proto__` is just a header.
  const text: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { name, value } of headers) text[name] = value;
  return { ...text };
}

/** A source row's origin from `x-dlq-source` (`<kind>:<name>`) and `x-dlq-source-location`. */
function sourceFromHeaders(headers: Record<string, string>): DeadLetterSource | null {
  const value = headers[SOURCE_ROW_HEADERS.source];
  if (!value) return null;
  const colon = value.indexOf(':');
  const source: DeadLetterSource =
    colon > 0 ? { kind: value.slice(0, colon), name: value.slice(colon + 1) } : { kind: value, name: '' };
  const location = headers[SOURCE_ROW_HEADERS.location];
  if (location) source.location = location;
  return source;
}

/** The `source` of an event envelope, when the payload is one (a consumed message that was refused later). */
function sourceFromEnvelope(payload: string): DeadLetterSource | null {
  if (!payload.startsWith('{')) return null;
  const parsed = parseJsonWithLimits(payload);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') return null;
  const source = (parsed.value as Record<string, unknown>)['source'];
  if (!source || typeof source !== 'object') return null;
  const { kind, name } = source as Record<string, unknown>;
  if (typeof kind !== 'string' || typeof name !== 'string') return null;
  return { kind: storableText(kind.slice(0, 64)), name: storableText(name.slice(0, 512)) };
}

/** The reason code, or UNKNOWN when the header is missing or not a code (the list filters by it). */
function reasonCodeOf(value: string | undefined): string {
  return value !== undefined && REASON_CODE_PATTERN.test(value) ? value : 'UNKNOWN';
}

function integerOrNull(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return null;
  return Number(value);
}

/**
 * The index entry of one DLQ message, from its headers (see toDeadLetterMessage in libs/kafka-core)
 * and value. Never throws: a DLQ message without the reason headers (produced by hand) is indexed
 * with code UNKNOWN, the original topic taken from the DLQ topic's name.
 */
export function toDeadLetterDocument(
  dlqTopic: string,
  dlqPartition: number,
  message: ConsumedMessage,
  indexedAt = new Date(),
): DeadLetterDocument {
  const headers = headersAsText(message.headers);
  const value = message.value ?? Buffer.alloc(0);
  const payload = value.toString('utf8');
  const failedAt =
    parseTimestamp(headers[DLQ_HEADERS.failedAt]) ??
    (Number.isFinite(Number(message.timestamp)) ? new Date(Number(message.timestamp)) : indexedAt);
  const offset = headers[DLQ_HEADERS.originalOffset];
  return {
    _id: deadLetterId(dlqPartition, message.offset, message.timestamp),
    topic: dlqTopic,
    originalTopic: headers[DLQ_HEADERS.originalTopic] ?? dlqTopic.replace(/\.dlq$/, ''),
    partition: integerOrNull(headers[DLQ_HEADERS.originalPartition]),
    offset: offset !== undefined && /^\d{1,20}$/.test(offset) ? offset : null,
    reasonCode: reasonCodeOf(headers[DLQ_HEADERS.errorCode]),
    reasonMessage: headers[DLQ_HEADERS.errorMessage] ?? '',
    source: sourceFromHeaders(headers) ?? sourceFromEnvelope(payload),
    failedAt,
    key: message.key ? storableText(message.key.toString('utf8')) : null,
    value,
    payloadPreview: payloadPreview(payload),
    truncated: headers[DLQ_HEADERS.truncated] === 'true',
    headers: toStoredHeaders(headers),
    status: 'pending',
    replayCount: 0,
    indexedAt,
  };
}

/** The listing shape of an entry (API11: DeadLetterSummary). */
export function toDeadLetterSummary(document: DeadLetterDocument): DeadLetterSummaryDto {
  const summary: DeadLetterSummaryDto = {
    id: document._id,
    topic: document.topic,
    originalTopic: document.originalTopic,
    // `?? null`: a stored null may come back absent (FerretDB).
    partition: document.partition ?? null,
    offset: document.offset ?? null,
    reasonCode: document.reasonCode,
    reasonMessage: document.reasonMessage,
    source: document.source ?? null,
    failedAt: document.failedAt.toISOString(),
    payloadPreview: document.payloadPreview,
    truncated: document.truncated,
    status: document.status,
    replayCount: document.replayCount,
  };
  if (document.replayedAt) summary.replayedAt = document.replayedAt.toISOString();
  if (document.discardedAt) summary.discardedAt = document.discardedAt.toISOString();
  return summary;
}

/** One whole entry: the summary plus the payload and headers. */
export function toDeadLetterDetail(document: DeadLetterDocument): DeadLetterDto {
  return {
    ...toDeadLetterSummary(document),
    payload: document.value.toString('utf8'),
    headers: fromStoredHeaders(document.headers),
  };
}
