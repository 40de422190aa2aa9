import { parseJsonWithLimits } from '@datalake/kafka-schemas';
import { DomainError } from '@datalake/service-kit';
import { UnparseableRecord } from '../unparseable-record';

/**
 * Reads an ingestion body: a JSON object or array (already parsed by the JSON body parser) or
 * NDJSON text, where a bad line (not JSON, or over the JSON depth/size limits) becomes an
 * UnparseableRecord reported at its index instead of failing the whole request.
 */
export function parseIngestBody(body: unknown, contentType: string | undefined): unknown[] {
  if (typeof body === 'string' && /ndjson|jsonl/i.test(contentType ?? '')) {
    const records: unknown[] = [];
    body.split(/\r?\n/).forEach((line, lineIndex) => {
      if (line.trim() === '') return;
      const parsed = parseJsonWithLimits(line);
      if (parsed.ok) records.push(parsed.value);
      else if (parsed.error.code === 'INVALID_JSON')
        records.push(new UnparseableRecord(`line ${lineIndex + 1} is not valid JSON`));
      else records.push(new UnparseableRecord(`line ${lineIndex + 1}: ${parsed.error.message}`, parsed.error.code));
    });
    return records;
  }
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object' && Object.keys(body).length > 0) return [body];
  throw new DomainError('INVALID', 'body must be a JSON object, a JSON array, or NDJSON sent as application/x-ndjson');
}
