import { Catch, type BeforeApplicationShutdown, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { NestMicroservice } from '@nestjs/microservices';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import {
  BatchConsumer,
  consoleLogger,
  type BatchConsumerOptions,
  type BatchContext,
  type ConsumedBatch,
  type ConsumerStatus,
  type KafkaClient,
  type PartitionProgressReport,
  type StopOutcome,
  type StructuredLogger,
} from '@datalake/kafka-core';

/** Everything of BatchConsumerOptions but the topics and the handler: those come from the @EventPattern methods. */
export type KafkaBatchTransportOptions = Omit<BatchConsumerOptions, 'topics' | 'handler'>;

/**
 * What an `@EventPattern` batch handler gets as `@Ctx()`: the batch's place and the consumer's
 * heartbeat for long work (the transport also heartbeats on a timer while the handler runs).
 */
export class KafkaBatchContext extends BaseRpcContext<[ConsumedBatch, BatchContext]> {
  getTopic(): string {
    return this.args[0].topic;
  }

  getPartition(): number {
    return this.args[0].partition;
  }

  /** Keeps the group membership alive; call it between long writes. */
  heartbeat(): Promise<void> {
    return this.args[1].heartbeat();
  }

  /** False once the consumer is stopping or the batch is stale after a rebalance. */
  isActive(): boolean {
    return this.args[1].isActive();
  }
}

/**
 * Hands a handler's error to the transport unchanged. Nest's default RPC filter would replace it by
 * `{status: 'error', message: 'Internal server error'}`, and the transport needs the error itself:
 * a Kafka group error (rebalance) must reach the consumer to rejoin, and the retry log names the cause.
 */
@Catch()
export class RethrowToKafkaTransport implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A Nest microservice transport over the core's BatchConsumer: it subscribes to the topics of the
 * app's `@EventPattern(<topic>)` methods and calls the method with each step of a fetched batch (a
 * ConsumedBatch, at most `stepMessages` messages) and a KafkaBatchContext. It awaits the handler and
 * commits after it resolved; a thrown error means "transient, try this step again" (backoff, the
 * partition does not advance), so a handler dead-letters poison messages itself. Heartbeats during
 * long steps, commits on stop and rebalance, and stall detection are the BatchConsumer's.
 *
 * Registered as a Nest provider it stops in `beforeApplicationShutdown`, where the consumer stopped
 * before (the in-flight step finishes and commits while storage and the DLQ producer are still up).
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy, BeforeApplicationShutdown {
  private consumer?: BatchConsumer;
  private stopping?: Promise<StopOutcome | undefined>;
  private readonly log: StructuredLogger;

  constructor(
    private readonly kafka: KafkaClient,
    private readonly options: KafkaBatchTransportOptions,
  ) {
    super();
    this.log = options.logger ?? consoleLogger;
  }

  /** The topics consumed: the patterns of the registered event handlers. */
  topics(): string[] {
    return [...this.getHandlers().entries()]
      .filter(([, handler]) => handler.isEventHandler)
      .map(([pattern]) => pattern);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const topics = this.topics();
      if (topics.length === 0)
        throw new Error('no @EventPattern(<topic>) handler is registered: there is nothing to consume');
      const consumer = new BatchConsumer(this.kafka, {
        ...this.options,
        topics,
        handler: (batch, context) => this.dispatch(batch, context),
      });
      this.consumer = consumer;
      await consumer.start();
      this.log.info('consuming', { topics, groupId: this.options.groupId });
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Running state and each held partition's progress, for readiness; undefined before `listen`. */
  consumerStatus(): ConsumerStatus | undefined {
    return this.consumer?.status();
  }

  progress(): PartitionProgressReport[] {
    return this.consumer?.progress.snapshot() ?? [];
  }

  private async dispatch(batch: ConsumedBatch, context: BatchContext): Promise<void> {
    const handler = this.getHandlerByPattern(batch.topic);
    if (!handler) throw new Error(`no @EventPattern handler for topic ${batch.topic}`); // not subscribed without one
    const result = await handler(batch, new KafkaBatchContext([batch, context]));
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    await this.stop(signal);
  }

  async close(): Promise<void> {
    await this.stop();
  }

  /** Once: the in-flight step finishes and commits, then the consumer leaves its group. */
  private stop(signal?: string): Promise<StopOutcome | undefined> {
    this.stopping ??= this.stopConsumer(signal);
    return this.stopping;
  }

  private async stopConsumer(signal?: string): Promise<StopOutcome | undefined> {
    if (!this.consumer) return undefined;
    const outcome = await this.consumer.stop();
    const context = { topics: this.topics(), signal, givenBack: outcome.givenBack };
    if (!outcome.committed) {
      this.log.warn(
        'stopped consuming; the last stored step could not be committed and will be delivered again (stored once, by natural key)',
        context,
      );
    } else if (outcome.givenBack > 0) {
      this.log.info(
        'stopped consuming; everything stored is committed, unfinished messages will be delivered again',
        context,
      );
    } else {
      this.log.info('stopped consuming; everything stored is committed', context);
    }
    return outcome;
  }

  on(): never {
    throw new Error('KafkaBatchTransport has no events to listen to; read consumerStatus() instead');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }
}

/**
 * Connects the transport to an HTTP app as a hybrid microservice, so the app's `@EventPattern`
 * methods consume Kafka; start it with `app.startAllMicroservices()` after `app.init()`/`listen()`
 * (the topics must exist, which the KafkaModule ensures at init).
 */
export function connectKafkaBatchTransport(app: INestApplication, transport: KafkaBatchTransport): NestMicroservice {
  // Deferred, so the filter is in place before the handlers are registered (Nest reads global
  // filters at registration); the app's init hooks have run already and must not run twice.
  const microservice = app.connectMicroservice<object>(
    { strategy: transport },
    { deferInitialization: true },
  ) as NestMicroservice;
  microservice.setIsInitHookCalled(true);
  microservice.useGlobalFilters(new RethrowToKafkaTransport());
  return microservice;
}
