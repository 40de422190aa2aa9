import { type DynamicModule, Module } from '@nestjs/common';
import { ALL_TOPICS, dlqTopicOf } from '@datalake/kafka-schemas';
import { KafkaModule, KafkaReadinessCheck } from '@datalake/kafka';
import {
  HealthModule,
  InternalCallModule,
  MongoReadinessCheck,
  ObservabilityModule,
  serviceMongoConnection,
  parseBrokerList,
} from '@datalake/service-kit';
import { IngestController } from './http/ingest.controller';
import type { IngestEnv } from './ingest.env';
import { IngestService } from './ingest.service';
import { sourceProviders, SourcesCoreModule, SourcesReadinessCheck } from './sources/sources.providers';

export const SERVICE_NAME = 'ingest-producer-service';

@Module({})
export class AppModule {
  static forRoot(env: IngestEnv): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forRoot({ service: SERVICE_NAME, logLevel: env.LOG_LEVEL }),
        // Source checkpoints live in the service's own database.
        serviceMongoConnection(env.MONGO_URI, 'ingest'),
        KafkaModule.forRootAsync({
          useFactory: () => ({
            brokers: parseBrokerList(env.KAFKA_BOOTSTRAP_SERVERS) ?? [],
            clientId: SERVICE_NAME,
            topics: ALL_TOPICS.flatMap((topic) => [{ topic }, { topic: dlqTopicOf(topic) }]),
            defaultPartitions: env.KAFKA_TOPIC_PARTITIONS,
            topicPrefix: env.KAFKA_TOPIC_PREFIX,
            maxMessageBytes: env.KAFKA_MAX_MESSAGE_BYTES,
            sendTimeoutMs: env.KAFKA_SEND_TIMEOUT_MS,
          }),
        }),
        SourcesCoreModule.forRoot(env),
        // "sources": down while an inbox file, live file, SQLite source or the syslog buffer is stalled.
        HealthModule.forRoot([MongoReadinessCheck, KafkaReadinessCheck, SourcesReadinessCheck]),
        InternalCallModule.forRoot({ service: SERVICE_NAME, secret: env.INTERNAL_TOKEN_SECRET }),
      ],
      controllers: [IngestController],
      providers: [{ provide: 'INGEST_ENV', useValue: env }, IngestService, ...sourceProviders()],
      exports: [IngestService],
    };
  }
}
