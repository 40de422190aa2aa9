import type { NextFunction, Request, Response } from 'express';
import { answerProblem } from '../errors/problem-details';

const NUL = '\u0000';

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * True when the URL's path or query holds U+0000 once decoded. No id or filter of any DataLake
 * resource contains it, and the local PostgreSQL-backed FerretDB cannot even compare a string that
 * holds it (it answers an internal error instead of "no match").
 */
export function urlHoldsNul(url: string): boolean {
  const question = url.indexOf('?');
  const path = question < 0 ? url : url.slice(0, question);
  if (decoded(path).includes(NUL)) return true;
  if (question < 0) return false;
  for (const [name, value] of new URLSearchParams(url.slice(question + 1))) {
    if (name.includes(NUL) || value.includes(NUL)) return true;
  }
  return false;
}

/** Refuses a URL holding the NUL character (U+0000) with a 400 that says so. */
export function refuseNulInUrl(request: Request, response: Response, next: NextFunction): void {
  if (!urlHoldsNul(request.originalUrl ?? request.url ?? '')) return next();
  answerProblem(request, response, 400, 'the URL must not contain the NUL character (U+0000)');
}
