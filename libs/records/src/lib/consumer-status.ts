import { Global, Injectable, Module } from '@nestjs/common';
import type { ConsumerStatus } from '@datalake/kafka-core';
import type { ReadinessCheck } from '@datalake/service-kit';

/** Where the running consumer publishes its status, for the readiness check (a global provider). */
@Injectable()
export class ConsumerStatusRegistry {
  private source?: () => ConsumerStatus | undefined;

  /** `source` answers undefined until the consumer has started. */
  watch(source: (() => ConsumerStatus | undefined) | undefined): void {
    this.source = source;
  }

  current(): ConsumerStatus | undefined {
    return this.source?.();
  }
}

/**
 * Readiness detail of the consumer: each held partition's progress, and `stalled` when one has had
 * work and no commit for longer than CONSUMER_STALL_SECONDS. A stall keeps the service ready (200):
 * it still answers queries, restarting it would not unblock the cause (the cause's own check, e.g.
 * MongoDB, fails readiness when it is an outage), and a platform alert reads `stalled` or the
 * `datalake_consumer_seconds_since_progress` gauge. A consumer kafkajs stopped is not ready until it
 * has started itself again (see BatchConsumer).
 */
@Injectable()
export class ConsumerReadinessCheck implements ReadinessCheck {
  readonly name = 'consumer';

  constructor(private readonly registry: ConsumerStatusRegistry) {}

  async check(): Promise<Record<string, unknown>> {
    const status = this.registry.current();
    if (!status) throw new Error('the consumer has not started');
    if (!status.running) throw new Error(`the consumer is not running${status.crashed ? `: ${status.crashed}` : ''}`);
    const stalled = status.partitions.filter((partition) => partition.stalled);
    return {
      stalled: stalled.length > 0,
      stallSeconds: status.stallSeconds,
      partitions: status.partitions,
    };
  }
}

@Global()
@Module({ providers: [ConsumerStatusRegistry], exports: [ConsumerStatusRegistry] })
export class ConsumerStatusModule {}
