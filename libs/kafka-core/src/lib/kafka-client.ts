import {
  Kafka,
  logLevel as KafkaLogLevel,
  type KafkaConfig,
  type LogEntry,
  type logCreator,
  type SASLOptions,
} from 'kafkajs';
import { consoleLogger, type StructuredLogger } from './structured-logger';
import { readKafkaSecurity, type KafkaSecurity } from './kafka-security';

/**
 * A connection to a cluster, made by `createKafkaClient`. Outside libs/kafka-core treat it as
 * opaque: hand it to the core's functions and classes, never call the client library on it.
 */
export type KafkaClient = Kafka;

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: StructuredLogger;
  /** How long a connection attempt may take before it fails (ms). */
  connectionTimeout?: number;
  /**
   * TLS and SASL. Default: `readKafkaSecurity(process.env)` (KAFKA_SSL, KAFKA_SASL_* …), so every
   * client of the project — services, DLQ producers, admin clients, test helpers, bench tools —
   * gets the same settings from this one place. Throws a KafkaSecurityConfigError when they are wrong.
   */
  security?: KafkaSecurity;
}

const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer';

/** Routes kafkajs's own log lines (warnings and errors only) to our logger. */
function kafkaLogCreator(logger: StructuredLogger): logCreator {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...rest } = log;
      if (message.startsWith(BOUNDED_RETRIES_WARNING)) return; // known and intended, see EventProducer
      if (level === KafkaLogLevel.ERROR) logger.error(`kafkajs: ${message}`, rest);
      else if (level === KafkaLogLevel.WARN) logger.warn(`kafkajs: ${message}`, rest);
    };
}

/** kafkajs's `ssl`/`sasl` options for our settings. */
function clientSecurityOptions(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const ssl = security.tls
    ? { rejectUnauthorized: security.tls.rejectUnauthorized, ...(security.tls.ca ? { ca: [security.tls.ca] } : {}) }
    : undefined;
  return { ...(ssl ? { ssl } : {}), ...(security.sasl ? { sasl: { ...security.sasl } as SASLOptions } : {}) };
}

export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...clientSecurityOptions(options.security ?? readKafkaSecurity()),
    // a wrong password fails the SASL handshake with a non-retriable error within this bound
    authenticationTimeout: 10_000,
    connectionTimeout: options.connectionTimeout ?? 3000,
    requestTimeout: 30000,
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLogCreator(options.logger ?? consoleLogger),
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 5000 },
  });
}
