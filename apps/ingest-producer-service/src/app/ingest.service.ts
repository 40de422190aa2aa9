import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Counter, register } from 'prom-client';
import { INGEST_DELIVERY_CODES, type IngestErrorDto, type IngestResultDto } from '@datalake/dto';
import { EventProducer, KafkaUnavailableError, ProduceFailedError, type OutgoingRecord } from '@datalake/kafka-core';
import {
  createEvent,
  encodeEvent,
  EVENT_HEADERS,
  JSON_CONTENT_TYPE,
  JSON_LIMITS,
  valueDepth,
  type EventSource,
  type Topic,
} from '@datalake/kafka-schemas';
import { DomainError } from '@datalake/service-kit';
import { UnparseableRecord } from './unparseable-record';

/** Most records one ingestion call may carry. */
export const MAX_RECORDS_PER_REQUEST = 10_000;

const producedTotal =
  (register.getSingleMetric('datalake_records_produced_total') as Counter) ??
  new Counter({
    name: 'datalake_records_produced_total',
    help: 'Records produced to Kafka',
    labelNames: ['topic', 'source'],
  });
const rejectedTotal =
  (register.getSingleMetric('datalake_records_rejected_total') as Counter) ??
  new Counter({
    name: 'datalake_records_rejected_total',
    help: 'Records refused at ingestion',
    labelNames: ['topic', 'source'],
  });

/** A valid record ready to produce, with its position in the request. */
interface Produceable {
  index: number;
  message: OutgoingRecord;
}

/** What Kafka did with the produceable records: the first `acknowledged` are stored. */
interface Delivery {
  acknowledged: number;
  outcomeUnknown: number;
  notStored: number;
}

