import { DomainError } from '@datalake/service-kit';
import { UnparseableRecord } from '../unparseable-record';

/**
 * Reads an ingestion body: a JSON object or array (already parsed by the JSON body parser) or
 * NDJSON text, where a bad line becomes an UnparseableRecord reported at its index instead of
 * failing the whole request.
 */
export function parseIngestBody(body: unknown, contentType: string | undefined): unknown[] {
  if (typeof body === 'string' && /ndjson|jsonl/i.test(contentType ?? '')) {
    return body
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .map((line, index) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          return new UnparseableRecord(`line ${index + 1} is not valid JSON`);
        }
      });
  }
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object' && Object.keys(body).length > 0) return [body];
  throw new DomainError('INVALID', 'body must be a JSON object, a JSON array, or NDJSON sent as application/x-ndjson');
}
