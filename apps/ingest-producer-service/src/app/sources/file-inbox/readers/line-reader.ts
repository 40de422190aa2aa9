import { createReadStream } from 'node:fs';
import { JSON_LIMITS } from '@datalake/kafka-schemas';
import { openRegularFile } from '../inbox-file';
import { OVERSIZE_PREVIEW_BYTES as OVERSIZED_PREVIEW_BYTES } from './csv-records';

/** Longest line read whole (a record's size limit); a longer one is refused, keeping memory bounded. */
export const MAX_LINE_BYTES = JSON_LIMITS.maxRecordBytes;
const NEWLINE = 0x0a;

export interface Line {
  text: string;
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset just past the line's newline. */
  endOffset: number;
  /** True when the line was longer than MAX_LINE_BYTES; `text` holds only its beginning. */
  oversized: boolean;
  /** The line's real length in bytes (without its line break). */
  size: number;
}

export interface ReadLinesOptions {
  /** Byte offset to start at: 0, or just past a newline. */
  start?: number;
  /** Byte offset to stop before (exclusive). */
  end?: number;
  /** Number of the first line read. */
  firstLine?: number;
  /**
   * Only newline-terminated lines (tailing a file being written): a last line without its newline
   * is left for the next read.
   */
  completeOnly?: boolean;
  maxLineBytes?: number;
}

/** Streams a file's lines with their byte offsets; `\r\n` and a leading UTF-8 BOM are handled. */
export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<Line> {
  const start = options.start ?? 0;
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  if (options.end !== undefined && options.end <= start) return;
  const handle = await openRegularFile(path);
  const stream = createReadStream(path, {
    fd: handle,
    start,
    end: options.end === undefined ? undefined : options.end - 1,
    highWaterMark: 64 * 1024,
  });
  let lineNo = (options.firstLine ?? 1) - 1;
  let parts: Buffer[] = [];
  let partsLength = 0;
  let size = 0;
  let oversized = false;
  let chunkStart = start;

  const take = (piece: Buffer) => {
    size += piece.length;
    if (oversized) return;
    if (partsLength + piece.length > maxLineBytes) {
      oversized = true;
      const head = Buffer.concat([...parts, piece.subarray(0, OVERSIZED_PREVIEW_BYTES)]);
      parts = [Buffer.from(head.subarray(0, OVERSIZED_PREVIEW_BYTES))];
      return;
    }
    parts.push(piece);
    partsLength += piece.length;
  };
  const emit = (endOffset: number): Line => {
    let text = Buffer.concat(parts).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    lineNo++;
    if (lineNo === 1 && start === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const line: Line = { text, line: lineNo, endOffset, oversized, size: oversized ? size : Buffer.byteLength(text) };
    parts = [];
    partsLength = 0;
    size = 0;
    oversized = false;
    return line;
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, from);
        if (newline === -1) {
          if (from < chunk.length) take(chunk.subarray(from));
          break;
        }
        take(chunk.subarray(from, newline));
        yield emit(chunkStart + newline + 1);
        from = newline + 1;
      }
      chunkStart += chunk.length;
    }
    if (!options.completeOnly && (partsLength > 0 || oversized)) yield emit(chunkStart);
  } finally {
    stream.destroy();
  }
}
