import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { BatchConsumer, EventProducer, KAFKA_CLIENT, KAFKA_OPTIONS, type KafkaModuleOptions } from '@datalake/kafka';
import { ingestBatch } from './record-ingestion';
import type { RecordDefinition } from './record-definition';
import { RecordRepository } from './record.repository';
import { CONSUMER_GROUP_ID, RECORD_DEFINITION, SOURCE_TOPIC } from './record.tokens';

/** Consumes the service's topic in batches into MongoDB; stops cleanly before shutdown. */
@Injectable()
export class RecordConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: BatchConsumer;

  constructor(
    @Inject(RECORD_DEFINITION) private readonly definition: RecordDefinition,
    @Inject(CONSUMER_GROUP_ID) private readonly groupId: string,
    @Inject(SOURCE_TOPIC) private readonly topic: string,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(KAFKA_OPTIONS) private readonly kafkaOptions: KafkaModuleOptions,
    private readonly repository: RecordRepository,
    private readonly producer: EventProducer,
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
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: this.groupId,
      topics: [topic],
      topicPrefix: this.kafkaOptions.topicPrefix,
      logger: log,
      handler: async (batch, context) => {
        const outcome = await ingestBatch(
          batch,
          this.definition,
          this.repository,
          this.producer,
          { warn: (ctx, msg) => this.logger.warn(ctx, msg) },
          context.heartbeat,
        );
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
    await this.consumer.start();
    this.logger.info({ topic, groupId: this.groupId }, 'consuming');
  }

  /** In-flight batch finishes and commits before connections close. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.consumer?.stop();
    this.logger.info({ topic: this.topic, signal }, 'stopped consuming; in-flight batch finished and committed');
  }
}
