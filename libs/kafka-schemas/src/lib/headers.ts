/** Kafka header names used on every DataLake event. */
export const EVENT_HEADERS = {
  correlationId: 'x-correlation-id',
  contentType: 'content-type',
} as const;

export const JSON_CONTENT_TYPE = 'application/json';

/** Headers a dead-letter message carries besides the original ones. */
export const DLQ_HEADERS = {
  errorCode: 'x-dlq-error-code',
  errorMessage: 'x-dlq-error-message',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  failedAt: 'x-dlq-failed-at',
  truncated: 'x-dlq-truncated',
  originalBytes: 'x-dlq-original-bytes',
} as const;
