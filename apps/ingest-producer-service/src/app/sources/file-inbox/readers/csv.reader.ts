import { createReadStream } from 'node:fs';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { JSON_LIMITS, type Topic } from '@datalake/kafka-schemas';
import { UnparseableRecord } from '../../../unparseable-record';
import { mapColumns, rowToRecord, type ColumnMapping } from '../../field-mapping';
import { UnreadableFileError, type SourcePosition, type SourceRow } from '../../source-row';
import { openRegularFile } from '../inbox-file';
import { CsvRecordSplitter, type RawCsvRecord } from './csv-records';

export interface CsvReadOptions {
  /** Byte offset to stop before (exclusive). */
  end?: number;
  /**
   * Tailing a file being written: a record whose closing quote has not arrived yet ends the read
   * quietly instead of failing the file; it is read again, complete, next time.
   */
  tail?: boolean;
  /** Largest record read whole (default JSON_LIMITS.maxRecordBytes); a longer one is one bad row. */
  maxRecordBytes?: number;
}

const PARSE_OPTIONS = { relax_column_count: true, relax_quotes: true, record_delimiter: ['\r\n', '\n'] };

/** The fields of one record's text (csv-parse); throws when they are malformed. */
function parseFields(text: string): string[] {
  const records = parse(text, PARSE_OPTIONS) as string[][];
  if (records.length !== 1) throw new Error(`the text holds ${records.length} records`);
  return records[0];
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
 * CSV rows (header row, quoted fields, UTF-8 BOM, CRLF) from a checkpoint on. Records are split
 * from the bytes first (CsvRecordSplitter), then each one's fields parsed with csv-parse: a record
 * over the size limit, one with a wrong number of fields or malformed quoting is one bad row
 * (an UnparseableRecord) and the rows after it go on. Only a quote still open at the end of the
 * file makes the rest of it unreadable.
 */
export async function* csvRows(
  path: string,
  topic: Topic,
  from: SourcePosition,
  options: CsvReadOptions = {},
): AsyncGenerator<SourceRow> {
  const start = from.offset ?? 0;
  if (options.end !== undefined && options.end <= start) return;
  const maxRecordBytes = options.maxRecordBytes ?? JSON_LIMITS.maxRecordBytes;
  let header = from.header;
  let mapping = header ? checkCsvHeader(topic, header) : undefined;
  let rows = from.rows;
  const handle = await openRegularFile(path);
  const input = createReadStream(path, {
    fd: handle,
    start,
    end: options.end === undefined ? undefined : options.end - 1,
    highWaterMark: 64 * 1024,
  });
  const splitter = new CsvRecordSplitter({ start, lineBase: from.line ?? 0, maxRecordBytes });

  const toRow = (raw: RawCsvRecord): SourceRow | undefined => {
    let text = raw.bytes.toString('utf8');
    if (start === 0 && raw.firstLine === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const location = `line ${raw.firstLine}`;
    if (!raw.oversize && text.trim() === '') return undefined;
    if (!header || !mapping) {
      if (raw.oversize)
        throw new UnreadableFileError('TOO_LARGE', `the header row is longer than ${maxRecordBytes} bytes`, location);
      try {
        header = parseFields(text).map((cell) => cell.trim());
      } catch (error) {
        const code = error instanceof CsvError ? error.code : 'INVALID_CSV';
        throw new UnreadableFileError(code, `CSV syntax error in the header: ${(error as Error).message}`, location, {
          cause: error,
        });
      }
      mapping = checkCsvHeader(topic, header);
      return undefined;
    }
    rows++;
    const position: SourcePosition = { rows, offset: raw.endOffset, line: raw.lastLine, header };
    if (raw.oversize) {
      const record = new UnparseableRecord(
        `${location} is ${raw.size} bytes; a CSV record may be at most ${maxRecordBytes} bytes`,
      );
      return { record, raw: text, location, position, parseErrorCode: 'TOO_LARGE', rawBytes: raw.size };
    }
    let fields: string[];
    try {
      fields = parseFields(text);
    } catch (error) {
      const record = new UnparseableRecord(`${location} is not a valid CSV record: ${(error as Error).message}`);
      return { record, raw: text, location, position, parseErrorCode: 'INVALID_CSV_ROW' };
    }
    if (fields.length !== header.length) {
      const record = new UnparseableRecord(`${location} has ${fields.length} fields, the header has ${header.length}`);
      return { record, raw: text, location, position, parseErrorCode: 'INVALID_CSV_ROW' };
    }
    return { record: rowToRecord(mapping.fields, fields), raw: text, location, position };
  };

  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      for (const raw of splitter.push(chunk)) {
        const row = toRow(raw);
        if (row) yield row;
      }
    }
    const last = splitter.finish();
    if (last.unclosedQuote !== undefined) {
      if (options.tail) return;
      throw new UnreadableFileError(
        'CSV_QUOTE_NOT_CLOSED',
        'CSV syntax error: a quoted field is not closed before the end of the file',
        `line ${last.unclosedQuote}`,
      );
    }
    if (last.record) {
      const row = toRow(last.record);
      if (row) yield row;
    }
  } finally {
    input.destroy();
  }
}
