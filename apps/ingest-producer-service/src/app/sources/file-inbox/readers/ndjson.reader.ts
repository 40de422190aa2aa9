import { UnparseableRecord } from '../../../unparseable-record';
import type { SourcePosition, SourceRow } from '../../source-row';
import { MAX_LINE_BYTES, readLines } from './line-reader';

export interface NdjsonReadOptions {
  /** Tailing: leave a last line without its newline for later. */
  completeOnly?: boolean;
  end?: number;
}

/** NDJSON / JSON Lines rows from a checkpoint on; a line that is not JSON becomes an UnparseableRecord. */
export async function* ndjsonRows(path: string, from: SourcePosition, options: NdjsonReadOptions = {}): AsyncGenerator<SourceRow> {
  let rows = from.rows;
  const lines = readLines(path, {
    start: from.offset ?? 0,
    end: options.end,
    firstLine: (from.line ?? 0) + 1,
    completeOnly: options.completeOnly,
  });
  for await (const line of lines) {
    if (line.text.trim() === '') continue;
    rows++;
    const location = `line ${line.line}`;
    const position: SourcePosition = { rows, offset: line.endOffset, line: line.line };
    let record: unknown;
    if (line.oversized) {
      record = new UnparseableRecord(`${location} is longer than ${MAX_LINE_BYTES} bytes`);
    } else {
      try {
        record = JSON.parse(line.text);
      } catch (error) {
        record = new UnparseableRecord(`${location} is not valid JSON: ${(error as Error).message}`);
      }
    }
    yield { record, raw: line.text, location, position };
  }
}
