/** Why a message or record was refused; carried to the DLQ and to HTTP error lists. */
export type SchemaErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_ENVELOPE'
  | 'INVALID_PAYLOAD'
  | 'UNKNOWN_SCHEMA'
  | 'TRANSFORM_FAILED'
  | 'STORAGE_REJECTED';

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
