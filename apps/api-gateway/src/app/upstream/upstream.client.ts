import { interpretUpstreamAnswer, upstreamFailure, type UpstreamAnswer } from './upstream-answer';

export interface UpstreamCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with its parameters already encoded. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * One internal service. Node's fetch (undici) keeps a keep-alive connection pool per origin; every
 * call, body included, ends within the timeout: 504, 503 or 502 instead of a hang.
 */
export class UpstreamClient {
  constructor(
    readonly service: string,
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async call(call: UpstreamCall): Promise<UpstreamAnswer> {
    const url = new URL(call.path, this.baseUrl);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.append(name, value);
    try {
      const response = await fetch(url, {
        method: call.method,
        headers: { accept: 'application/json', ...call.headers },
        body: call.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const answer = interpretUpstreamAnswer(this.service, response.status, await response.text());
      const retryAfter = response.headers.get('retry-after');
      return retryAfter === null ? answer : { ...answer, retryAfter };
    } catch (error) {
      throw upstreamFailure(this.service, error, this.timeoutMs);
    }
  }
}
