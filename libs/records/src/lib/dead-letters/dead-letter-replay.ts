import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { ReplayDeadLettersDto, ReplayResultDto, ReplaySkipDto } from '@datalake/dto';
import {
  createEvent,
  decodeEvent,
  encodeEvent,
  EVENT_HEADERS,
  JSON_CONTENT_TYPE,
  JSON_LIMITS,
  parseJsonWithLimits,
  payloadSchemaOf,
  SOURCE_KINDS,
  type EventSource,
  type KeyedEvent,
  type Topic,
} from '@datalake/kafka-schemas';
import { KafkaUnavailableError, MessageTooLargeError, type EventProducer, type OutgoingRecord } from '@datalake/kafka-core';
import { DomainError, fieldErrorsOf, type FieldError } from '@datalake/service-kit';
import { fromStoredHeaders, type DeadLetterDocument } from './dead-letter-entry';
import type { DeadLetterRepository } from './dead-letter.repository';

/** Header of a replayed message: which dead letter it was (`<DLQ topic>/<id>`). */
export const REPLAYED_FROM_HEADER = 'x-dlq-replayed-from';

/** Entries one replay by reason handles; the answer's `remaining` says how many are left. */
export const MAX_REPLAY_BY_REASON = 1_000;

/** Entries produced and marked at once (FerretDB: at most 40 matched updates per write). */
const REPLAY_CHUNK = 40;

/** The request's shape rules beyond the DTO: exactly one of ids / reason; payload only with one id. */
export function replayRequestProblem(request: ReplayDeadLettersDto): string | undefined {
  const hasIds = request.ids !== undefined;
  const hasReason = request.reason !== undefined;
  if (hasIds === hasReason) return 'give exactly one of ids (a list of entry ids) or reason (a reason code)';
  if (request.payload !== undefined && (!hasIds || request.ids?.length !== 1))
    return 'payload (a corrected record) can only be given with exactly one id';
  return undefined;
}

