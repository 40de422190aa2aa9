import { parseJsonWithLimits } from '@datalake/kafka-schemas';
import { UnparseableRecord } from '../../../unparseable-record';
import type { SourcePosition, SourceRow } from '../../source-row';
import { MAX_LINE_BYTES, readLines } from './line-reader';

export interface NdjsonReadOptions {
  /** Tailing: leave a last line without its newline for later. */
  completeOnly?: boolean;
  end?: number;
}

/**
 * NDJSON / JSON Lines rows from a checkpoint on. A line that is not JSON, longer than
 * JSON_LIMITS.maxRecordBytes or nested deeper than JSON_LIMITS.maxDepth becomes an
 * UnparseableRecord (INVALID_JSON / TOO_LARGE / TOO_DEEP): one bad row, the next lines go on.
 */
export async function* ndjsonRows(
  path: string,
  from: SourcePosition,
  options: NdjsonReadOptions = {},
): AsyncGenerator<SourceRow> {
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
    if (line.oversized) {
      const record = new UnparseableRecord(
        `${location} is ${line.size} bytes; a record may be at most ${MAX_LINE_BYTES} bytes`,
      );
      yield { record, raw: line.text, location, position, parseErrorCode: 'TOO_LARGE', rawBytes: line.size };
      continue;
    }
    const parsed = parseJsonWithLimits(line.text, { maxBytes: MAX_LINE_BYTES });
    if (parsed.ok) {
      yield { record: parsed.value, raw: line.text, location, position };
    } else {
      const record = new UnparseableRecord(`${location}: ${parsed.error.message}`);
      yield { record, raw: line.text, location, position, parseErrorCode: parsed.error.code };
    }
  }
}
