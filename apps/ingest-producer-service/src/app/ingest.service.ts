import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Counter, register } from 'prom-client';
import type { IngestErrorDto, IngestResultDto } from '@datalake/dto';
import { EventProducer, KafkaUnavailableError, type OutgoingMessage } from '@datalake/kafka';
import {
  createEvent,
  encodeEvent,
  EVENT_HEADERS,
  JSON_CONTENT_TYPE,
  type EventSource,
  type Topic,
} from '@datalake/kafka-schemas';
import { DomainError } from '@datalake/service-kit';
import { UnparseableRecord } from './unparseable-record';

/** Most records one ingestion call may carry. */
export const MAX_RECORDS_PER_REQUEST = 10_000;

const producedTotal =
  (register.getSingleMetric('datalake_records_produced_total') as Counter) ??
  new Counter({ name: 'datalake_records_produced_total', help: 'Records produced to Kafka', labelNames: ['topic', 'source'] });
const rejectedTotal =
  (register.getSingleMetric('datalake_records_rejected_total') as Counter) ??
  new Counter({ name: 'datalake_records_rejected_total', help: 'Records refused at ingestion', labelNames: ['topic', 'source'] });

/**
 * Validates records against the topic's schema and produces the valid ones, keyed by natural key.
 * Resolves only after Kafka acknowledged them (acks=all); if Kafka is down it throws UNAVAILABLE.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly producer: EventProducer,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(IngestService.name);
  }

  async ingest(
    topic: Topic,
    records: unknown[],
    source: EventSource,
    correlationId: string,
  ): Promise<IngestResultDto> {
    if (records.length > MAX_RECORDS_PER_REQUEST) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `at most ${MAX_RECORDS_PER_REQUEST} records per request`);
    }
    const errors: IngestErrorDto[] = [];
    const messages: OutgoingMessage[] = [];
    const now = new Date();
    records.forEach((record, index) => {
      if (record instanceof UnparseableRecord) {
        errors.push({ index, message: record.message });
        return;
      }
      const event = createEvent(topic, record, source, now);
      if (!event.ok) {
        errors.push({ index, message: event.error.message });
        return;
      }
      messages.push({
        key: event.value.key,
        value: encodeEvent(event.value.envelope),
        headers: { [EVENT_HEADERS.correlationId]: correlationId, [EVENT_HEADERS.contentType]: JSON_CONTENT_TYPE },
      });
    });
    await this.produce(topic, messages);
    producedTotal.inc({ topic, source: source.kind }, messages.length);
    rejectedTotal.inc({ topic, source: source.kind }, errors.length);
    this.logger.info(
      { topic, source, correlationId, accepted: messages.length, rejected: errors.length },
      'records ingested',
    );
    return { accepted: messages.length, rejected: errors.length, errors };
  }

  private async produce(topic: Topic, messages: OutgoingMessage[]): Promise<void> {
    try {
      await this.producer.send(topic, messages);
    } catch (error) {
      if (error instanceof KafkaUnavailableError) {
        throw new DomainError('UNAVAILABLE', 'Kafka is unavailable; no record was accepted, retry later', undefined, {
          cause: error,
        });
      }
      throw error;
    }
  }
}
