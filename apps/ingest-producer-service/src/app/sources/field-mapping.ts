import { catalogueOf, mapTopics, optionalFieldsOf, requiredFieldsOf, type Topic } from '@datalake/kafka-schemas';

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Input fields of each topic's payload, from the topic catalogue; `required` ones must be columns. */
export const TOPIC_FIELDS: Readonly<Record<Topic, { required: readonly string[]; optional: readonly string[] }>> =
  mapTopics((topic) => ({
    required: requiredFieldsOf(catalogueOf(topic)),
    optional: optionalFieldsOf(catalogueOf(topic)),
  }));

/** Per topic: squashed column alias → field (the catalogue's `aliases`, e.g. `src_ip` → `sourceIp`). */
const ALIASES: Readonly<Record<Topic, ReadonlyMap<string, string>>> = mapTopics(
  (topic) =>
    new Map(
      catalogueOf(topic).fields.flatMap((field) => (field.aliases ?? []).map((alias) => [squash(alias), field.name])),
    ),
);

/**
 * Maps a column name to the payload field it holds, case- and separator-insensitively
 * (`transaction_id`, `Transaction ID` and `transactionId` are one field), or undefined.
 */
export function fieldForColumn(topic: Topic, column: string): string | undefined {
  const { required, optional } = TOPIC_FIELDS[topic];
  const key = squash(column.replace(/^\uFEFF/, ''));
  const field = [...required, ...optional].find((candidate) => squash(candidate) === key);
  if (field) return field;
  return ALIASES[topic].get(key);
}

export interface ColumnMapping {
  /** The field each column position fills, or undefined for an ignored column. */
  fields: (string | undefined)[];
  missing: string[];
  ignored: string[];
}

/**
 * Resolves a header row; `missing` names the required fields no column provides. `overrides`
 * (column → field, from configuration) wins over the name-based matching.
 */
export function mapColumns(
  topic: Topic,
  header: readonly string[],
  overrides: Readonly<Record<string, string>> = {},
): ColumnMapping {
  const seen = new Set<string>();
  const ignored: string[] = [];
  const fields = header.map((column) => {
    const field = fieldForColumn(topic, Object.hasOwn(overrides, column) ? overrides[column] : column);
    // A repeated field keeps its first column, so a row cannot silently swap values.
    if (!field || seen.has(field)) {
      if (column.trim() !== '') ignored.push(column);
      return undefined;
    }
    seen.add(field);
    return field;
  });
  const missing = TOPIC_FIELDS[topic].required.filter((field) => !seen.has(field));
  return { fields, missing, ignored };
}

/** Builds the input record of one row; empty cells are left out, as absent values. */
export function rowToRecord(
  fields: readonly (string | undefined)[],
  values: readonly unknown[],
): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const value = values[i];
    if (field === undefined || value === undefined || value === null || value === '') continue;
    record[field] = value;
  }
  return record;
}
