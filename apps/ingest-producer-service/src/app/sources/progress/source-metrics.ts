import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

/** Per-source progress (DESIGN.md: rows read, produced, rejected), labelled by source kind and topic. */
export const sourceMetrics = {
  rowsRead: counter('datalake_source_rows_read_total', 'Rows read by ingestion sources', ['source', 'topic']),
  rowsProduced: counter('datalake_source_rows_produced_total', 'Rows produced to Kafka by ingestion sources', [
    'source',
    'topic',
  ]),
  rowsRejected: counter(
    'datalake_source_rows_rejected_total',
    'Rows refused by ingestion sources and sent to the DLQ',
    ['source', 'topic'],
  ),
  files: counter('datalake_source_files_total', 'Inbox files finished, by outcome (processed, failed, skipped)', [
    'topic',
    'outcome',
  ]),
  syslogMessages: counter('datalake_syslog_messages_total', 'Syslog messages received', ['transport']),
  syslogDropped: counter(
    'datalake_syslog_dropped_total',
    'Syslog messages dropped: reason buffer_full (UDP while the buffer is full) or refused (a message Kafka refused for good)',
    ['transport', 'reason'],
  ),
  syslogTruncated: counter('datalake_syslog_truncated_total', 'Syslog messages cut at the maximum message size', [
    'transport',
  ]),
};
