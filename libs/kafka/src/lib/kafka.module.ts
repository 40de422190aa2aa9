import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  createKafkaClient,
  ensureTopics,
  EventProducer,
  isAuthenticationError,
  isConnectionError,
  pingKafka,
  readTopicMessageLimit,
  type KafkaClient,
  type StructuredLogger,
  type TopicSpec,
} from '@datalake/kafka-core';
import type { ReadinessCheck } from '@datalake/service-kit';

export interface KafkaModuleOptions {
  brokers: string[];
  clientId: string;
  /** Topics created at start when missing. */
  topics?: TopicSpec[];
  defaultPartitions?: number;
  /** Namespace before every topic name (KAFKA_TOPIC_PREFIX). */
  topicPrefix?: string;
  /**
   * Largest record batch per produce request (KAFKA_MAX_MESSAGE_BYTES; default 1 MiB, the broker's
   * default). Lowered at start to the topics' `max.message.bytes` when that is smaller.
   */
  maxMessageBytes?: number;
  /** Longest one produce call may take (ms); default DEFAULT_SEND_TIMEOUT_MS. */
  sendTimeoutMs?: number;
}

export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

/** The core's logger on Nest's Logger (message first, context second: the same order). */
export function nestStructuredLogger(logger: Logger): StructuredLogger {
  return {
    info: (message, context) => logger.log({ msg: message, ...context }),
    warn: (message, context) => logger.warn({ msg: message, ...context }),
    error: (message, context) => logger.error({ msg: message, ...context }),
  };
}

/** Creates missing topics and connects the producer at start; disconnects on shutdown. */
@Injectable()
export class KafkaLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient,
    @Inject(KAFKA_OPTIONS) private readonly options: KafkaModuleOptions,
    private readonly producer: EventProducer,
  ) {}

  async onModuleInit(): Promise<void> {
    const where = this.options.brokers.join(',');
    try {
      const prefix = this.options.topicPrefix ?? '';
      const topics = (this.options.topics ?? []).map((spec) => ({ ...spec, topic: `${prefix}${spec.topic}` }));
      const created = await ensureTopics(this.kafka, topics, this.options.defaultPartitions);
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
      await this.adoptTopicMessageLimit(topics.map((spec) => spec.topic));
      await this.producer.connect();
    } catch (error) {
      const problem = isAuthenticationError(error)
        ? 'refused the connection: check KAFKA_SSL_CA_FILE and the KAFKA_SASL_* credentials'
        : isConnectionError(error)
          ? 'is not reachable'
          : 'refused the topic set-up';
      throw new Error(`Kafka at ${where} ${problem}`, { cause: error });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Produce requests must fit the smallest `max.message.bytes` of the topics this service writes. */
  private async adoptTopicMessageLimit(topics: string[]): Promise<void> {
    try {
      const limit = await readTopicMessageLimit(this.kafka, topics);
      if (limit !== undefined) this.producer.adoptMessageLimit(limit);
    } catch (error) {
      this.logger.warn(
        `could not read the topics' max.message.bytes (${(error as Error).message}); keeping the configured limit`,
      );
    }
    this.logger.log(`produce requests are cut at ${this.producer.maxMessageBytes} bytes`);
  }
}

@Injectable()
export class KafkaReadinessCheck implements ReadinessCheck {
  readonly name = 'kafka';

  constructor(@Inject(KAFKA_CLIENT) private readonly kafka: KafkaClient) {}

  check(): Promise<void> {
    return pingKafka(this.kafka);
  }
}

export interface KafkaModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: unknown[];
  useFactory: (...args: never[]) => KafkaModuleOptions;
}

/** Kafka client, idempotent producer and readiness check as Nest providers. */
@Global()
@Module({})
export class KafkaModule {
  static forRootAsync(options: KafkaModuleAsyncOptions): DynamicModule {
    return {
      module: KafkaModule,
      imports: options.imports ?? [],
      providers: [
        { provide: KAFKA_OPTIONS, useFactory: options.useFactory, inject: (options.inject ?? []) as never[] },
        {
          provide: KAFKA_CLIENT,
          useFactory: (opts: KafkaModuleOptions) =>
            createKafkaClient({
              brokers: opts.brokers,
              clientId: opts.clientId,
              logger: nestStructuredLogger(new Logger('KafkaClient')),
            }),
          inject: [KAFKA_OPTIONS],
        },
        {
          provide: EventProducer,
          useFactory: (kafka: KafkaClient, opts: KafkaModuleOptions) =>
            new EventProducer(kafka, {
              topicPrefix: opts.topicPrefix,
              maxMessageBytes: opts.maxMessageBytes,
              sendTimeoutMs: opts.sendTimeoutMs,
              logger: nestStructuredLogger(new Logger('EventProducer')),
            }),
          inject: [KAFKA_CLIENT, KAFKA_OPTIONS],
        },
        KafkaLifecycle,
        KafkaReadinessCheck,
      ],
      exports: [KAFKA_CLIENT, KAFKA_OPTIONS, EventProducer, KafkaReadinessCheck],
    };
  }
}
