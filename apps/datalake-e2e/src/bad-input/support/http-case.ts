import { call, type ApiAnswer, type RequestOptions, type TestUser } from '../../support/api';
import { messageText, type CorpusCase } from './corpus-case';

/** What an HTTP case may use: tokens, the secret (to forge tokens), ids of stored records. */
export interface HttpContext {
  gateway: string;
  admin: string;
  adminUsername: string;
  user: TestUser;
  secret: string;
  /** Id of a baseline record of the resource (network-logs, social-posts, transactions). */
  recordId(resource: string): string;
  /** Registers and signs in a fresh user (for cases that change or lock one). */
  newUser(prefix: string): Promise<TestUser>;
  /** Everything the gateway printed so far. */
  gatewayLog(): string;
}

export interface HttpRequest extends RequestOptions {
  path: string;
}

export interface HttpExpectation {
  /** The documented status (or the documented alternatives). */
  status: number | readonly number[];
  /** A `{statusCode, message}` JSON error whose message matches. */
  message?: RegExp;
  /** An RFC 6749 §5.2 answer `{error}` (the /token route). */
  oauthError?: string;
  /** A 202 ingestion answer: counts, and what each error message says. */
  ingest?: { accepted: number; rejected: number; errors?: RegExp[] };
  /** A string that must not appear in the gateway's log after the request (e.g. a credential). */
  logMustNotContain?: (request: HttpRequest) => string;
  /** Node answers some requests before the app (431): no JSON body then. */
  noJsonBody?: boolean;
}

export interface HttpCase extends CorpusCase {
  surface: 'http-body' | 'query' | 'header' | 'path' | 'auth';
  request(ctx: HttpContext): HttpRequest | Promise<HttpRequest>;
  expect: HttpExpectation;
}

const statuses = (status: number | readonly number[]) => (typeof status === 'number' ? [status] : [...status]);

/** An error answer must be RFC 9457 problem details: its media type and the five members. */
function problemDetailsProblems(answer: ApiAnswer): string[] {
  const problems: string[] = [];
  const contentType = answer.headers.get('content-type') ?? '';
  if (!contentType.startsWith('application/problem+json'))
    problems.push(`error content-type ${JSON.stringify(contentType)}, documented application/problem+json`);
  const body = (answer.body ?? {}) as Record<string, unknown>;
  const wellFormed =
    typeof body['type'] === 'string' &&
    typeof body['title'] === 'string' &&
    body['status'] === answer.status &&
    typeof body['detail'] === 'string' &&
    typeof body['instance'] === 'string';
  if (!wellFormed)
    problems.push(
      `error body lacks the problem details members type, title, status, detail, instance: ${JSON.stringify(body).slice(0, 300)}`,
    );
  return problems;
}

/** Compares an answer with the case's documented one; returns what differs (empty = as documented). */
export function httpProblems(
  expectation: HttpExpectation,
  answer: ApiAnswer,
  logAfter: string,
  request: HttpRequest,
): string[] {
  const problems: string[] = [];
  const allowed = statuses(expectation.status);
  const shown = `${answer.status} ${typeof answer.body === 'string' ? answer.body.slice(0, 300) : JSON.stringify(answer.body)?.slice(0, 300)}`;
  if (!allowed.includes(answer.status))
    problems.push(`status ${answer.status}, documented ${allowed.join(' or ')}: ${shown}`);
  if (answer.status >= 500) problems.push(`server error: ${shown}`);
  if (expectation.oauthError !== undefined) {
    if (answer.body?.error !== expectation.oauthError)
      problems.push(`OAuth error ${JSON.stringify(answer.body)}, documented {"error":"${expectation.oauthError}"}`);
  } else if (answer.status >= 400 && !expectation.noJsonBody) {
    const body = answer.body as { statusCode?: unknown; message?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || body.statusCode !== answer.status || body.message === undefined) {
      problems.push(`error body is not JSON {statusCode, message}: ${shown}`);
    } else if (expectation.message && !expectation.message.test(messageText(body))) {
      problems.push(`message ${JSON.stringify(messageText(body))} does not match ${expectation.message}`);
    }
    problems.push(...problemDetailsProblems(answer));
  }
  if (expectation.ingest && answer.status === 202) {
    const { accepted, rejected, errors } = expectation.ingest;
    if (answer.body?.accepted !== accepted || answer.body?.rejected !== rejected) {
      problems.push(
        `accepted ${answer.body?.accepted} / rejected ${answer.body?.rejected}, documented ${accepted} / ${rejected}: ${shown}`,
      );
    }
    (errors ?? []).forEach((pattern, i) => {
      const message = answer.body?.errors?.[i]?.message;
      if (typeof message !== 'string' || !pattern.test(message))
        problems.push(`errors[${i}].message ${JSON.stringify(message)} does not match ${pattern}`);
    });
  }
  if (expectation.logMustNotContain) {
    const secret = expectation.logMustNotContain(request);
    if (secret && logAfter.includes(secret))
      problems.push('the gateway log contains the credential sent in the request');
  }
  return problems;
}

export async function runHttpCase(ctx: HttpContext, testCase: HttpCase): Promise<string[]> {
  const request = await testCase.request(ctx);
  const { path, ...options } = request;
  const answer = await call(ctx.gateway, path, options).catch((error: Error) => ({
    status: 0,
    headers: new Headers(),
    body: `request failed: ${error.message}`,
    elapsedMs: 0,
  }));
  // Logs are written asynchronously: give pino a moment before reading them.
  if (testCase.expect.logMustNotContain) await new Promise((resolve) => setTimeout(resolve, 300));
  return httpProblems(testCase.expect, answer, ctx.gatewayLog(), request);
}
