import http from 'node:http';
import https from 'node:https';
import { INTERNAL_TOKEN_HEADER, type InternalCaller } from '@datalake/service-kit';
import { interpretUpstreamAnswer, upstreamFailure, type UpstreamAnswer } from './upstream-answer';

export interface UpstreamCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path with its parameters already encoded. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * The verified end user the call is made for; the internal token carries it (sub, username, role),
   * and services check their role-restricted routes against it. Required so that no proxy route can
   * forget it (a forgotten caller made admin routes answer 403); `undefined` for anonymous calls.
   */
  caller: InternalCaller | undefined;
}

/** Mints the internal token of one call to `audience` (InternalTokenMinter.mint). */
export type MintInternalToken = (audience: string, caller?: InternalCaller) => string;

/**
 * Idle connections are closed before the services' own keep-alive timeout (Node's default 5 s;
 * a shorter `Keep-Alive: timeout=` hint from the service wins), so a reused one is rarely stale.
 */
const IDLE_SOCKET_MS = 4_000;

interface RawAnswer {
  status: number;
  text: string;
  retryAfter?: string;
}

/** A 2xx answer whose body is still to be read (piped to the client). */
export interface StreamedAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

export function isStreamedAnswer(answer: StreamedAnswer | UpstreamAnswer): answer is StreamedAnswer {
  return answer.body instanceof http.IncomingMessage;
}

/** An error answer's body (small), within the timeout. */
function readWhole(response: http.IncomingMessage, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => response.destroy(new UpstreamTimeout('no answer in time')), timeoutMs);
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    response.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** The call ran out of time (upstreamFailure maps the name to 504). */
class UpstreamTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * One internal service, over a keep-alive connection pool of node:http (lighter per call than
 * fetch); every call, body included, ends within the timeout: 504, 503 or 502 instead of a hang.
 */
export class UpstreamClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(
    readonly service: string,
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly mint: MintInternalToken,
  ) {
    const secure = new URL(baseUrl).protocol === 'https:';
    this.transport = secure ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' });
  }

  async call(call: UpstreamCall): Promise<UpstreamAnswer> {
    const url = new URL(call.path, this.baseUrl);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.append(name, value);
    try {
      const raw = await this.send(url, call, Date.now() + this.timeoutMs);
      const answer = interpretUpstreamAnswer(this.service, raw.status, raw.text);
      return raw.retryAfter === undefined ? answer : { ...answer, retryAfter: raw.retryAfter };
    } catch (error) {
      throw upstreamFailure(this.service, error, this.timeoutMs);
    }
  }

  /**
   * A call whose 2xx body is streamed rather than read whole (an export): the answer's headers must
   * come within the timeout, and then the body may take as long as it needs, as long as it never
   * stalls for the timeout. Any other status is read whole and interpreted as by `call`.
   */
  async stream(call: UpstreamCall): Promise<StreamedAnswer | UpstreamAnswer> {
    const url = new URL(call.path, this.baseUrl);
    for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.append(name, value);
    try {
      const response = await this.open(url, call);
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return { status, headers: response.headers, body: response };
      const text = await readWhole(response, this.timeoutMs);
      return interpretUpstreamAnswer(this.service, status, text);
    } catch (error) {
      throw upstreamFailure(this.service, error, this.timeoutMs);
    }
  }

  private open(url: URL, call: UpstreamCall): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = {
        ...call.headers,
        [INTERNAL_TOKEN_HEADER]: this.mint(this.service, call.caller),
      };
      const request = this.transport.request(url, { method: call.method, headers, agent: this.agent }, (response) => {
        clearTimeout(timer);
        // From here on, only a stall ends the call (the socket's idle timeout).
        response.socket.setTimeout(this.timeoutMs, () => response.destroy(new UpstreamTimeout('the stream stalled')));
        response.on('close', () => response.socket?.setTimeout(0));
        resolve(response);
      });
      const timer = setTimeout(() => request.destroy(new UpstreamTimeout('no answer in time')), this.timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(call.body);
    });
  }

  private async send(url: URL, call: UpstreamCall, deadline: number): Promise<RawAnswer> {
    try {
      return await this.request(url, call, deadline);
    } catch (error) {
      // A kept-alive connection the service closed just as it was reused: a read is safe to send again.
      const stale =
        (error as { reusedSocket?: boolean; code?: string }).reusedSocket &&
        (error as { code?: string }).code === 'ECONNRESET';
      if (stale && call.method === 'GET' && Date.now() < deadline) return this.request(url, call, deadline);
      throw error;
    }
  }

  private request(url: URL, call: UpstreamCall, deadline: number): Promise<RawAnswer> {
    return new Promise<RawAnswer>((resolve, reject) => {
      // A fresh internal token per call (and per retry): the service refuses any call without one.
      const headers: Record<string, string | number> = {
        accept: 'application/json',
        ...call.headers,
        [INTERNAL_TOKEN_HEADER]: this.mint(this.service, call.caller),
      };
      if (call.body !== undefined) headers['content-length'] = Buffer.byteLength(call.body);
      const request = this.transport.request(url, { method: call.method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfter });
        });
        response.on('error', fail);
      });
      let timedOut = false;
      function fail(error: Error) {
        clearTimeout(timer);
        reject(
          timedOut
            ? new UpstreamTimeout('no answer in time')
            : Object.assign(error, { reusedSocket: request.reusedSocket }),
        );
      }
      // The whole call, the body included, within the deadline.
      const timer = setTimeout(
        () => {
          timedOut = true;
          request.destroy(new UpstreamTimeout('no answer in time'));
        },
        Math.max(0, deadline - Date.now()),
      );
      request.on('error', fail);
      request.end(call.body);
    });
  }
}
