import type { IncomingMessage } from 'node:http';

/**
 * How deep a JSON body may nest. The primitives live in `@datalake/kafka-schemas` (json-limits),
 * which this util library may not import, so each service hands them to `runService`.
 */
export interface JsonDepthLimit {
  /** Deepest nesting of one record (JSON_LIMITS.maxDepth). */
  maxDepth: number;
  /** Counts the nesting of JSON text without recursion, stopping past `limit` (jsonTextDepth). */
  depthOf(text: string, limit: number): number;
}

/** A body refused before parsing; body-parser keeps `status` and `type`, the error handler answers JSON. */
export class BodyTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
}

const NDJSON = /ndjson|jsonl/i;

/**
 * A JSON body may nest one level more than a record (the array wrapper of batch bodies); each
 * NDJSON line is one record. Checked on the raw bytes, before JSON.parse or any validator walks it.
 */
export function bodyDepthProblem(
  body: Buffer,
  contentType: string | undefined,
  limit: JsonDepthLimit,
): string | undefined {
  const text = body.toString('utf8');
  if (NDJSON.test(contentType ?? '')) {
    const lines = text.split('\n');
    for (let index = 0; index < lines.length; index++) {
      if (limit.depthOf(lines[index], limit.maxDepth) > limit.maxDepth) {
        return `line ${index + 1} of the body nests deeper than ${limit.maxDepth} levels (the limit per record)`;
      }
    }
    return undefined;
  }
  const maxBodyDepth = limit.maxDepth + 1;
  if (limit.depthOf(text, maxBodyDepth) > maxBodyDepth) {
    return `request body nests deeper than ${maxBodyDepth} levels (${limit.maxDepth} per record, plus the array of a batch)`;
  }
  return undefined;
}

/** body-parser `verify` hook refusing over-deep JSON or NDJSON with 400 before it is parsed. */
export function verifyBodyDepth(limit: JsonDepthLimit) {
  return (request: IncomingMessage, _response: unknown, body: Buffer): void => {
    const contentType = request.headers['content-type'];
    // Form bodies are flat key=value pairs (extended parsing is off): nothing nests.
    if (/application\/x-www-form-urlencoded/i.test(contentType ?? '')) return;
    const problem = bodyDepthProblem(body, contentType, limit);
    if (problem) throw new BodyTooDeepError(problem);
  };
}
