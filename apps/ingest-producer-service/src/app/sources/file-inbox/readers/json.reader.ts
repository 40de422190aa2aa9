import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import streamArray from 'stream-json/streamers/stream-array.js';
import streamValues from 'stream-json/streamers/stream-values.js';
import { UnreadableFileError, type SourcePosition, type SourceRow } from '../../source-row';

/** First character that is not whitespace or a BOM, to tell an array from an object. */
async function firstSignificantChar(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return undefined;
      const text = buffer.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '');
      const match = /\S/.exec(text);
      if (match) return match[0];
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Items of a `.json` file — a top-level array streamed element by element (stream-json), or one
 * object (several concatenated objects are accepted too). A resumed read skips the items the
 * checkpoint counts. Broken JSON syntax makes the rest of the file unreadable.
 */
export async function* jsonRows(path: string, from: SourcePosition): AsyncGenerator<SourceRow> {
  const first = await firstSignificantChar(path);
  if (first !== '[' && first !== '{') {
    throw new UnreadableFileError(
      'INVALID_JSON',
      first === undefined ? 'the file is empty' : 'a .json file must hold a JSON array or object',
      'item 1',
    );
  }
  const input = createReadStream(path, { highWaterMark: 64 * 1024 });
  const items: Duplex =
    first === '[' ? streamArray.withParserAsStream() : streamValues.withParserAsStream({ jsonStreaming: true });
  input.on('error', (error) => items.destroy(error));
  input.pipe(items);
  let index = 0;
  try {
    for await (const { value } of items as AsyncIterable<{ key: number; value: unknown }>) {
      index++;
      if (index <= from.rows) continue;
      yield { record: value, raw: JSON.stringify(value), location: `item ${index}`, position: { rows: index } };
    }
  } catch (error) {
    if (error instanceof UnreadableFileError || typeof (error as NodeJS.ErrnoException).syscall === 'string') throw error;
    throw new UnreadableFileError('INVALID_JSON', `JSON syntax error after item ${index}: ${(error as Error).message}`, `item ${index + 1}`, {
      cause: error,
    });
  } finally {
    input.destroy();
    items.destroy();
  }
}
