import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { register } from 'prom-client';
import { loadEnv } from '@datalake/service-kit';
import type { TestInfra } from '@datalake/testing';
import { AppModule } from '../../app.module';
import { IngestEnv } from '../../ingest.env';
import { CheckpointStore } from '../checkpoint/checkpoint.store';
import { SourceEvents } from '../progress/source-events';

export interface IngestApp {
  app: INestApplication;
  events: SourceEvents;
  checkpoints: CheckpointStore;
  close(): Promise<void>;
}

/**
 * The ingest service in-process (HTTP not listening), as `main.ts` builds it, against the test
 * Kafka and MongoDB; `close()` shuts it down like SIGTERM does.
 */
export async function startIngestApp(infra: TestInfra, variables: Record<string, string>): Promise<IngestApp> {
  const env = loadEnv(IngestEnv, {
    KAFKA_BOOTSTRAP_SERVERS: infra.kafkaBrokers.join(','),
    MONGO_URI: infra.mongoUri,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    INGEST_SOURCES: 'none',
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    ...variables,
  });
  // Each app registers Prometheus' default metrics again.
  register.clear();
  const app = await NestFactory.create(AppModule.forRoot(env), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  await app.init();
  return {
    app,
    events: app.get(SourceEvents),
    checkpoints: app.get(CheckpointStore),
    close: () => app.close(),
  };
}
