/** Where a reader stands in its input; persisted as the checkpoint after Kafka acknowledged. */
export interface SourcePosition {
  /** Data rows consumed so far, bad ones included. */
  rows: number;
  /** Byte offset just past the last consumed row (line-based formats). */
  offset?: number;
  /** Line number of the last consumed row. */
  line?: number;
  /** CSV header cells, once read, so a resumed read needs not reread them. */
  header?: string[];
  /** SQLite: rowid of the last consumed row. */
  rowid?: number;
  /** SQLite updated-at mode: tracking column value of the last consumed row. */
  value?: string | number | null;
  /** Tailed file: inode and birth time of the file the offset belongs to. */
  ino?: number;
  born?: number;
}

/** One record read from a source, with its original text for the DLQ and reports. */
export interface SourceRow {
  /** The input record, or an UnparseableRecord when the row could not be parsed. */
  record: unknown;
  /** The row as it was read (a CSV line, a JSON text), sent as the DLQ value when refused. */
  raw: string;
  /** Human-readable place, e.g. "line 12", "item 4", "rowid 17". */
  location: string;
  /** Position just past this row. */
  position: SourcePosition;
  /** DLQ error code when `record` is an UnparseableRecord (default INVALID_JSON). */
  parseErrorCode?: string;
  /** Set when `raw` is only the start of an oversize row: the row's real size in bytes. */
  rawBytes?: number;
}

export interface RowStats {
  read: number;
  produced: number;
  rejected: number;
}

export const emptyStats = (): RowStats => ({ read: 0, produced: 0, rejected: 0 });

/** A file that cannot be read as a whole (wrong header, broken syntax); it goes to `failed/`. */
export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';

  constructor(
    readonly code: string,
    message: string,
    readonly location?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
