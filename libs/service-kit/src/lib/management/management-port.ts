import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { answerProblem } from '../errors/problem-details';

/** What the management port serves: Prometheus and the probes. Nothing else answers there. */
export const MANAGEMENT_PATHS: readonly string[] = ['/metrics', '/health/live', '/health/ready'];

/** Management paths the public port does NOT serve (it keeps `/health/live`). */
export const MANAGEMENT_ONLY_PATHS: readonly string[] = ['/metrics', '/health/ready'];

const managementRequests = new WeakSet<IncomingMessage>();

/** True when the request came in on the management port. */
export function isManagementRequest(request: IncomingMessage): boolean {
  return managementRequests.has(request);
}

/** The path as Express routes it: no query, case-insensitive, trailing slashes ignored. */
function routedPath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0].toLowerCase().replace(/\/+$/, '');
  return path === '' ? '/' : path;
}

function within(paths: readonly string[], path: string): boolean {
  return paths.some((known) => path === known || path.startsWith(`${known}/`));
}

/**
 * Splits one app between its two ports: the management port answers only MANAGEMENT_PATHS, the
 * public port never answers MANAGEMENT_ONLY_PATHS — both with the 404 any unknown route gets.
 */
export function scopeRoutesToPort(request: Request, response: Response, next: NextFunction): void {
  const path = routedPath(request.originalUrl ?? request.url);
  const allowed = isManagementRequest(request) ? within(MANAGEMENT_PATHS, path) : !within(MANAGEMENT_ONLY_PATHS, path);
  if (allowed) return next();
  answerProblem(request, response, 404, `Cannot ${request.method} ${(request.originalUrl ?? '/').split('?')[0]}`);
}

/**
 * Serves the same Express app on a second port, marking its requests as management ones. It stops
 * listening (and drops its keep-alive connections, e.g. Prometheus') when the public server closes.
 */
export function listenManagement(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  publicServer: Server,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((request, response) => {
    managementRequests.add(request);
    handler(request, response);
  });
  publicServer.once('close', () => {
    server.close();
    server.closeAllConnections();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
