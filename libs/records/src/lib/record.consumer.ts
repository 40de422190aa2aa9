import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import {
  BatchConsumer,
  EventProducer,
  KAFKA_CLIENT,
  KAFKA_OPTIONS,
  type ConsumerSettings,
  type KafkaModuleOptions,
} from '@datalake/kafka';
import { ConsumerStatusRegistry } from './consumer-status';
import { ingestBatch } from './record-ingestion';
import type { RecordDefinition } from './record-definition';
import { watchConsumerProgress } from './record-metrics';
import { RecordRepository } from './record.repository';
import { CONSUMER_GROUP_ID, CONSUMER_SETTINGS, RECORD_DEFINITION, SOURCE_TOPIC } from './record.tokens';

/** Consumes the service's topic in batches into MongoDB; stops cleanly before shutdown. */
@Injectable()
export class RecordConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: BatchConsumer;
  private unwatch?: () => void;

  constructor(
    @Inject(RECORD_DEFINITION) private readonly definition: RecordDefinition,
    @Inject(CONSUMER_GROUP_ID) private readonly groupId: string,
    @Inject(SOURCE_TOPIC) private readonly topic: string,
    @Inject(CONSUMER_SETTINGS) private readonly settings: Partial<ConsumerSettings>,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_OPTIONS) private readonly kafkaOptions: KafkaModuleOptions,
    private readonly repository: RecordRepository,
    private readonly producer: EventProducer,
    private readonly statusRegistry: ConsumerStatusRegistry,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(RecordConsumer.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    const { topic } = this;
    const log = {
      info: (msg: string, ctx?: Record<string, unknown>) => this.logger.info({ topic, ...ctx }, msg),
      warn: (msg: string, ctx?: Record<string, unknown>) => this.logger.warn({ topic, ...ctx }, msg),
      error: (msg: string, ctx?: Record<string, unknown>) => this.logger.error({ topic, ...ctx }, msg),
    };
    const consumer = new BatchConsumer(this.kafka, {
      ...this.settings,
      groupId: this.groupId,
      topics: [topic],
      topicPrefix: this.kafkaOptions.topicPrefix,
      logger: log,
      handler: async (batch, context) => {
        const outcome = await ingestBatch(batch, this.definition, this.repository, this.producer, {
          logger: { warn: (ctx, msg) => this.logger.warn(ctx, msg) },
          heartbeat: context.heartbeat,
        });
        this.logger.info(
          {
            partition: batch.partition,
            messages: batch.messages.length,
            stored: outcome.stored,
            deadLettered: outcome.deadLettered.length,
            lag: batch.offsetLag,
            correlationIds: outcome.correlationIds,
          },
          'batch stored',
        );
      },
    });
    this.consumer = consumer;
    this.statusRegistry.watch(() => consumer.status());
    this.unwatch = watchConsumerProgress(() => consumer.progress.snapshot());
    await consumer.start();
    this.logger.info({ topic, groupId: this.groupId }, 'consuming');
  }

  /** The in-flight step finishes and commits, then the consumer leaves its group. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (!this.consumer) return;
    const outcome = await this.consumer.stop();
    this.unwatch?.();
    // Partition counts wait up to a second to be written together; they are written before leaving.
    await this.repository.flushCounts().catch((error: unknown) =>
      this.logger.warn({ topic: this.topic, error: (error as Error).message }, 'partition counts could not be written before stopping (they guide reads only)'),
    );
    const context = { topic: this.topic, signal, givenBack: outcome.givenBack };
    if (!outcome.committed) {
      this.logger.warn(context, 'stopped consuming; the last stored step could not be committed and will be delivered again (stored once, by natural key)');
    } else if (outcome.givenBack > 0) {
      this.logger.info(context, 'stopped consuming; everything stored is committed, unfinished messages will be delivered again');
    } else {
      this.logger.info(context, 'stopped consuming; everything stored is committed');
    }
  }
}
