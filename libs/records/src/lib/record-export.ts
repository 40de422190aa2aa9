import { catalogueOf } from '@datalake/kafka-schemas';
import type { RecordDefinition } from './record-definition';

/**
 * CSV of exported records, written here rather than with a dependency: RFC 4180 quoting is a few
 * lines (csv-stringify is not installed; csv-parse, which is, only reads).
 */

/** One CSV field: quoted when it holds a quote, comma, CR or LF (quotes doubled); arrays and objects as JSON. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text =
    value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * The CSV columns of a resource: `id`, the stored and derived fields of its catalogue, then the
 * envelope's `ingestedAt`, `eventId` and the flattened `source.kind`, `source.name`.
 */
export function csvColumnsOf(definition: Pick<RecordDefinition, 'topic' | 'hiddenFields'>): string[] {
  const catalogue = catalogueOf(definition.topic);
  const fields = [
    ...catalogue.fields.filter((field) => field.stored !== false).map((field) => field.name),
    ...catalogue.derived.map((field) => field.name),
  ];
  const own = [...new Set(['timestamp', ...fields])].filter((name) => !definition.hiddenFields?.includes(name));
  return ['id', ...own, 'ingestedAt', 'eventId', 'source.kind', 'source.name'];
}

/** The values of a public record (see toPublicRecord) in column order; `a.b` reads a nested field. */
export function csvRowOf(record: Record<string, unknown>, columns: readonly string[]): unknown[] {
  return columns.map((column) => {
    const [head, ...rest] = column.split('.');
    let value: unknown = record[head];
    for (const key of rest)
      value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    return value;
  });
}
