import { Counter, Gauge, Histogram, register } from 'prom-client';
import type { PartitionProgressReport } from '@datalake/kafka-core';

/** Where the progress gauge reads its values at each scrape (the running consumers). */
const progressSources = new Set<() => PartitionProgressReport[]>();

/** Adds a consumer's partitions to `datalake_consumer_seconds_since_progress`; returns the removal. */
export function watchConsumerProgress(source: () => PartitionProgressReport[]): () => void {
  progressSources.add(source);
  return () => progressSources.delete(source);
}

function secondsSinceProgressGauge(): Gauge {
  const name = 'datalake_consumer_seconds_since_progress';
  return (
    (register.getSingleMetric(name) as Gauge) ??
    new Gauge({
      name,
      help: 'Seconds since the partition last committed progress while it has work (0 when idle)',
      labelNames: ['topic', 'partition'],
      collect() {
        this.reset(); // partitions given away after a rebalance disappear
        for (const source of progressSources) {
          for (const entry of source())
            this.set({ topic: entry.topic, partition: String(entry.partition) }, entry.secondsSinceProgress);
        }
      },
    })
  );
}

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });
}

/** Pipeline metrics of a record consumer service (Prometheus default registry). */
export const recordMetrics = {
  consumed: counter('datalake_records_consumed_total', 'Kafka messages consumed', ['topic']),
  stored: counter('datalake_records_stored_total', 'Records upserted into MongoDB', ['topic']),
  deadLettered: counter('datalake_records_dead_lettered_total', 'Messages sent to the DLQ', ['topic', 'reason']),
  lag:
    (register.getSingleMetric('datalake_consumer_lag') as Gauge) ??
    new Gauge({
      name: 'datalake_consumer_lag',
      help: 'Messages behind the end of the partition',
      labelNames: ['topic', 'partition'],
    }),
  secondsSinceProgress: secondsSinceProgressGauge(),
  batchSize:
    (register.getSingleMetric('datalake_batch_size') as Histogram) ??
    new Histogram({
      name: 'datalake_batch_size',
      help: 'Messages per consumed batch',
      labelNames: ['topic'],
      buckets: [1, 10, 50, 100, 250, 500, 1000, 5000],
    }),
};
