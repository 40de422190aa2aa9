import type { INestApplication } from '@nestjs/common';
import { startServiceApp } from '@datalake/service-kit';
import { freePorts } from '@datalake/testing';
import { startRecordConsumer } from '../lib/record.consumer';
import type { RecordServiceOptions } from '../lib/record-service.module';
import { recordServiceApp } from '../lib/run-record-service';

export interface RecordServiceUnderTest {
  app: INestApplication;
  /** The public port: the record, stats, export and dead-letter routes. */
  url: string;
  /** `/metrics` and `/health/*` answer here only. */
  managementUrl: string;
}

/** What a spec gives: the service's options, its log level defaulting to TEST_LOG_LEVEL (else `error`). */
export type RecordServiceUnderTestOptions = Omit<RecordServiceOptions, 'logLevel'> & { logLevel?: string };

/**
 * A record service in-process, built as `runRecordService` builds it (the shared module, the body
 * depth limit, a management port), on free local ports; its Kafka consumer started unless
 * `consume` is false. Specs start it here rather than each wiring NestFactory differently.
 */
export async function startRecordServiceUnderTest(
  given: RecordServiceUnderTestOptions,
  { consume = true }: { consume?: boolean } = {},
): Promise<RecordServiceUnderTest> {
  const options: RecordServiceOptions = {
    ...given,
    logLevel: given.logLevel ?? process.env['TEST_LOG_LEVEL'] ?? 'error',
  };
  const [port, managementPort] = await freePorts(2);
  const app = await startServiceApp({
    name: options.service,
    port,
    managementPort,
    host: '127.0.0.1',
    ...recordServiceApp(options),
  });
  if (consume) await startRecordConsumer(app);
  return { app, url: `http://127.0.0.1:${port}`, managementUrl: `http://127.0.0.1:${managementPort}` };
}
