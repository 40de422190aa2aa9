import { type DynamicModule, Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { PinoLogger } from 'nestjs-pino';
import { dlqTopicOf } from '@datalake/kafka-schemas';
import { EventProducer, fromPinoStyle, type ConsumerSettings, type KafkaClient } from '@datalake/kafka-core';
import {
  KAFKA_CLIENT,
  KAFKA_OPTIONS,
  KafkaBatchTransport,
  KafkaModule,
  KafkaReadinessCheck,
  type KafkaModuleOptions,
} from '@datalake/kafka';
import { HealthModule, MongoReadinessCheck, ObservabilityModule, serviceMongoConnection } from '@datalake/service-kit';
import { ConsumerReadinessCheck, ConsumerStatusModule } from './consumer-status';
import type { RecordDefinition } from './record-definition';
import { createRecordEventsController, RecordConsumer } from './record.consumer';
import { createRecordsController } from './records.controller';
import { RecordRepository } from './record.repository';
import { RecordService } from './record.service';
import { RECORD_DEFINITION, SOURCE_TOPIC } from './record.tokens';
import {
  createDeadLettersController,
  DeadLetterIndexer,
  DeadLetterReplayer,
  DeadLetterRepository,
  DeadLettersService,
} from './dead-letters';

export interface RecordServiceOptions {
  definition: RecordDefinition;
  service: string;
  kafkaBrokers: string[];
  mongoUri: string;
  partitions: number;
  logLevel: string;
  /** Overrides for isolated test runs; default `<topic>-consumer` and the definition's database. */
  groupId?: string;
  database?: string;
  /** Namespace before every topic name (KAFKA_TOPIC_PREFIX). */
  topicPrefix?: string;
  /** Topic to consume instead of the definition's (same schema), e.g. a test run's own topic. */
  topic?: string;
  /** Server-side limit of one read (maxTimeMS), READ_TIMEOUT_MS; default 8 s. */
  readTimeoutMs?: number;
  /** Session, heartbeat and stall settings (KAFKA_SESSION_TIMEOUT_MS, ...); defaults when absent. */
  consumer?: Partial<ConsumerSettings>;
}

/**
 * A whole record service: topic consumer, MongoDB storage, internal query API, health, metrics.
 * The consumer is a Nest microservice on the HTTP app: start it with startRecordConsumer(app).
 */
@Module({})
export class RecordServiceModule {
  static forRoot(options: RecordServiceOptions): DynamicModule {
    const { definition } = options;
    const sourceTopic = options.topic ?? definition.topic;
    return {
      module: RecordServiceModule,
      imports: [
        ObservabilityModule.forRoot({ service: options.service, logLevel: options.logLevel }),
        serviceMongoConnection(options.mongoUri, options.database ?? definition.database),
        KafkaModule.forRootAsync({
          useFactory: () => ({
            brokers: options.kafkaBrokers,
            clientId: options.service,
            topics: [{ topic: sourceTopic }, { topic: dlqTopicOf(sourceTopic) }],
            defaultPartitions: options.partitions,
            topicPrefix: options.topicPrefix,
          }),
        }),
        ConsumerStatusModule,
        HealthModule.forRoot([MongoReadinessCheck, KafkaReadinessCheck, ConsumerReadinessCheck]),
      ],
      controllers: [
        createRecordsController(definition),
        createDeadLettersController(definition.topic),
        createRecordEventsController(sourceTopic),
      ],
      providers: [
        { provide: RECORD_DEFINITION, useValue: definition },
        { provide: SOURCE_TOPIC, useValue: sourceTopic },
        {
          provide: KafkaBatchTransport,
          useFactory: (kafka: KafkaClient, kafkaOptions: KafkaModuleOptions, logger: PinoLogger) => {
            logger.setContext(KafkaBatchTransport.name);
            return new KafkaBatchTransport(kafka, {
              ...options.consumer,
              groupId: options.groupId ?? `${definition.topic}-consumer`,
              topicPrefix: kafkaOptions.topicPrefix,
              logger: fromPinoStyle(logger, { topic: sourceTopic }),
            });
          },
          inject: [KAFKA_CLIENT, KAFKA_OPTIONS, PinoLogger],
        },
        {
          provide: RecordRepository,
          useFactory: (connection: Connection) =>
            new RecordRepository(connectedDb(connection), definition, { readTimeoutMs: options.readTimeoutMs }),
          inject: [getConnectionToken()],
        },
        RecordService,
        RecordConsumer,
        {
          provide: DeadLetterRepository,
          useFactory: (connection: Connection) => new DeadLetterRepository(connectedDb(connection), options.readTimeoutMs),
          inject: [getConnectionToken()],
        },
        {
          // Its own group: indexing the DLQ never holds back storing records, and re-reads it whole.
          provide: DeadLetterIndexer,
          useFactory: (
            kafka: KafkaClient,
            kafkaOptions: KafkaModuleOptions,
            repository: DeadLetterRepository,
            logger: PinoLogger,
          ) => {
            logger.setContext(DeadLetterIndexer.name);
            return new DeadLetterIndexer(kafka, repository, {
              topic: sourceTopic,
              groupId: `${options.groupId ?? `${definition.topic}-consumer`}-dead-letters`,
              topicPrefix: kafkaOptions.topicPrefix,
              logger: fromPinoStyle(logger, { topic: dlqTopicOf(sourceTopic) }),
              consumer: options.consumer,
            });
          },
          inject: [KAFKA_CLIENT, KAFKA_OPTIONS, DeadLetterRepository, PinoLogger],
        },
        {
          provide: DeadLetterReplayer,
          useFactory: (repository: DeadLetterRepository, producer: EventProducer) =>
            new DeadLetterReplayer(repository, producer, {
              topic: sourceTopic,
              schemaTopic: definition.topic,
              dlqTopic: dlqTopicOf(sourceTopic),
            }),
          inject: [DeadLetterRepository, EventProducer],
        },
        DeadLettersService,
      ],
      exports: [RecordRepository, RecordService],
    };
  }
}

function connectedDb(connection: Connection) {
  if (!connection.db) throw new Error('MongoDB connection is not open');
  return connection.db;
}
