/** What is kept of an oversize record or item, for its report line and DLQ copy. */
export const OVERSIZE_PREVIEW_BYTES = 4096;

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** One CSV record's bytes as they are in the file, found without parsing its fields. */
export interface RawCsvRecord {
  /** The record without its line break; only the first OVERSIZE_PREVIEW_BYTES when `oversize`. */
  bytes: Buffer;
  /** Its real size in bytes (the whole record, also when oversize). */
  size: number;
  oversize: boolean;
  /** Line the record starts on and line it ends on (quoted fields may hold line breaks). */
  firstLine: number;
  lastLine: number;
  /** Byte offset just past the record's line break. */
  endOffset: number;
}

export interface CsvRecordScan {
  /** Byte offset of the first chunk. */
  start: number;
  /** Number of the line before the first one read. */
  lineBase: number;
  maxRecordBytes: number;
}

/**
 * Splits a CSV byte stream into records (RFC 4180: a line break inside a quoted field does not end
 * the record; `""` inside quotes is a quote; a quote inside an unquoted field is a plain
 * character), holding at most `maxRecordBytes` of a record: a longer one is returned as an
 * oversize record with a preview, its rest skipped, so one huge field is one bad row and memory
 * stays bounded. Returns the records complete so far; `finish()` reports the end state.
 */
export class CsvRecordSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** The current record went past the limit: only its preview is kept. */
  private cut = false;
  private inQuotes = false;
  /** A quote inside quotes was the last byte seen: `""` or the closing quote, decided by the next byte. */
  private quotePending = false;
  private atFieldStart = true;
  private offset: number;
  private line: number;
  private recordLine: number;

  constructor(private readonly scan: CsvRecordScan) {
    this.offset = scan.start;
    this.line = scan.lineBase + 1;
    this.recordLine = this.line;
  }

  push(chunk: Buffer): RawCsvRecord[] {
    const records: RawCsvRecord[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.quotePending) {
        this.quotePending = false;
        if (byte === QUOTE) continue; // an escaped quote
        this.inQuotes = false;
      }
      if (this.inQuotes) {
        if (byte === QUOTE) this.quotePending = true;
        else if (byte === LF) this.line++;
        continue;
      }
      if (byte === QUOTE) {
        if (this.atFieldStart) this.inQuotes = true;
        this.atFieldStart = false;
      } else if (byte === COMMA) {
        this.atFieldStart = true;
      } else if (byte === LF) {
        this.keep(chunk.subarray(from, i));
        records.push(this.record(this.offset + i + 1));
        from = i + 1;
        this.line++;
        this.recordLine = this.line;
        this.atFieldStart = true;
      } else {
        this.atFieldStart = false;
      }
    }
    this.keep(chunk.subarray(from));
    this.offset += chunk.length;
    return records;
  }

  /**
   * At the end of the input: the last record when it has no line break, or `unclosedQuote` when
   * the input ends inside a quoted field (its first line given).
   */
  finish(): { record?: RawCsvRecord; unclosedQuote?: number } {
    if (this.inQuotes && !this.quotePending) return { unclosedQuote: this.recordLine };
    if (this.size === 0) return {};
    return { record: this.record(this.offset) };
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.size += piece.length;
    if (this.size <= this.scan.maxRecordBytes) {
      this.parts.push(piece);
      return;
    }
    // Past the limit: keep only a preview, copied, so the chunks it came from can be freed.
    if (!this.cut) {
      this.cut = true;
      const preview = Buffer.concat([...this.parts, piece]).subarray(0, OVERSIZE_PREVIEW_BYTES);
      this.parts = [Buffer.from(preview)];
    }
  }

  private record(endOffset: number): RawCsvRecord {
    const oversize = this.size > this.scan.maxRecordBytes;
    let bytes = Buffer.concat(this.parts);
    if (!oversize && bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    const record: RawCsvRecord = {
      bytes,
      size: this.size,
      oversize,
      firstLine: this.recordLine,
      lastLine: this.line,
      endOffset,
    };
    this.parts = [];
    this.size = 0;
    this.cut = false;
    return record;
  }
}
