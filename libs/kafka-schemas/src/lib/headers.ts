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
  /** "true" when the value was cut to fit the DLQ topic's message limit. */
  truncated: 'x-dlq-truncated',
  /** Size in bytes of the original value, set with `truncated`. */
  originalBytes: 'x-dlq-original-bytes',
} as const;
