import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';

/** Media type of every error answer except the OAuth errors of `/token` (RFC 9457 §3). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** RFC 9457 members plus the `{statusCode, message, error}` ones clients read since the first release. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  statusCode: number;
  message: string | string[];
  error?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The DataLake error body before RFC 9457: what every error answer carried (DESIGN.md). */
export interface ErrorFields {
  statusCode: number;
  message: string | string[];
  [extension: string]: unknown;
}

/** True for a `{statusCode, message}` error body (an OAuth `{error}` or a health report is not one). */
export function isErrorFields(body: unknown): body is ErrorFields {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const { statusCode, message } = body as Record<string, unknown>;
  return typeof statusCode === 'number' && (typeof message === 'string' || Array.isArray(message));
}

/** The path of the request an error answers (no query string: it may carry filter values). */
export function instanceOf(request: Pick<Request, 'originalUrl' | 'url'> | undefined): string {
  const url = request?.originalUrl ?? request?.url ?? '/';
  return url.split('?')[0];
}

/**
 * An error body as problem details. `type` is `about:blank` (the status code says it all) with the
 * status phrase as `title`; `detail` is the message (several joined with "; "); `instance` the path
 * called. Members the body already has (`error`, `errors`, extensions) are kept.
 */
export function toProblem(fields: ErrorFields, instance: string): ProblemBody {
  const status = fields.statusCode;
  const detail = Array.isArray(fields.message) ? fields.message.map(String).join('; ') : fields.message;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  // Members already given win for `type` and `title` (a specific problem type); the rest is this answer's.
  const type = text(fields['type']) ?? 'about:blank';
  const title = text(fields['title']) ?? STATUS_CODES[status] ?? 'Error';
  const problem: ProblemBody = { type, title, status, detail, instance, statusCode: status, message: fields.message };
  // Extensions keep their place after the standard members, which they cannot override.
  return Object.assign(problem, fields, {
    type,
    title,
    status,
    detail,
    instance,
    statusCode: status,
    message: fields.message,
  });
}

/** Answers with a problem+json body (Express would label `.json()` as application/json). */
export function sendProblem(response: Response, problem: ProblemBody): void {
  response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Shorthand for the HTTP middlewares: `{statusCode, message}` for this request, as problem+json. */
export function answerProblem(request: Request, response: Response, statusCode: number, message: string): void {
  sendProblem(response, toProblem({ statusCode, message }, instanceOf(request)));
}
