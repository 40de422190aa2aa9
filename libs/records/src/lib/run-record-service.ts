import { IsInt, Max, Min } from 'class-validator';
import {
  DataServiceEnv,
  describeStartupError,
  exitOnConfigError,
  loadEnvOrExit,
  parseBrokerList,
  readManagementPort,
  readPort,
  runService,
  type RunServiceOptions,
} from '@datalake/service-kit';
import { JSON_LIMITS, jsonTextDepth } from '@datalake/kafka-schemas';
import { readConsumerSettings, readKafkaSecurity, type ConsumerSettings } from '@datalake/kafka-core';
import type { RecordDefinition } from './record-definition';
import { RecordServiceModule, type RecordServiceOptions } from './record-service.module';
import { startRecordConsumer } from './record.consumer';

/** Variables of a record service. */
export class RecordServiceEnv extends DataServiceEnv {
  /** Longest one list or get may run on the database server (maxTimeMS); below the gateway's UPSTREAM_TIMEOUT_MS. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  READ_TIMEOUT_MS: number = 8_000;
}

export interface RecordServiceMain {
  service: string;
  definition: RecordDefinition;
  portVariable: string;
  defaultPort: number;
  /** `/metrics` and `/health/*` (probes, Prometheus), e.g. `TRANSACTIONS_MANAGEMENT_PORT`. */
  managementPortVariable: string;
  defaultManagementPort: number;
}

/**
 * What every record service's app is made of, in production and in tests alike: the shared module,
 * and request bodies held to the event contract's JSON depth limit.
 */
export function recordServiceApp(options: RecordServiceOptions): Pick<RunServiceOptions, 'module' | 'bodyDepth'> {
  return {
    bodyDepth: { maxDepth: JSON_LIMITS.maxDepth, depthOf: jsonTextDepth },
    module: RecordServiceModule.forRoot(options),
  };
}

/**
 * The `main.ts` of every record consumer service: validated env, the shared module as an HTTP app,
 * then its Kafka consumer as a Nest microservice on that app (KafkaBatchTransport).
 */
export async function runRecordService(main: RecordServiceMain): Promise<void> {
  const env = loadEnvOrExit(main.service, RecordServiceEnv);
  let port: number;
  let managementPort: number;
  let consumer: ConsumerSettings;
  try {
    port = readPort(main.portVariable, main.defaultPort);
    managementPort = readManagementPort(main.managementPortVariable, main.defaultManagementPort, {
      name: main.portVariable,
      port,
    });
    consumer = readConsumerSettings();
    readKafkaSecurity(); // KAFKA_SSL / KAFKA_SASL_*: checked now, used by createKafkaClient
  } catch (error) {
    exitOnConfigError(main.service, error);
  }
  const app = await runService({
    name: main.service,
    port,
    managementPort,
    ...recordServiceApp({
      definition: main.definition,
      service: main.service,
      kafkaBrokers: parseBrokerList(env.KAFKA_BOOTSTRAP_SERVERS) ?? [],
      mongoUri: env.MONGO_URI,
      partitions: env.KAFKA_TOPIC_PARTITIONS,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      logLevel: env.LOG_LEVEL,
      readTimeoutMs: env.READ_TIMEOUT_MS,
      internalTokenSecret: env.INTERNAL_TOKEN_SECRET,
      consumer,
    }),
  });
  try {
    await startRecordConsumer(app);
  } catch (error) {
    console.error(`${main.service} failed to start: the consumer did not start: ${describeStartupError(error)}`);
    process.exit(1);
  }
}
