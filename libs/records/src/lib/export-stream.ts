import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { ExportFormat } from '@datalake/dto';

/** Lines are sent in chunks of about this size: one write per record would cost more than the record. */
const CHUNK_BYTES = 16 * 1024;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** `<resource>-<timestamp>.<ext>`, e.g. `transactions-20261202T004901Z.csv`. */
export function exportFileName(resource: string, format: ExportFormat, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${resource}-${stamp}.${format}`;
}

async function* chunked(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let chunk = '';
  for await (const line of lines) {
    chunk += line;
    if (chunk.length >= CHUNK_BYTES) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Streams an export's lines as the response, with backpressure (the next lines are read only when
 * the socket has taken the previous ones). The first line is awaited before any header is sent, so
 * a refused query still answers with its error status. If the client goes away, the pipeline
 * destroys the source, which stops the reads (the records' cursor is closed). An error after the
 * first byte can only cut the response short: it is reported to `onBrokenStream`.
 */
export async function streamExport(
  response: Response,
  lines: AsyncGenerator<string>,
  file: { resource: string; format: ExportFormat },
  onBrokenStream: (error: Error) => void,
): Promise<void> {
  const first = await lines.next();
  response.status(200);
  response.setHeader('content-type', CONTENT_TYPES[file.format]);
  response.setHeader('content-disposition', `attachment; filename="${exportFileName(file.resource, file.format)}"`);
  response.setHeader('cache-control', 'no-store');
  async function* all(): AsyncGenerator<string> {
    if (!first.done) yield first.value;
    yield* lines;
  }
  try {
    await pipeline(Readable.from(chunked(all()), { objectMode: false }), response);
  } catch (error) {
    // A client that left early (premature close) is not an error of the service.
    if ((error as { code?: string }).code !== 'ERR_STREAM_PREMATURE_CLOSE') onBrokenStream(error as Error);
  } finally {
    await lines.return(undefined);
  }
}
