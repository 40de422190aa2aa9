import { exitOnConfigError, loadEnvOrExit, runService } from '@datalake/service-kit';
import { JSON_LIMITS, jsonTextDepth } from '@datalake/kafka-schemas';
import { readKafkaSecurity } from '@datalake/kafka-core';
import { AppModule, SERVICE_NAME } from './app/app.module';
import { IngestEnv } from './app/ingest.env';

/** Largest ingestion body (DESIGN.md: 413 past 5 MB). */
export const INGEST_BODY_LIMIT = '5mb';

const env = loadEnvOrExit(SERVICE_NAME, IngestEnv);
try {
  readKafkaSecurity(); // KAFKA_SSL / KAFKA_SASL_*: checked now, used by createKafkaClient
} catch (error) {
  exitOnConfigError(SERVICE_NAME, error);
}
void runService({
  name: SERVICE_NAME,
  port: env.INGEST_PORT,
  managementPort: env.INGEST_MANAGEMENT_PORT,
  module: AppModule.forRoot(env),
  bodyLimit: INGEST_BODY_LIMIT,
  bodyDepth: { maxDepth: JSON_LIMITS.maxDepth, depthOf: jsonTextDepth },
  extraBodyParsers: [{ kind: 'text', type: ['application/x-ndjson', 'application/jsonl', 'application/jsonlines'] }],
});
