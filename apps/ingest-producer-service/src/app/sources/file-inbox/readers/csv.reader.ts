import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';
import type { Topic } from '@datalake/kafka-schemas';
import { UnparseableRecord } from '../../../unparseable-record';
import { mapColumns, rowToRecord, type ColumnMapping } from '../../field-mapping';
import { UnreadableFileError, type SourcePosition, type SourceRow } from '../../source-row';
import { MAX_LINE_BYTES } from './line-reader';

export interface CsvReadOptions {
  /** Byte offset to stop before (exclusive). */
  end?: number;
  /**
   * Tailing a file being written: a record whose closing quote has not arrived yet ends the read
   * quietly instead of failing the file; it is read again, complete, next time.
   */
  tail?: boolean;
}

interface ParsedRecord {
  record: string[];
  raw: string;
  info: Info;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Newline positions of the bytes on their way to the parser, consumed as records come out, so
 * it holds only the lines in flight between the file and the parser.
 */
class NewlineIndex {
  private readonly positions: number[] = [];
  private head = 0;
  private passed = 0;

  constructor(private scanned: number) {}

  scan(chunk: Buffer): void {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) this.positions.push(this.scanned + i);
    this.scanned += chunk.length;
  }

  /** Newlines before `offset`, counted from where the read started. */
  linesBefore(offset: number): number {
    while (this.head < this.positions.length && this.positions[this.head] < offset) {
      this.head++;
      this.passed++;
    }
    if (this.head > 4096) {
      this.positions.splice(0, this.head);
      this.head = 0;
    }
    return this.passed;
  }

  /** Number (from the read's start) of the line a record ending just before `end` ends on. */
  lineEndingAt(end: number): number {
    return this.linesBefore(end - 1) + 1;
  }
}

/** Checks a header row against the topic; a missing required column makes the file unreadable. */
export function checkCsvHeader(topic: Topic, header: string[]): ColumnMapping {
  const mapping = mapColumns(topic, header);
  if (mapping.missing.length > 0) {
    throw new UnreadableFileError(
      'WRONG_HEADER',
      `the header lacks required column(s) ${mapping.missing.join(', ')} for ${topic}; found: ${header.join(', ')}`,
      'line 1',
    );
  }
  return mapping;
}

/**
 * CSV rows (header row, quoted fields, UTF-8 BOM, CRLF) from a checkpoint on, streamed with
 * csv-parse. A row with a wrong number of fields becomes an UnparseableRecord; a syntax error
 * the parser cannot recover from (an unclosed quote) makes the rest of the file unreadable.
 */
export async function* csvRows(path: string, topic: Topic, from: SourcePosition, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  const start = from.offset ?? 0;
  if (options.end !== undefined && options.end <= start) return;
  let header = from.header;
  let mapping = header ? checkCsvHeader(topic, header) : undefined;
  let rows = from.rows;
  const lineBase = from.line ?? 0;

  const parser = parse({
    bom: start === 0,
    // Both, so a file mixing CRLF and LF rows (an edited export) still splits into rows.
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    raw: true,
    info: true,
    max_record_size: MAX_LINE_BYTES,
  });
  const input = createReadStream(path, {
    start,
    end: options.end === undefined ? undefined : options.end - 1,
    highWaterMark: 64 * 1024,
  });
  // csv-parse miscounts lines after a quoted field holding a newline: count them from the bytes.
  const lines = new NewlineIndex(start);
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      lines.scan(chunk);
      callback(null, chunk);
    },
  });
  input.on('error', (error) => parser.destroy(error));
  tap.on('error', (error) => parser.destroy(error));
  input.pipe(tap).pipe(parser);

  try {
    for await (const { record, raw, info } of parser as AsyncIterable<ParsedRecord>) {
      const offset = start + info.bytes;
      // The record's last line, and its first (minus the newlines inside its quoted fields).
      const line = lineBase + lines.lineEndingAt(offset);
      const text = raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
      if (!header || !mapping) {
        header = record.map((cell) => cell.trim());
        mapping = checkCsvHeader(topic, header);
        continue;
      }
      rows++;
      const location = `line ${line - countNewlines(text)}`;
      const parsed =
        record.length === header.length
          ? rowToRecord(mapping.fields, record)
          : new UnparseableRecord(`${location} has ${record.length} fields, the header has ${header.length}`);
      yield {
        record: parsed,
        raw: text,
        location,
        position: { rows, offset, line, header },
        ...(parsed instanceof UnparseableRecord ? { parseErrorCode: 'INVALID_CSV_ROW' } : {}),
      };
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    if (error instanceof CsvError) {
      if (options.tail && error.code === 'CSV_QUOTE_NOT_CLOSED') return;
      throw new UnreadableFileError(error.code, `CSV syntax error: ${error.message}`, `line ${lineBase + lines.linesBefore(start + (parser.info?.bytes ?? 0)) + 1}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    input.destroy();
    tap.destroy();
    parser.destroy();
  }
}
