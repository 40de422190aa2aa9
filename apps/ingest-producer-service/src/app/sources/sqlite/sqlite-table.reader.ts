import Database from 'better-sqlite3';
import type { Topic } from '@datalake/kafka-schemas';
import { mapColumns, rowToRecord } from '../field-mapping';
import { UnreadableFileError, type SourcePosition, type SourceRow } from '../source-row';

export interface SqliteReadSpec {
  table: string;
  topic: Topic;
  /** `incrementing`: by an ever-growing column (default rowid); `timestamp`: by an updated-at column, ties by rowid. */
  mode: 'incrementing' | 'timestamp';
  column: string;
  /** Column → payload field overrides. */
  columns?: Readonly<Record<string, string>>;
}

type Row = Record<string, unknown> & { __dl_rowid: number };

const ROWID_ALIAS = '__dl_rowid';
/** Lock contention with a writer: worth a retry, not a verdict on the database. */
const TRANSIENT_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export function openSqlite(path: string): Database.Database {
  // A writer may hold the lock briefly: wait for it rather than fail the read.
  return new Database(path, { readonly: true, fileMustExist: true, timeout: 5000 });
}

/** Turns a driver error into an unreadable-file verdict, except lock contention. */
export function sqliteFailure(error: unknown, location?: string): Error {
  const code = (error as { code?: unknown }).code;
  if (error instanceof UnreadableFileError) return error;
  if (error instanceof Database.SqliteError && !TRANSIENT_CODES.has(String(code))) {
    return new UnreadableFileError(String(code ?? 'SQLITE_ERROR'), `SQLite: ${error.message}`, location, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

function tableColumns(db: Database.Database, table: string): string[] {
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map(
    (c) => c.name,
  );
  if (columns.length === 0) {
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name`).all() as {
        name: string;
      }[]
    )
      .map((t) => t.name)
      .join(', ');
    throw new UnreadableFileError('NO_TABLE', `no table "${table}" in the database (tables: ${tables || 'none'})`);
  }
  return columns;
}

interface PreparedRead {
  columns: string[];
  fields: (string | undefined)[];
  first: Database.Statement<unknown[], Row>;
  next: Database.Statement<unknown[], Row>;
}

function prepareRead(db: Database.Database, spec: SqliteReadSpec): PreparedRead {
  const columns = tableColumns(db, spec.table);
  const mapping = mapColumns(spec.topic, columns, spec.columns);
  if (mapping.missing.length > 0) {
    throw new UnreadableFileError(
      'WRONG_HEADER',
      `table "${spec.table}" lacks required column(s) ${mapping.missing.join(', ')} for ${spec.topic}; found: ${columns.join(', ')}`,
    );
  }
  const byRowid = spec.column === 'rowid';
  if (!byRowid && !columns.includes(spec.column)) {
    throw new UnreadableFileError('NO_COLUMN', `table "${spec.table}" has no column "${spec.column}"`);
  }
  const key = byRowid ? 'rowid' : quote(spec.column);
  const select = `SELECT rowid AS ${ROWID_ALIAS}, * FROM ${quote(spec.table)}`;
  const incrementing = spec.mode === 'incrementing';
  return {
    columns,
    fields: mapping.fields,
    first: db.prepare(`${select} WHERE ${key} IS NOT NULL ORDER BY ${key}${incrementing ? '' : ', rowid'} LIMIT ?`),
    next: incrementing
      ? db.prepare(`${select} WHERE ${key} > ? ORDER BY ${key} LIMIT ?`)
      : db.prepare(`${select} WHERE ${key} > ? OR (${key} = ? AND rowid > ?) ORDER BY ${key}, rowid LIMIT ?`),
  };
}

/**
 * Rows of a table past a checkpoint, in key order, fetched `batchSize` at a time by keyset
 * (never OFFSET), so a table of any size streams with bounded memory and a new row is never
 * skipped behind the checkpoint.
 */
export async function* sqliteRows(
  db: Database.Database,
  spec: SqliteReadSpec,
  from: SourcePosition,
  batchSize: number,
): AsyncGenerator<SourceRow> {
  let prepared: PreparedRead;
  try {
    prepared = prepareRead(db, spec);
  } catch (error) {
    throw sqliteFailure(error);
  }
  const { columns, fields, first, next } = prepared;
  const byRowid = spec.column === 'rowid';
  let { rows } = from;
  let lastRowid = from.rowid;
  let lastValue = byRowid ? from.rowid : from.value;
  for (;;) {
    let batch: Row[];
    try {
      if (lastValue === undefined || lastValue === null) batch = first.all(batchSize);
      else if (spec.mode === 'incrementing') batch = next.all(lastValue, batchSize);
      else batch = next.all(lastValue, lastValue, lastRowid ?? 0, batchSize);
    } catch (error) {
      throw sqliteFailure(error, lastRowid === undefined ? undefined : `after rowid ${lastRowid}`);
    }
    for (const row of batch) {
      rows++;
      lastRowid = row[ROWID_ALIAS];
      lastValue = byRowid ? lastRowid : (row[spec.column] as string | number | null);
      const values = columns.map((column) => row[column]);
      const { [ROWID_ALIAS]: _rowid, ...original } = row;
      yield {
        record: rowToRecord(fields, values),
        raw: JSON.stringify(original),
        location: `rowid ${lastRowid}`,
        position: { rows, rowid: lastRowid, ...(byRowid ? {} : { value: lastValue }) },
      };
    }
    if (batch.length < batchSize) return;
  }
}
