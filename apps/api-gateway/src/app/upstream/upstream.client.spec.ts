import { BadGatewayException, GatewayTimeoutException, ServiceUnavailableException } from '@nestjs/common';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_TOKEN_HEADER, type InternalCaller } from '@datalake/service-kit';
import { UpstreamClient } from './upstream.client';

/** Records what each call asked to be minted, and answers a recognisable token. */
const minted: { audience: string; caller?: InternalCaller }[] = [];
const fakeMint = (audience: string, caller?: InternalCaller) => {
  minted.push({ audience, caller });
  return `token-for-${audience}-${minted.length}`;
};

/** A throwaway internal service on a free local port. */
async function serve(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe(UpstreamClient.name, () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function clientFor(handler: http.RequestListener, timeoutMs = 2000) {
    const { url, server } = await serve(handler);
    servers.push(server);
    return { sut: new UpstreamClient('transactions-consumer', url, timeoutMs, fakeMint), server };
  }

  it('sends method, path, query, headers and body, and relays status, JSON body and Retry-After', async () => {
    const seen: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    const { sut } = await clientFor((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        Object.assign(seen, { method: request.method, url: request.url, headers: request.headers, body });
        response
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
          .end('{"statusCode":429,"message":"later"}');
      });
    });
    const answer = await sut.call({
      method: 'PUT',
      path: '/transactions/t%2F1',
      query: { a: 'x y' },
      headers: { 'x-request-id': 'r-1', [INTERNAL_TOKEN_HEADER]: 'client-forged' },
      body: '{"é":1}',
      caller: { id: 'u-1', username: 'alice', role: 'admin' },
    });
    expect(answer).toEqual({ status: 429, body: { statusCode: 429, message: 'later' }, retryAfter: '7' });
    expect(seen).toMatchObject({ method: 'PUT', url: '/transactions/t%2F1?a=x+y', body: '{"é":1}' });
    expect(seen.headers).toMatchObject({ 'x-request-id': 'r-1', accept: 'application/json', 'content-length': '8' });
    // A token minted for this very call and service, with the caller, replacing anything passed in.
    expect(minted.at(-1)).toEqual({
      audience: 'transactions-consumer',
      caller: { id: 'u-1', username: 'alice', role: 'admin' },
    });
    expect(seen.headers?.[INTERNAL_TOKEN_HEADER]).toBe(`token-for-transactions-consumer-${minted.length}`);
  });

  it('keeps one connection alive across calls', async () => {
    const ports = new Set<number>();
    const { sut } = await clientFor((request, response) => {
      ports.add(request.socket.remotePort as number);
      response.end('{}');
    });
    for (let call = 0; call < 5; call++) await sut.call({ caller: undefined, method: 'GET', path: '/x' });
    expect(ports.size).toBe(1);
  });

  it('sends a read again when the service closed the kept-alive connection as it was reused', async () => {
    let calls = 0;
    const { sut } = await clientFor((request, response) => {
      calls++;
      // The second request arrives on the kept-alive socket: drop it without answering.
      if (calls === 2) request.socket.destroy();
      else response.end('{"ok":true}');
    });
    await sut.call({ caller: undefined, method: 'GET', path: '/x' });
    await expect(sut.call({ caller: undefined, method: 'GET', path: '/x' })).resolves.toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(calls).toBe(3);
  });

  it('answers 504 when the whole answer, body included, is not there in time', async () => {
    const { sut } = await clientFor((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"items":');
    }, 300);
    const started = Date.now();
    await expect(sut.call({ caller: undefined, method: 'GET', path: '/slow' })).rejects.toBeInstanceOf(
      GatewayTimeoutException,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 503 when nothing listens, 502 for an answer that is not JSON or a 500', async () => {
    const down = new UpstreamClient('transactions-consumer', 'http://127.0.0.1:1', 1000, fakeMint);
    await expect(down.call({ caller: undefined, method: 'GET', path: '/x' })).rejects.toBeInstanceOf(
      ServiceUnavailableException,
    );
    const { sut } = await clientFor((request, response) => {
      if (request.url === '/garbage') response.end('<html>');
      else response.writeHead(500).end('{}');
    });
    await expect(sut.call({ caller: undefined, method: 'GET', path: '/garbage' })).rejects.toBeInstanceOf(
      BadGatewayException,
    );
    await expect(sut.call({ caller: undefined, method: 'GET', path: '/boom' })).rejects.toBeInstanceOf(
      BadGatewayException,
    );
  });
});
