/** Why a message or record was refused; carried to the DLQ and to HTTP error lists. */
export type SchemaErrorCode =
  | 'INVALID_JSON'
  /** Nested deeper than JSON_LIMITS.maxDepth. */
  | 'TOO_DEEP'
  /** A record (or message value) over JSON_LIMITS.maxRecordBytes or the broker's message limit. */
  | 'TOO_LARGE'
  | 'INVALID_ENVELOPE'
  | 'INVALID_PAYLOAD'
  | 'UNKNOWN_SCHEMA'
  | 'TRANSFORM_FAILED'
  | 'STORAGE_REJECTED'
  /** Validation or transform threw something unexpected for this one message (e.g. a RangeError). */
  | 'PROCESSING_FAILED';

export interface SchemaError {
  code: SchemaErrorCode;
  message: string;
}

export type Result<T, E = SchemaError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = (code: SchemaErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
