import { Counter, Gauge, Histogram, register } from 'prom-client';

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
    new Gauge({ name: 'datalake_consumer_lag', help: 'Messages behind the end of the partition', labelNames: ['topic', 'partition'] }),
  batchSize:
    (register.getSingleMetric('datalake_batch_size') as Histogram) ??
    new Histogram({
      name: 'datalake_batch_size',
      help: 'Messages per consumed batch',
      labelNames: ['topic'],
      buckets: [1, 10, 50, 100, 250, 500, 1000, 5000],
    }),
};
