import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type logCreator } from 'kafkajs';

/** The logging surface the Kafka helpers need; a pino or Nest logger fits. */
export interface KafkaLogger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export const consoleKafkaLogger: KafkaLogger = {
  info: (message, context) => console.log(message, context ?? ''),
  warn: (message, context) => console.warn(message, context ?? ''),
  error: (message, context) => console.error(message, context ?? ''),
};

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger?: KafkaLogger;
  /** How long a connection attempt may take before it fails (ms). */
  connectionTimeout?: number;
}

const BOUNDED_RETRIES_WARNING = 'Limiting retries for the idempotent producer';

/** Routes kafkajs's own log lines (warnings and errors only) to our logger. */
function kafkaLogCreator(logger: KafkaLogger): logCreator {
  return () => ({ level, log }: LogEntry) => {
    const { message, ...rest } = log;
    if (message.startsWith(BOUNDED_RETRIES_WARNING)) return; // known and intended, see EventProducer
    if (level === KafkaLogLevel.ERROR) logger.error(`kafkajs: ${message}`, rest);
    else if (level === KafkaLogLevel.WARN) logger.warn(`kafkajs: ${message}`, rest);
  };
}

export function createKafkaClient(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeout ?? 3000,
    requestTimeout: 30000,
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLogCreator(options.logger ?? consoleKafkaLogger),
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 5000 },
  });
}
