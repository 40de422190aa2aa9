import type { NextFunction, Request, Response } from 'express';
import { answerProblem } from '../errors/problem-details';

/** Names that reach JavaScript object internals: never a field of any DataLake body or query. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The first reserved key anywhere in a parsed body (own keys, any depth), if any. */
export function reservedKeyIn(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    // Raw bodies (the gateway forwards /ingest as bytes) are not walked byte by byte.
    if (current === null || typeof current !== 'object' || ArrayBuffer.isView(current)) continue;
    for (const key of Object.keys(current)) {
      if (RESERVED_KEYS.has(key)) return key;
      stack.push((current as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

/**
 * The first reserved name in a raw query string, as a whole parameter name or as one of its
 * `a[b]` / `a.b` parts. Read from the URL: Express's `qs` silently drops such keys, so the
 * parsed `req.query` cannot show them.
 */
export function reservedQueryKey(url: string): string | undefined {
  const question = url.indexOf('?');
  if (question < 0) return undefined;
  for (const name of new URLSearchParams(url.slice(question + 1)).keys()) {
    const found = name.split(/[[\].]/).find((part) => RESERVED_KEYS.has(part));
    if (found) return found;
  }
  return undefined;
}

/** Refuses `__proto__` / `constructor` / `prototype` keys in a body or query string as unknown fields (400). */
export function refuseReservedKeys(request: Request, response: Response, next: NextFunction): void {
  const key = reservedQueryKey(request.originalUrl ?? request.url ?? '') ?? reservedKeyIn(request.body);
  if (key === undefined) return next();
  answerProblem(request, response, 400, `unknown field ${key}`);
}
