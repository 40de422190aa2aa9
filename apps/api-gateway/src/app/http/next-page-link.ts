import type { Request, Response } from 'express';
import type { UpstreamAnswer } from '../upstream/upstream-answer';
import { toQueryParams } from '../upstream/upstreams';

/** `<path?query>; rel="next"` (RFC 8288): the same listing with `cursor` set to `nextCursor`. */
export function nextPageLink(path: string, query: object, nextCursor: string): string {
  const params = new URLSearchParams({ ...toQueryParams(query), cursor: nextCursor });
  return `<${path}?${params.toString()}>; rel="next"`;
}

/** Adds the `Link` header to a listing answer that has a next page (the body keeps its `nextCursor`). */
export function setNextPageLink(request: Request, response: Response, query: object, answer: UpstreamAnswer): void {
  if (answer.status !== 200) return;
  const nextCursor = (answer.body as { nextCursor?: unknown } | undefined)?.nextCursor;
  if (typeof nextCursor !== 'string' || nextCursor === '') return;
  const path = (request.originalUrl ?? request.url).split('?')[0];
  response.setHeader('Link', nextPageLink(path, query, nextCursor));
}
