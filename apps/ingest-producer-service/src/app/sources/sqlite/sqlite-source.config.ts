import { readFileSync } from 'node:fs';
import { isTopic, type Topic } from '@datalake/kafka-schemas';
import { fieldForColumn } from '../field-mapping';

/**
 * A live SQLite table polled incrementally, like Kafka Connect's JDBC source:
 * - `incrementing`: rows whose `column` (default `rowid`) is above the checkpoint; new rows only.
 * - `timestamp`: rows whose updated-at `column` is past the checkpoint (ties broken by rowid), so
 *   updated rows are produced again — the consumers upsert them by natural key.
 */
export interface SqliteSourceConfig {
  name: string;
  path: string;
  table: string;
  topic: Topic;
  mode: 'incrementing' | 'timestamp';
  column: string;
  /** Column → payload field, where the names do not say it (e.g. `{"created_at": "timestamp"}`). */
  columns?: Record<string, string>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export type ConfigResult<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJsonOrFile(value: string): ConfigResult<unknown> {
  const text = value.trim();
  let json = text;
  if (!text.startsWith('[') && !text.startsWith('{')) {
    try {
      json = readFileSync(text, 'utf8');
    } catch (error) {
      return { ok: false, error: `cannot read ${text}: ${(error as Error).message}` };
    }
  }
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch (error) {
    return { ok: false, error: `is not valid JSON: ${(error as Error).message}` };
  }
}

/** Reads SQLITE_SOURCES: a JSON array of sources, or the path of a file holding one. */
export function parseSqliteSources(value: string | undefined): ConfigResult<SqliteSourceConfig[]> {
  if (!value || value.trim() === '') return { ok: true, value: [] };
  const parsed = parseJsonOrFile(value);
  if (!parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, error: 'must be a JSON array of sources' };
  const sources: SqliteSourceConfig[] = [];
  for (const [index, entry] of parsed.value.entries()) {
    const where = `entry ${index}`;
    if (!entry || typeof entry !== 'object') return { ok: false, error: `${where} must be an object` };
    const { name, path, table, topic, mode = 'incrementing', column, columns } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name)) return { ok: false, error: `${where}: name must match ${NAME}` };
    if (sources.some((source) => source.name === name))
      return { ok: false, error: `${where}: name "${name}" is repeated` };
    if (typeof path !== 'string' || path === '') return { ok: false, error: `${where} (${name}): path is required` };
    if (!isTopic(topic))
      return { ok: false, error: `${where} (${name}): topic must be transactions, social_posts or network_logs` };
    const tableName = table ?? topic;
    if (typeof tableName !== 'string' || !IDENTIFIER.test(tableName)) {
      return { ok: false, error: `${where} (${name}): table must be an SQL identifier` };
    }
    if (mode !== 'incrementing' && mode !== 'timestamp') {
      return { ok: false, error: `${where} (${name}): mode must be "incrementing" or "timestamp"` };
    }
    if (mode === 'timestamp' && column === undefined) {
      return { ok: false, error: `${where} (${name}): mode "timestamp" needs the updated-at column` };
    }
    const columnName = column ?? 'rowid';
    if (typeof columnName !== 'string' || !IDENTIFIER.test(columnName)) {
      return { ok: false, error: `${where} (${name}): column must be an SQL identifier` };
    }
    if (columns !== undefined && (!columns || typeof columns !== 'object' || Array.isArray(columns))) {
      return { ok: false, error: `${where} (${name}): columns must map column names to ${topic} fields` };
    }
    for (const [source, field] of Object.entries((columns ?? {}) as Record<string, unknown>)) {
      if (typeof field !== 'string' || fieldForColumn(topic, field) !== field) {
        return {
          ok: false,
          error: `${where} (${name}): columns.${source} must name a ${topic} field, got ${JSON.stringify(field)}`,
        };
      }
    }
    sources.push({
      name,
      path,
      table: tableName,
      topic,
      mode,
      column: columnName,
      ...(columns ? { columns: columns as Record<string, string> } : {}),
    });
  }
  return { ok: true, value: sources };
}

/** Reads INGEST_SQLITE_TABLES: `{"<topic>": "<table>"}` for dropped database files (default: the topic). */
export function parseSqliteTables(value: string | undefined): ConfigResult<Partial<Record<Topic, string>>> {
  if (!value || value.trim() === '') return { ok: true, value: {} };
  const parsed = parseJsonOrFile(value);
  if (!parsed.ok) return parsed;
  if (!parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    return { ok: false, error: 'must be a JSON object of topic to table name' };
  }
  const tables: Partial<Record<Topic, string>> = {};
  for (const [topic, table] of Object.entries(parsed.value)) {
    if (!isTopic(topic)) return { ok: false, error: `"${topic}" is not a topic` };
    if (typeof table !== 'string' || !IDENTIFIER.test(table))
      return { ok: false, error: `table of ${topic} must be an SQL identifier` };
    tables[topic] = table;
  }
  return { ok: true, value: tables };
}
