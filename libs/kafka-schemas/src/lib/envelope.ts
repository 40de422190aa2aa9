import { randomUUID } from 'node:crypto';
import { parseTimestamp } from './normalize';
import { payloadSchemaOf, type PayloadOf } from './payload-schemas';
import { JSON_LIMITS, parseJsonWithLimits } from './json-limits';
import { fail, ok, type Result } from './schema-error';
import type { Topic } from './topics';
import { describeThrown, validatePayload } from './validation';

/**
 * Largest Kafka message value a consumer decodes: one record at JSON_LIMITS.maxRecordBytes plus
 * room for its envelope (ids, source, timestamps). A larger value is TOO_LARGE without being parsed.
 */
export const MAX_EVENT_VALUE_BYTES = JSON_LIMITS.maxRecordBytes + 16 * 1024;

export const SOURCE_KINDS = ['http', 'file', 'sqlite', 'syslog', 'kafka'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface EventSource {
  kind: SourceKind;
  name: string;
}

/** The JSON value of every DataLake Kafka message (DESIGN.md "Event contract"). */
export interface EventEnvelope<P = unknown> {
  eventId: string;
  schema: string;
  source: EventSource;
  occurredAt: string;
  ingestedAt: string;
  payload: P;
}

/** A validated record ready to produce: its envelope and its Kafka key. */
export interface KeyedEvent<T extends Topic> {
  key: string;
  envelope: EventEnvelope<PayloadOf<T>>;
}

/** Validates one input record and wraps it in an envelope keyed by its natural key. */
export function createEvent<T extends Topic>(
  topic: T,
  input: unknown,
  source: EventSource,
  now: Date = new Date(),
): Result<KeyedEvent<T>> {
  const { schema, payloadClass, naturalKey } = payloadSchemaOf(topic);
  const validated = validatePayload(payloadClass, input);
  if (!validated.ok) return validated;
  const payload = validated.value;
  const occurredAt = parseTimestamp((payload as { timestamp?: unknown }).timestamp) ?? now;
  return ok({
    key: naturalKey(payload),
    envelope: {
      eventId: randomUUID(),
      schema,
      source,
      occurredAt: occurredAt.toISOString(),
      ingestedAt: now.toISOString(),
      payload,
    },
  });
}

export function encodeEvent(envelope: EventEnvelope): string {
  return JSON.stringify(envelope);
}

function isEnvelopeLike(value: Record<string, unknown>): boolean {
  return 'payload' in value && 'schema' in value;
}

function checkSource(value: unknown): EventSource | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { kind, name } = value as Record<string, unknown>;
  if (typeof kind !== 'string' || !(SOURCE_KINDS as readonly string[]).includes(kind)) return undefined;
  if (typeof name !== 'string' || name.length > 512) return undefined;
  return { kind: kind as SourceKind, name };
}

export interface DecodeContext {
  /** Kafka record timestamp: the ingestion time of a bare payload. */
  messageTimestamp?: Date;
}

/**
 * Parses a Kafka message value into a validated envelope. A bare payload (as Kafka Connect or kcat
 * would produce) is accepted and wrapped here. Never throws: size and depth limits apply before
 * parsing (TOO_LARGE, TOO_DEEP), and anything thrown while checking this one value is
 * PROCESSING_FAILED, so one hostile message is one refusal, never a stalled partition.
 */
export function decodeEvent<T extends Topic>(
  topic: T,
  value: Buffer | string | null,
  context: DecodeContext = {},
): Result<KeyedEvent<T>> {
  if (value === null || value.length === 0) return fail('INVALID_JSON', 'message has no value');
  const parsed = parseJsonWithLimits(value, { maxBytes: MAX_EVENT_VALUE_BYTES });
  if (!parsed.ok) return parsed;
  try {
    return decodeParsed(topic, parsed.value, context);
  } catch (error) {
    return fail('PROCESSING_FAILED', `the message could not be processed: ${describeThrown(error)}`);
  }
}

function decodeParsed<T extends Topic>(topic: T, parsed: unknown, context: DecodeContext): Result<KeyedEvent<T>> {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail('INVALID_JSON', 'value must be a JSON object');
  }
  const record = parsed as Record<string, unknown>;
  const ingestedAt = context.messageTimestamp ?? new Date();
  if (!isEnvelopeLike(record)) {
    return createEvent(topic, record, { kind: 'kafka', name: topic }, ingestedAt);
  }

  const expected = payloadSchemaOf(topic).schema;
  if (record['schema'] !== expected) {
    return fail(
      'UNKNOWN_SCHEMA',
      `schema must be "${expected}" on topic ${topic}, got ${JSON.stringify(record['schema'])?.slice(0, 200)}`,
    );
  }
  const source = checkSource(record['source']);
  if (!source) return fail('INVALID_ENVELOPE', 'source must be {kind: http|file|sqlite|syslog|kafka, name}');
  const envelopeIngestedAt = parseTimestamp(record['ingestedAt']);
  if (record['ingestedAt'] !== undefined && !envelopeIngestedAt) {
    return fail('INVALID_ENVELOPE', 'ingestedAt must be an ISO 8601 date-time');
  }
  const event = createEvent(topic, record['payload'], source, envelopeIngestedAt ?? ingestedAt);
  if (!event.ok) return event;
  if (typeof record['eventId'] === 'string' && record['eventId'].length <= 128) {
    event.value.envelope.eventId = record['eventId'];
  }
  return event;
}
