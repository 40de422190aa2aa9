import { Injectable } from '@nestjs/common';
import {
  EventProducer,
  KafkaUnavailableError,
  publishDeadLetters,
  type DeadLetter,
  type RecordHeaders,
} from '@datalake/kafka-core';
import {
  DLQ_HEADERS,
  EVENT_HEADERS,
  type EventSource,
  type SchemaErrorCode,
  type Topic,
} from '@datalake/kafka-schemas';
import { IngestService } from '../ingest.service';
import { UnparseableRecord } from '../unparseable-record';
import type { SourceRow } from './source-row';

/** Headers a source's dead letter carries besides DLQ_HEADERS: which input and where in it. */
export const SOURCE_DLQ_HEADERS = {
  source: 'x-dlq-source',
  location: 'x-dlq-source-location',
} as const;

export interface RowRejection {
  location: string;
  /** A SchemaErrorCode, or the reader's code for a row it could not parse (e.g. INVALID_CSV_ROW). */
  code: SchemaErrorCode | string;
  message: string;
}

export interface ChunkResult {
  produced: number;
  rejected: number;
  rejections: RowRejection[];
}

/**
 * Produces a chunk of source rows: valid records through IngestService (resolves after Kafka
 * acknowledged), refused and unparseable rows to `<topic>.dlq` with the raw row as the value
 * (cut to fit the DLQ topic, with `x-dlq-truncated` / `x-dlq-original-bytes`, when the row is
 * over the message limit). Only when this resolves may the caller move its checkpoint past the
 * chunk; a chunk Kafka took only in part is a KafkaUnavailableError, and is produced again whole
 * (records are stored by natural key, so the resent part creates no duplicate).
 */
@Injectable()
export class RowIngestor {
  constructor(
    private readonly ingestService: IngestService,
    private readonly producer: EventProducer,
  ) {}

  async ingestRows(
    topic: Topic,
    source: EventSource,
    correlationId: string,
    rows: readonly SourceRow[],
  ): Promise<ChunkResult> {
    if (rows.length === 0) return { produced: 0, rejected: 0, rejections: [] };
    const result = await this.ingestService.ingest(
      topic,
      rows.map((row) => row.record),
      source,
      correlationId,
    );
    const undelivered = (result.notStored ?? 0) + (result.outcomeUnknown ?? 0);
    if (undelivered > 0) {
      throw new KafkaUnavailableError(
        `Kafka acknowledged ${result.accepted} of ${rows.length} rows; the chunk is produced again later`,
      );
    }
    const rejections = result.errors.map(({ index, code, message }): RowRejection & { row: SourceRow } => {
      const row = rows[index];
      return {
        row,
        location: row.location,
        code: row.record instanceof UnparseableRecord ? (row.parseErrorCode ?? code) : code,
        message,
      };
    });
    // The reason headers are the core's (toDeadLetterMessage); the row says where it came from.
    const letters = rejections.map(
      ({ row, code, message }): DeadLetter => ({
        message: {
          key: source.name,
          value: row.raw,
          headers: {
            [SOURCE_DLQ_HEADERS.source]: `${source.kind}:${source.name}`,
            [SOURCE_DLQ_HEADERS.location]: row.location,
            [EVENT_HEADERS.correlationId]: correlationId,
            [EVENT_HEADERS.contentType]: 'text/plain; charset=utf-8',
            ...excerptHeaders(row),
          },
        },
        error: { code, message },
      }),
    );
    // Each copy is capped to the message limit, and the batch cut into requests by bytes: many
    // large bad rows still go through.
    await publishDeadLetters(this.producer, topic, letters);
    return {
      produced: result.accepted,
      rejected: result.rejected,
      rejections: rejections.map(({ location, code, message }) => ({ location, code, message })),
    };
  }
}

/** A reader that kept only the start of an oversize row says so, as capDeadLetter would. */
function excerptHeaders(row: SourceRow): RecordHeaders {
  if (row.rawBytes === undefined || row.rawBytes <= Buffer.byteLength(row.raw)) return {};
  return { [DLQ_HEADERS.truncated]: 'true', [DLQ_HEADERS.originalBytes]: String(row.rawBytes) };
}
