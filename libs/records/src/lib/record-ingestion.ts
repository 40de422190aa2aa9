import { decodeEvent, describeThrown, EVENT_HEADERS, type SchemaError, type Topic } from '@datalake/kafka-schemas';
import {
  publishDeadLetters,
  type ConsumedBatch,
  type ConsumedMessage,
  type DeadLetter,
  type EventProducer,
  type StructuredLogger,
} from '@datalake/kafka-core';
import { TransformError, type RecordDefinition, type RecordDocument } from './record-definition';
import { recordMetrics } from './record-metrics';
import type { RecordRepository } from './record.repository';

export interface BatchOutcome {
  stored: number;
  deadLettered: DeadLetter[];
  /** Correlation ids the batch carried (a few), so one record can be followed through the logs. */
  correlationIds: string[];
}

const LOGGED_CORRELATION_IDS = 20;

function correlationIdsOf(messages: ConsumedMessage[]): string[] {
  const ids = new Set<string>();
  for (const message of messages) {
    const id = message.headers?.[EVENT_HEADERS.correlationId];
    if (id !== undefined) ids.add(String(id));
    if (ids.size >= LOGGED_CORRELATION_IDS) break;
  }
  return [...ids];
}

export interface IngestOptions {
  logger?: Pick<StructuredLogger, 'warn'>;
  /** Called between storage writes, e.g. to heartbeat during a long batch. */
  heartbeat?: () => Promise<void>;
  /** The DLQ topic's message limit; a longer DLQ copy is truncated (see toDeadLetterMessage). */
  maxMessageBytes?: number;
}

/** A refusal of one decoded event by the definition's transform, by error type. */
function transformRefusal(error: unknown): SchemaError {
  if (error instanceof TransformError) return { code: 'TRANSFORM_FAILED', message: error.message };
  // The transform is pure: whatever it throws is about this one record, never an outage.
  return { code: 'PROCESSING_FAILED', message: `the transform could not process the record: ${describeThrown(error)}` };
}

/**
 * One consumer step for a batch: parse → validate → transform → bulk upserts → DLQ the refused.
 * Every per-message failure (parse, depth, size, validation, transform, storage refusal) becomes a
 * DLQ entry; it throws only for outages (MongoDB or Kafka unreachable), so the batch is retried
 * whole, and upserts by natural key make that retry harmless.
 */
export async function ingestBatch(
  batch: ConsumedBatch,
  definition: RecordDefinition,
  repository: RecordRepository,
  producer: EventProducer,
  options: IngestOptions = {},
): Promise<BatchOutcome> {
  const { logger, heartbeat, maxMessageBytes } = options;
  // The payload schema is the definition's; the topic read from may be a renamed copy (tests).
  const schemaTopic: Topic = definition.topic;
  const topic = batch.topic;
  const letters: DeadLetter[] = [];
  // Later messages of a key win: Kafka keeps one key's messages in order within a partition.
  const byKey = new Map<string, { document: RecordDocument; message: ConsumedMessage }>();

  for (const message of batch.messages) {
    const decoded = decodeEvent(schemaTopic, message.value, { messageTimestamp: new Date(Number(message.timestamp)) });
    if (!decoded.ok) {
      letters.push({ message, partition: batch.partition, error: decoded.error });
      continue;
    }
    try {
      const document = definition.toDocument(decoded.value);
      byKey.delete(document._id);
      byKey.set(document._id, { document, message });
    } catch (error) {
      letters.push({ message, partition: batch.partition, error: transformRefusal(error) });
    }
  }

  const pending = [...byKey.values()];
  const rejected = await repository.upsertMany(
    pending.map((entry) => entry.document),
    heartbeat,
  );
  for (const refusal of rejected) {
    letters.push({
      message: pending[refusal.index].message,
      partition: batch.partition,
      error: { code: 'STORAGE_REJECTED', message: refusal.message },
    });
  }
  await publishDeadLetters(producer, topic, letters, maxMessageBytes);

  for (const letter of letters) {
    logger?.warn('message sent to the dead-letter topic', {
      topic,
      partition: batch.partition,
      offset: letter.message.offset,
      correlationId: letter.message.headers?.[EVENT_HEADERS.correlationId]?.toString(),
      code: letter.error.code,
      reason: letter.error.message.slice(0, 500),
    });
    recordMetrics.deadLettered.inc({ topic, reason: letter.error.code });
  }
  recordMetrics.consumed.inc({ topic }, batch.messages.length);
  recordMetrics.stored.inc({ topic }, pending.length - rejected.length);
  recordMetrics.batchSize.observe({ topic }, batch.messages.length);
  recordMetrics.lag.set({ topic, partition: String(batch.partition) }, batch.offsetLag);
  return {
    stored: pending.length - rejected.length,
    deadLettered: letters,
    correlationIds: correlationIdsOf(batch.messages),
  };
}
