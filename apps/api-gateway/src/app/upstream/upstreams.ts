import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InternalTokenMinter, instanceOf, isErrorFields, sendProblem, toProblem } from '@datalake/service-kit';
import { GATEWAY_ENV, type GatewayEnv } from '../gateway.env';
import type { UpstreamAnswer } from './upstream-answer';
import { type MintInternalToken, UpstreamClient } from './upstream.client';

export type UpstreamName =
  | 'auth-service'
  | 'ingest-producer-service'
  | 'network-logs-consumer'
  | 'social-posts-consumer'
  | 'transactions-consumer';

/** The internal services the gateway forwards to. */
@Injectable()
export class Upstreams {
  private readonly clients: Record<UpstreamName, UpstreamClient>;

  constructor(@Inject(GATEWAY_ENV) env: GatewayEnv) {
    // Every call proves it comes from the gateway: a 60 s token for that service alone (README: internal calls).
    const minter = new InternalTokenMinter(env.INTERNAL_TOKEN_SECRET);
    const mint: MintInternalToken = (audience, caller) =>
      minter.mint(audience, caller && { id: caller.id, username: caller.username, role: caller.role });
    const client = (name: UpstreamName, url: string) => new UpstreamClient(name, url, env.UPSTREAM_TIMEOUT_MS, mint);
    this.clients = {
      'auth-service': client('auth-service', env.AUTH_SERVICE_URL),
      'ingest-producer-service': client('ingest-producer-service', env.INGEST_SERVICE_URL),
      'network-logs-consumer': client('network-logs-consumer', env.NETWORK_LOGS_SERVICE_URL),
      'social-posts-consumer': client('social-posts-consumer', env.SOCIAL_POSTS_SERVICE_URL),
      'transactions-consumer': client('transactions-consumer', env.TRANSACTIONS_SERVICE_URL),
    };
  }

  get(name: UpstreamName): UpstreamClient {
    return this.clients[name];
  }
}

/**
 * Headers every forwarded call carries: the request id (one id across services' logs) and the
 * client address. The verified caller travels in the signed internal token (`caller`), never in a
 * header a client could have set; client-sent identity headers are never passed on.
 */
export function forwardedHeaders(request: Request): Record<string, string> {
  return {
    'x-request-id': String(request.id),
    'x-forwarded-for': request.ip ?? '',
  };
}

export function jsonBody(value: unknown): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** Validated query DTO → query string values (only the fields that are set). */
export function toQueryParams(query: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * Answers with what the service answered. An error `{statusCode, message}` leaves as problem+json
 * (RFC 9457) whatever the service's version, with `instance` = the path the client called; other
 * bodies (records, the OAuth `{error}` of /token) stay application/json.
 */
export function relay(response: Response, answer: UpstreamAnswer): void {
  if (answer.retryAfter !== undefined) response.setHeader('Retry-After', answer.retryAfter);
  if (answer.body === undefined) response.status(answer.status).end();
  else if (answer.status >= 400 && isErrorFields(answer.body)) {
    sendProblem(response, {
      ...toProblem(answer.body, instanceOf(response.req)),
      status: answer.status,
      statusCode: answer.status,
    });
  } else response.status(answer.status).json(answer.body);
}
