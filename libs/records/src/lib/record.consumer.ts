import {
  Controller,
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type INestApplication,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { EventProducer, fromPinoStyle, type ConsumedBatch, type StructuredLogger } from '@datalake/kafka-core';
import { connectKafkaBatchTransport, KafkaBatchContext, KafkaBatchTransport } from '@datalake/kafka';
import { ConsumerStatusRegistry } from './consumer-status';
import { ingestBatch } from './record-ingestion';
import type { RecordDefinition } from './record-definition';
import { watchConsumerProgress } from './record-metrics';
import { RecordRepository } from './record.repository';
import { RECORD_DEFINITION, SOURCE_TOPIC } from './record.tokens';
import { DeadLetterIndexer } from './dead-letters/dead-letter-indexer';

/**
 * Stores one step of a consumed batch (parse → validate → transform → one bulk upsert → DLQ the
 * refused, see ingestBatch) and publishes the transport's status for readiness and metrics. It is
 * reached through the `@EventPattern` handler of createRecordEventsController; the transport
 * commits after it resolved and retries it with backoff when it throws (an outage).
 */
@Injectable()
export class RecordConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private unwatch?: () => void;
  private readonly log: StructuredLogger;

  constructor(
    @Inject(RECORD_DEFINITION) private readonly definition: RecordDefinition,
    @Inject(SOURCE_TOPIC) private readonly topic: string,
    private readonly repository: RecordRepository,
    private readonly producer: EventProducer,
    private readonly transport: KafkaBatchTransport,
    private readonly statusRegistry: ConsumerStatusRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(RecordConsumer.name);
    this.log = fromPinoStyle(this.logger, { topic });
  }

  onApplicationBootstrap(): void {
    this.statusRegistry.watch(() => this.transport.consumerStatus());
    this.unwatch = watchConsumerProgress(() => this.transport.progress());
  }

  /**
   * Partition counts wait up to a second to be written together: once the transport has stopped
   * (its stop is shared, whoever asks first), the last ones are written before MongoDB closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.transport.close();
    await this.repository.flushCounts().catch((error: unknown) =>
      this.log.warn('partition counts could not be written before stopping (they guide reads only)', {
        error: (error as Error).message,
      }),
    );
  }

  onApplicationShutdown(): void {
    this.unwatch?.();
  }

  async ingest(batch: ConsumedBatch, context: KafkaBatchContext): Promise<void> {
    const outcome = await ingestBatch(batch, this.definition, this.repository, this.producer, {
      logger: this.log,
      heartbeat: () => context.heartbeat(),
    });
    this.log.info('batch stored', {
      partition: batch.partition,
      messages: batch.messages.length,
      stored: outcome.stored,
      deadLettered: outcome.deadLettered.length,
      lag: batch.offsetLag,
      correlationIds: outcome.correlationIds,
    });
  }
}

/** The service's Kafka handler: `@EventPattern(<topic>)`, called by KafkaBatchTransport per batch step. */
export function createRecordEventsController(topic: string): Type<unknown> {
  @Controller()
  class RecordEventsController {
    constructor(private readonly consumer: RecordConsumer) {}

    @EventPattern(topic)
    store(@Payload() batch: ConsumedBatch, @Ctx() context: KafkaBatchContext): Promise<void> {
      return this.consumer.ingest(batch, context);
    }
  }
  return RecordEventsController;
}

/**
 * Makes a started record service a Nest microservice too: its KafkaBatchTransport is connected
 * and started (after `app.init()` or `listen()`, once the KafkaModule has created the topics),
 * and the indexer of its DLQ starts consuming (its own group).
 */
export async function startRecordConsumer(app: INestApplication): Promise<void> {
  connectKafkaBatchTransport(app, app.get(KafkaBatchTransport));
  await app.startAllMicroservices();
  await app.get(DeadLetterIndexer).start();
}
