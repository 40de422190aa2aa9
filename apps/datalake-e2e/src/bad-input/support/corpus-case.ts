/** The shape shared by every bad-input case: an id the report can name, the surface it belongs to. */
export type Surface = 'http-body' | 'query' | 'header' | 'path' | 'auth' | 'inbox' | 'syslog' | 'kafka';

export interface CorpusCase {
  id: string;
  title: string;
}

/** Text of a JSON error `message` (class-validator answers a list of messages). */
export function messageText(body: unknown): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : JSON.stringify(message ?? '');
}

/** `{"a":{"a":…}}` nested `depth` levels, built as text (JSON.stringify would recurse). */
export function deepJson(depth: number, leaf = '1', key = 'a'): string {
  return `{"${key}":`.repeat(depth) + leaf + '}'.repeat(depth);
}

/** Bytes no text encoding makes sense of (fixed, so a failure is reproducible). */
export function garbageBytes(length: number, seed = 7): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = (state >> 16) & 0xff;
  }
  return bytes;
}
