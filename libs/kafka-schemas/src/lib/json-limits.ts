import { fail, ok, type Result } from './schema-error';

/**
 * Limits applied at every JSON parse of outside input (HTTP bodies, files, Kafka values), so a
 * hostile document is one refused record instead of a stack overflow or a stalled partition.
 * Documented in the README ("Limits").
 */
export const JSON_LIMITS = {
  /** Deepest nesting of objects/arrays in one record (a record of the contract needs 3). */
  maxDepth: 32,
  /**
   * Largest serialized record (bytes of its JSON or of its raw row). Below Kafka's default
   * message limit (1 MiB) with room for the envelope and headers.
   */
  maxRecordBytes: 900 * 1024,
} as const;

/**
 * Deepest nesting of `[`/`{` in JSON text, counted without recursion and ignoring brackets inside
 * strings. Stops scanning as soon as `limit` is exceeded (returns limit + 1).
 */
export function jsonTextDepth(text: string, limit: number = Number.MAX_SAFE_INTEGER): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** Nesting depth of a parsed value (objects and arrays), iterative; stops past `limit`. */
export function valueDepth(value: unknown, limit: number = Number.MAX_SAFE_INTEGER): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth > deepest) {
      deepest = depth;
      if (deepest > limit) return deepest;
    }
    for (const child of Object.values(current as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

export interface JsonParseLimits {
  maxDepth?: number;
  maxBytes?: number;
}

/**
 * JSON.parse behind the size and depth limits: TOO_LARGE / TOO_DEEP / INVALID_JSON as a Result,
 * never a throw (a RangeError from deep recursion included).
 */
export function parseJsonWithLimits(text: string | Buffer, limits: JsonParseLimits = {}): Result<unknown> {
  const maxDepth = limits.maxDepth ?? JSON_LIMITS.maxDepth;
  const maxBytes = limits.maxBytes ?? JSON_LIMITS.maxRecordBytes;
  const size = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
  if (size > maxBytes) return fail('TOO_LARGE', `value is ${size} bytes; at most ${maxBytes} are accepted`);
  const source = typeof text === 'string' ? text : text.toString('utf8');
  if (jsonTextDepth(source, maxDepth) > maxDepth) {
    return fail('TOO_DEEP', `JSON nesting deeper than ${maxDepth} levels is refused`);
  }
  try {
    return ok(JSON.parse(source) as unknown);
  } catch (error) {
    return fail('INVALID_JSON', `value is not JSON: ${(error as Error).message}`);
  }
}
