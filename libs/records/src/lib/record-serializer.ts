import type { RecordDocument } from './record-definition';

/** The public shape of a stored record: string `id`, ISO dates, internal fields removed. */
export function toPublicRecord(
  document: RecordDocument,
  hiddenFields: readonly string[] = [],
): Record<string, unknown> {
  const { _id, ...fields } = document;
  const output: Record<string, unknown> = { id: _id };
  for (const [key, value] of Object.entries(fields)) {
    if (hiddenFields.includes(key)) continue;
    output[key] = value instanceof Date ? value.toISOString() : value;
  }
  return output;
}