/**
 * Validates records against the topic's schema and produces the valid ones, keyed by natural key.
 * The answer is true per record: `accepted` counts exactly the records Kafka acknowledged, and
 * every other record has an `errors` entry saying why (refused, not stored, or outcome unknown).
 * When Kafka acknowledged none of the valid records it throws UNAVAILABLE (503).
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly producer: EventProducer,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(IngestService.name);
  }

  async ingest(topic: Topic, records: unknown[], source: EventSource, correlationId: string): Promise<IngestResultDto> {
    if (records.length > MAX_RECORDS_PER_REQUEST) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `at most ${MAX_RECORDS_PER_REQUEST} records per request`);
    }
    const errors: IngestErrorDto[] = [];
    const produceable: Produceable[] = [];
    const now = new Date();
    records.forEach((record, index) => {
      const prepared = this.prepare(topic, record, source, correlationId, now);
      if ('code' in prepared) errors.push({ index, ...prepared });
      else produceable.push({ index, message: prepared });
    });
    const refused = errors.length;
    const delivery = await this.produce(topic, produceable);
    errors.push(...undeliveredErrors(produceable, delivery));
    errors.sort((a, b) => a.index - b.index);

    producedTotal.inc({ topic, source: source.kind }, delivery.acknowledged);
    rejectedTotal.inc({ topic, source: source.kind }, refused);
    const result: IngestResultDto = { accepted: delivery.acknowledged, rejected: errors.length, errors };
    if (delivery.notStored + delivery.outcomeUnknown > 0) {
      result.notStored = delivery.notStored;
      result.outcomeUnknown = delivery.outcomeUnknown;
    }
    this.logger.info(
      {
        topic,
        source,
        correlationId,
        accepted: result.accepted,
        rejected: refused,
        notStored: delivery.notStored,
        outcomeUnknown: delivery.outcomeUnknown,
      },
      'records ingested',
    );
    return result;
  }

  /** The Kafka message for a record, or why the record is refused. */
  private prepare(
    topic: Topic,
    record: unknown,
    source: EventSource,
    correlationId: string,
    now: Date,
  ): OutgoingRecord | Omit<IngestErrorDto, 'index'> {
    if (record instanceof UnparseableRecord) return { code: record.code, message: record.message };
    if (valueDepth(record, JSON_LIMITS.maxDepth) > JSON_LIMITS.maxDepth) {
      return { code: 'TOO_DEEP', message: `record nested deeper than ${JSON_LIMITS.maxDepth} levels is refused` };
    }
    const recordBytes = Buffer.byteLength(JSON.stringify(record) ?? '');
    if (recordBytes > JSON_LIMITS.maxRecordBytes) return tooLarge(`record is ${recordBytes} bytes`);
    let event: ReturnType<typeof createEvent>;
    try {
      event = createEvent(topic, record, source, now);
    } catch (error) {
      // Validation that throws (e.g. a RangeError) is a verdict on this record only.
      return { code: 'PROCESSING_FAILED', message: `record could not be validated: ${(error as Error).message}` };
    }
    if (!event.ok) return { code: event.error.code, message: event.error.message };
    const message: OutgoingRecord = {
      key: event.value.key,
      value: encodeEvent(event.value.envelope),
      headers: { [EVENT_HEADERS.correlationId]: correlationId, [EVENT_HEADERS.contentType]: JSON_CONTENT_TYPE },
    };
    const valueBytes = Buffer.byteLength(message.value);
    if (valueBytes > JSON_LIMITS.maxRecordBytes) return tooLarge(`record is ${valueBytes} bytes once encoded`);
    if (!this.producer.fits(message)) {
      return {
        code: 'TOO_LARGE',
        message: `record is ${this.producer.sizeOf(message)} bytes as a Kafka message; the message limit is ${this.producer.maxMessageBytes} bytes`,
      };
    }
    return message;
  }

  private async produce(topic: Topic, produceable: Produceable[]): Promise<Delivery> {
    const total = produceable.length;
    if (total === 0) return { acknowledged: 0, outcomeUnknown: 0, notStored: 0 };
    try {
      await this.producer.send(
        topic,
        produceable.map(({ message }) => message),
      );
      return { acknowledged: total, outcomeUnknown: 0, notStored: 0 };
    } catch (error) {
      if (!(error instanceof KafkaUnavailableError)) throw error;
      // A failure without detail may have reached Kafka: unknown, never "not stored".
      const delivery =
        error instanceof ProduceFailedError
          ? { acknowledged: error.acknowledged, outcomeUnknown: error.outcomeUnknown, notStored: error.notSent }
          : { acknowledged: 0, outcomeUnknown: total, notStored: 0 };
      this.logger.warn({ topic, err: error, ...delivery }, 'Kafka did not acknowledge every record');
      if (delivery.acknowledged === 0) throw unavailable(delivery, error);
      return delivery;
    }
  }
}

const tooLarge = (what: string) => ({
  code: 'TOO_LARGE',
  message: `${what}; at most ${JSON_LIMITS.maxRecordBytes} bytes are accepted per record`,
});

/** 503 when Kafka acknowledged nothing; says whether records may nevertheless have been stored. */
function unavailable(delivery: Delivery, cause: Error): DomainError {
  const details = { accepted: 0, notStored: delivery.notStored, outcomeUnknown: delivery.outcomeUnknown };
  if (delivery.outcomeUnknown === 0) {
    return new DomainError('UNAVAILABLE', 'Kafka is unavailable; no record was accepted, retry later', details, {
      cause,
    });
  }
  return new DomainError(
    'UNAVAILABLE',
    `Kafka did not confirm in time; ${delivery.outcomeUnknown} record(s) may have been stored. ` +
      'Retrying the request is safe: records are stored by natural key, so a resend creates no duplicate',
    details,
    { cause },
  );
}

/** Error entries for the produceable records Kafka did not acknowledge. */
function undeliveredErrors(produceable: Produceable[], delivery: Delivery): IngestErrorDto[] {
  return produceable.slice(delivery.acknowledged).map(({ index }, position) =>
    position < delivery.outcomeUnknown
      ? {
          index,
          code: INGEST_DELIVERY_CODES.outcomeUnknown,
          message:
            'Kafka did not confirm this record; it may have been stored. Resending it is safe (stored by natural key)',
        }
      : {
          index,
          code: INGEST_DELIVERY_CODES.notStored,
          message: 'not stored: Kafka failed before this record was sent; resend it',
        },
  );
}
