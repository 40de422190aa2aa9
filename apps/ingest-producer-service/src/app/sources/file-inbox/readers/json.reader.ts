import { createReadStream } from 'node:fs';
import { JSON_LIMITS, parseJsonWithLimits } from '@datalake/kafka-schemas';
import { UnparseableRecord } from '../../../unparseable-record';
import { UnreadableFileError, type SourcePosition, type SourceRow } from '../../source-row';
import { openRegularFile } from '../inbox-file';
import { JsonItemSplitter, JsonSyntaxError, type RawJsonItem } from './json-items';

export interface JsonReadOptions {
  maxItemBytes?: number;
  maxDepth?: number;
}

/**
 * Items of a `.json` file — a top-level array streamed element by element, or one object (several
 * concatenated objects are accepted too). Items are split from the bytes (JsonItemSplitter) and
 * parsed one by one behind the JSON limits: an item over JSON_LIMITS.maxRecordBytes, nested
 * deeper than JSON_LIMITS.maxDepth or not valid JSON is one bad row (TOO_LARGE / TOO_DEEP /
 * INVALID_JSON) and the items after it go on. A resumed read skips the items the checkpoint
 * counts without parsing them. Broken structure (the end inside a value, text after the array)
 * makes the rest of the file unreadable.
 */
export async function* jsonRows(
  path: string,
  from: SourcePosition,
  options: JsonReadOptions = {},
): AsyncGenerator<SourceRow> {
  const maxItemBytes = options.maxItemBytes ?? JSON_LIMITS.maxRecordBytes;
  const maxDepth = options.maxDepth ?? JSON_LIMITS.maxDepth;
  const handle = await openRegularFile(path);
  const input = createReadStream(path, { fd: handle, highWaterMark: 64 * 1024 });
  const splitter = new JsonItemSplitter({ maxItemBytes });
  let index = 0;

  const toRow = (item: RawJsonItem): SourceRow => {
    const location = `item ${index}`;
    const position: SourcePosition = { rows: index };
    const raw = item.bytes.toString('utf8');
    if (item.oversize) {
      const record = new UnparseableRecord(
        `${location} is ${item.size} bytes; a record may be at most ${maxItemBytes} bytes`,
      );
      return { record, raw, location, position, parseErrorCode: 'TOO_LARGE', rawBytes: item.size };
    }
    const parsed = parseJsonWithLimits(raw, { maxBytes: maxItemBytes, maxDepth });
    if (parsed.ok) return { record: parsed.value, raw, location, position };
    return {
      record: new UnparseableRecord(`${location}: ${parsed.error.message}`),
      raw,
      location,
      position,
      parseErrorCode: parsed.error.code,
    };
  };

  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      for (const item of splitter.push(chunk)) {
        index++;
        if (index > from.rows) yield toRow(item);
      }
    }
    splitter.finish();
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new UnreadableFileError('INVALID_JSON', `JSON syntax error: ${error.message}`, `item ${index + 1}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    input.destroy();
  }
}
