import type { RowStats, SourcePosition, SourceRow } from './source-row';
import type { ChunkResult } from './row-ingestor';

/**
 * A chunk is produced once its raw rows reach this many characters, whatever its row count: a
 * chunk of large rows stays a few produce requests long (within the producer's deadline) and
 * memory stays bounded.
 */
export const DEFAULT_MAX_CHUNK_CHARS = 4 * 1024 * 1024;

export interface PumpOptions {
  chunkSize: number;
  /** See DEFAULT_MAX_CHUNK_CHARS. */
  maxChunkChars?: number;
  /** Produces one chunk; resolves once Kafka acknowledged it. */
  ingest: (rows: SourceRow[]) => Promise<ChunkResult>;
  /** Persists the position after an acknowledged chunk, with the totals so far. */
  commit: (position: SourcePosition, stats: RowStats, chunk: ChunkResult) => Promise<void>;
  /** Checked between chunks: true stops after the current chunk is committed. */
  shouldStop?: () => boolean;
  stats: RowStats;
}

export type PumpOutcome = 'completed' | 'stopped';

/**
 * Reads rows into chunks, produces each chunk and commits its end position before reading on.
 * The reader is pulled lazily, so memory stays at one chunk plus the reader's own buffers; a
 * stop (shutdown) takes effect between chunks, so the checkpoint never runs ahead of Kafka.
 */
export async function pumpRows(rows: AsyncIterable<SourceRow>, options: PumpOptions): Promise<PumpOutcome> {
  const { stats } = options;
  const maxChunkChars = options.maxChunkChars ?? DEFAULT_MAX_CHUNK_CHARS;
  let chunk: SourceRow[] = [];
  let chunkChars = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    const rowsOfChunk = chunk;
    chunk = [];
    chunkChars = 0;
    const result = await options.ingest(rowsOfChunk);
    stats.read += rowsOfChunk.length;
    stats.produced += result.produced;
    stats.rejected += result.rejected;
    await options.commit(rowsOfChunk[rowsOfChunk.length - 1].position, stats, result);
  };
  if (options.shouldStop?.()) return 'stopped';
  const iterator = rows[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<SourceRow>;
      try {
        next = await iterator.next();
      } catch (readError) {
        // The rows read before a broken part still go through; then the error is reported.
        await flush();
        throw readError;
      }
      if (next.done) break;
      chunk.push(next.value);
      chunkChars += next.value.raw.length;
      if (chunk.length >= options.chunkSize || chunkChars >= maxChunkChars) {
        await flush();
        if (options.shouldStop?.()) return 'stopped';
      }
    }
  } finally {
    // Closes the reader (and its file) when leaving early.
    await iterator.return?.();
  }
  await flush();
  return 'completed';
}
