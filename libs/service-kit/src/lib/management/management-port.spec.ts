import type { NextFunction, Request, Response } from 'express';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isManagementRequest, listenManagement, scopeRoutesToPort } from './management-port';

/** Runs the middleware on a request seen on the public port; returns the status it sent, or 'next'. */
function onPublicPort(url: string): number | 'next' {
  let status: number | 'next' = 'next';
  const response = {
    status(code: number) {
      status = code;
      return response;
    },
    type: () => response,
    send: () => response,
  } as unknown as Response;
  const next: NextFunction = () => undefined;
  scopeRoutesToPort({ method: 'GET', url, originalUrl: url } as Request, response, next);
  return status;
}

describe(scopeRoutesToPort.name, () => {
  it.each(['/metrics', '/health/ready', '/METRICS', '/metrics/', '/health/ready?x=1', '/health/ready/'])(
    'answers 404 on the public port for %s',
    (url) => expect(onPublicPort(url)).toBe(404),
  );

  it.each(['/health/live', '/transactions', '/metricsx', '/docs'])('lets %s through on the public port', (url) =>
    expect(onPublicPort(url)).toBe('next'),
  );
});

describe(listenManagement.name, () => {
  let publicServer: Server;
  afterEach(() => new Promise((resolve) => publicServer.close(resolve)));

  it('marks its requests as management ones and stops when the public server closes', async () => {
    const seen: boolean[] = [];
    const handler = (req: Parameters<typeof isManagementRequest>[0], res: { end(): void }) => {
      seen.push(isManagementRequest(req));
      res.end();
    };
    publicServer = createServer(handler);
    await new Promise<void>((resolve) => publicServer.listen(0, '127.0.0.1', resolve));
    const management = await listenManagement(handler, publicServer, 0, '127.0.0.1');
    const get = (port: number) =>
      new Promise<void>((resolve, reject) =>
        httpRequest({ port, host: '127.0.0.1', path: '/' }, (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end(),
      );
    await get((publicServer.address() as AddressInfo).port);
    await get((management.address() as AddressInfo).port);
    expect(seen).toEqual([false, true]);
    const closed = new Promise((resolve) => management.once('close', resolve));
    publicServer.close();
    await closed;
    expect(management.listening).toBe(false);
    publicServer = createServer().listen(0);
  });
});
