import {
  BadGatewayException,
  GatewayTimeoutException,
  HttpException,
  ServiceUnavailableException,
} from '@nestjs/common';

/** What an internal service answered, ready to relay: a status below 500 and a JSON body. */
export interface UpstreamAnswer {
  status: number;
  /** Parsed JSON; undefined for 204. */
  body: unknown;
  /** The service's `Retry-After` (e.g. on its own 429), relayed as it is. */
  retryAfter?: string;
}

/** Network errors that mean nothing is listening or reachable: the service is down. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function messageOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'message' in body) {
    const message = (body as { message: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return undefined;
}

/**
 * Turns an upstream HTTP answer into one to relay. 2xx and 4xx with a JSON body (or 204) pass
 * through; 503 stays 503 (the service says it cannot serve now); any other 5xx, a redirect or a
 * body that is not JSON is a bad gateway.
 */
export function interpretUpstreamAnswer(service: string, status: number, text: string): UpstreamAnswer {
  if (status === 204) return { status, body: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadGatewayException(`${service} gave an answer that is not JSON (status ${status})`);
  }
  if (status === 503) throw new ServiceUnavailableException(messageOf(body) ?? `${service} is unavailable`);
  if ((status >= 200 && status < 300) || (status >= 400 && status < 500)) return { status, body };
  throw new BadGatewayException(`${service} failed (status ${status})`);
}

/** Maps a failed call to 503 (down), 504 (no answer in time) or 502 (anything else). */
export function upstreamFailure(service: string, error: unknown, timeoutMs: number): HttpException {
  if (error instanceof HttpException) return error;
  const name = (error as Error | undefined)?.name;
  const cause = (error as { cause?: { code?: string; name?: string } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: string } | undefined)?.code ?? '';
  if (name === 'TimeoutError' || cause?.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) {
    return new GatewayTimeoutException(`${service} did not answer within ${timeoutMs} ms`);
  }
  if (UNREACHABLE_CODES.has(code)) return new ServiceUnavailableException(`${service} is unavailable`);
  return new BadGatewayException(`${service} could not be reached properly`);
}