/** The record inside a corrected value: an object, its JSON text, or an event envelope around it. */
function correctedRecord(payload: Record<string, unknown> | string): { record?: unknown; errors: FieldError[] } {
  let value: unknown = payload;
  if (typeof payload === 'string') {
    const parsed = parseJsonWithLimits(payload);
    if (!parsed.ok) return { errors: [{ field: 'payload', message: parsed.error.message }] };
    value = parsed.value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { errors: [{ field: 'payload', message: 'payload must be a JSON object (the corrected record)' }] };
  const object = value as Record<string, unknown>;
  // The detail view shows the whole DLQ value, often an envelope: its `payload` is the record.
  if ('schema' in object && 'payload' in object) return correctedRecord(object['payload'] as Record<string, unknown>);
  return { record: object, errors: [] };
}

/**
 * Validates a corrected record against the topic's payload contract, strictly (an unknown field is
 * an error, as in every request body), and builds its event. Per-field errors as `payload.<field>`.
 */
export function correctedEvent(
  topic: Topic,
  payload: Record<string, unknown> | string,
  source: EventSource,
): { ok: true; event: KeyedEvent<Topic> } | { ok: false; errors: FieldError[] } {
  const { record, errors } = correctedRecord(payload);
  if (errors.length > 0 || record === undefined) return { ok: false, errors };
  const { payloadClass } = payloadSchemaOf(topic);
  let fieldErrors: FieldError[];
  try {
    const instance = plainToInstance(payloadClass as new () => object, record, { exposeDefaultValues: true });
    const validation = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    fieldErrors = fieldErrorsOf(validation).map(({ field, message }) => ({ field: `payload.${field}`, message }));
  } catch {
    fieldErrors = []; // createEvent below refuses it with its reason (too deep, ...)
  }
  if (fieldErrors.length > 0) return { ok: false, errors: fieldErrors };
  const created = createEvent(topic, record, source);
  if (!created.ok) return { ok: false, errors: [{ field: 'payload', message: created.error.message }] };
  const bytes = Buffer.byteLength(encodeEvent(created.value.envelope));
  if (bytes > JSON_LIMITS.maxRecordBytes + 16 * 1024)
    return { ok: false, errors: [{ field: 'payload', message: `the record is ${bytes} bytes encoded; too large` }] };
  return { ok: true, event: created.value };
}

/** The entry's source as an event source, when it is one; else the topic itself, as for a bare Kafka payload. */
function eventSourceOf(entry: DeadLetterDocument): EventSource {
  const source = entry.source;
  if (source && (SOURCE_KINDS as readonly string[]).includes(source.kind) && source.name.length <= 512)
    return { kind: source.kind as EventSource['kind'], name: source.name };
  return { kind: 'kafka', name: entry.originalTopic };
}

/** Why an entry is not replayed, or undefined when it is pending. */
function skipReason(entry: DeadLetterDocument | undefined): ReplaySkipDto['reason'] | undefined {
  if (!entry) return 'not found';
  if (entry.status === 'replayed') return 'already replayed';
  if (entry.status === 'discarded') return 'discarded';
  return undefined;
}

export interface DeadLetterReplayOptions {
  /** The topic the service consumes (the replays' destination) and its payload schema's topic. */
  topic: string;
  schemaTopic: Topic;
  dlqTopic: string;
}

/**
 * Replays dead letters: re-produces each chosen pending entry to the original topic (keyed by the
 * record's natural key when its value decodes, as the ingest service keys it; else with its
 * original key and value, so the consumer judges it again), waits for Kafka's acknowledgement, then
 * marks it replayed. Stored by natural key, a record replayed twice (two requests, or a crash
 * between produce and mark) is stored once.
 */
export class DeadLetterReplayer {
  constructor(
    private readonly repository: DeadLetterRepository,
    private readonly producer: EventProducer,
    private readonly options: DeadLetterReplayOptions,
  ) {}

  async replay(request: ReplayDeadLettersDto, now = new Date()): Promise<ReplayResultDto> {
    const problem = replayRequestProblem(request);
    if (problem) throw new DomainError('INVALID', problem);
    if (request.reason !== undefined) return this.replayReason(request.reason, now);
    const ids = [...new Set(request.ids ?? [])];
    if (request.payload !== undefined) return this.replayCorrected(ids[0], request.payload, now);
    const skipped: ReplaySkipDto[] = [];
    let replayed = 0;
    for (let start = 0; start < ids.length; start += REPLAY_CHUNK) {
      const chunk = ids.slice(start, start + REPLAY_CHUNK);
      const found = await this.repository.findByIds(chunk);
      const pending: DeadLetterDocument[] = [];
      for (const id of chunk) {
        const entry = found.get(id);
        const reason = skipReason(entry) ?? (entry?.truncated ? 'truncated' : undefined);
        if (reason) skipped.push({ id, reason });
        else if (entry) pending.push(entry);
      }
      const outcome = await this.send(pending.map((entry) => ({ entry, message: this.asRecorded(entry) })), now);
      replayed += outcome.replayed;
      skipped.push(...outcome.skipped);
    }
    return { replayed, skipped };
  }

  private async replayCorrected(
    id: string,
    payload: Record<string, unknown> | string,
    now: Date,
  ): Promise<ReplayResultDto> {
    const entry = await this.repository.findById(id);
    const built = correctedEvent(this.options.schemaTopic, payload, entry ? eventSourceOf(entry) : { kind: 'kafka', name: this.options.topic });
    if (!built.ok)
      throw new DomainError('INVALID', 'the corrected payload is not a valid record', { errors: built.errors });
    const reason = skipReason(entry);
    if (reason || !entry) return { replayed: 0, skipped: [{ id, reason: reason ?? 'not found' }] };
    const message: OutgoingRecord = {
      key: built.event.key,
      value: encodeEvent(built.event.envelope),
      headers: this.replayHeaders(entry),
    };
    return this.send([{ entry, message }], now);
  }

  private async replayReason(reason: string, now: Date): Promise<ReplayResultDto> {
    let replayed = 0;
    const skipped: ReplaySkipDto[] = [];
    let handled = 0;
    // Marked entries leave `pending`, so each round reads the next ones; truncated ones stay pending
    // (they need a corrected payload) and are passed over by reading after them.
    const passedOver = new Set<string>();
    while (handled < MAX_REPLAY_BY_REASON) {
      const room = Math.min(REPLAY_CHUNK, MAX_REPLAY_BY_REASON - handled);
      const batch = (await this.repository.findPendingByReason(reason, room + passedOver.size)).filter(
        (entry) => !passedOver.has(entry._id),
      );
      if (batch.length === 0) break;
      const chosen = batch.slice(0, room);
      handled += chosen.length;
      const sendable: DeadLetterDocument[] = [];
      for (const entry of chosen) {
        if (entry.truncated) {
          passedOver.add(entry._id);
          skipped.push({ id: entry._id, reason: 'truncated' });
        } else sendable.push(entry);
      }
      const outcome = await this.send(sendable.map((entry) => ({ entry, message: this.asRecorded(entry) })), now);
      replayed += outcome.replayed;
      skipped.push(...outcome.skipped);
      if (passedOver.size >= MAX_REPLAY_BY_REASON) break;
    }
    const remaining = (await this.repository.countPendingByReason(reason)) - passedOver.size;
    return { replayed, skipped, remaining: Math.max(0, remaining) };
  }

  /** The entry's own value as a message: keyed by natural key when it decodes, else as it was. */
  private asRecorded(entry: DeadLetterDocument): OutgoingRecord {
    const decoded = decodeEvent(this.options.schemaTopic, entry.value, { messageTimestamp: entry.failedAt });
    if (decoded.ok) {
      return { key: decoded.value.key, value: encodeEvent(decoded.value.envelope), headers: this.replayHeaders(entry) };
    }
    return { key: entry.key, value: entry.value, headers: this.replayHeaders(entry) };
  }

  private replayHeaders(entry: DeadLetterDocument): Record<string, string> {
    const original = fromStoredHeaders(entry.headers);
    return {
      [EVENT_HEADERS.correlationId]: original[EVENT_HEADERS.correlationId] || randomUUID(),
      [EVENT_HEADERS.contentType]: JSON_CONTENT_TYPE,
      [REPLAYED_FROM_HEADER]: `${this.options.dlqTopic}/${entry._id}`,
    };
  }

  /** Produces (Kafka acknowledged) and only then marks replayed; another request may have marked one first. */
  private async send(
    items: { entry: DeadLetterDocument; message: OutgoingRecord }[],
    now: Date,
  ): Promise<ReplayResultDto> {
    if (items.length === 0) return { replayed: 0, skipped: [] };
    try {
      await this.producer.send(
        this.options.topic,
        items.map((item) => item.message),
      );
    } catch (error) {
      if (error instanceof MessageTooLargeError)
        throw new DomainError('INVALID', `a replayed message does not fit one Kafka message: ${error.message}`);
      if (error instanceof KafkaUnavailableError)
        throw new DomainError(
          'UNAVAILABLE',
          'Kafka did not acknowledge the replay; nothing was marked replayed. Retrying is safe (records are stored by natural key)',
          undefined,
          { cause: error },
        );
      throw error;
    }
    const changed = await this.repository.markReplayed(
      items.map((item) => item.entry._id),
      now,
    );
    const skipped = items
      .filter((item) => !changed.has(item.entry._id))
      .map((item) => ({ id: item.entry._id, reason: 'already replayed' as const }));
    return { replayed: changed.size, skipped };
  }
}
