import type { INestApplication } from '@nestjs/common';
import { INTERNAL_TOKEN_HEADER, MANAGEMENT_ONLY_PATHS } from '@datalake/service-kit';
import { mintInternalToken, TEST_ADMIN } from './internal-token';

/** One HTTP route as the app's router holds it. */
export interface HttpRoute {
  method: string;
  path: string;
}

/** Methods a route of these services can serve (an `@All` route lists every method Node knows). */
const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

interface RouterLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

/**
 * Every route the app's Express router serves, read from the router itself after Nest mounted the
 * controllers: a route added tomorrow is in this list without anyone editing a test.
 */
export function routesOf(app: INestApplication): HttpRoute[] {
  const instance = app.getHttpAdapter().getInstance() as { router?: { stack: RouterLayer[] } };
  const layers = instance.router?.stack ?? [];
  return layers.flatMap((layer) => {
    const path = layer.route?.path;
    // `/{*path}` layers are Nest middleware applied to every path (forRoutes('*')), not handlers.
    if (typeof path !== 'string' || path.includes('{*')) return [];
    return Object.entries(layer.route?.methods ?? {})
      .filter(([method, on]) => on && HTTP_METHODS.has(method.toUpperCase()))
      .map(([method]) => ({ method: method.toUpperCase(), path }));
  });
}

/** `/transactions/:id` → `/transactions/x`: a concrete URL of the route (the guard runs before any pipe). */
export function concretePath(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+/g, 'x').replace(/\*\w*/g, 'x');
}

export interface ProbeAnswer {
  route: string;
  case: string;
  status: number;
  /** The answer carried the internal-token challenge (refused by InternalCallGuard). */
  refusedByGuard: boolean;
}

export interface ProbeOptions {
  /** Public port base URL of the service under test. */
  url: string;
  /** The service's name (the audience its tokens carry). */
  service: string;
  secret: string;
  routes: HttpRoute[];
}

/** The cases every route of an internal service's public port is put through. */
export const PROBE_CASES = [
  'no token',
  'wrong audience',
  'expired',
  'wrong secret',
  'other issuer',
  'user role',
  'admin role',
] as const;

function tokenFor(options: ProbeOptions, probe: (typeof PROBE_CASES)[number]): string | undefined {
  const base = { secret: options.secret, audience: options.service, user: TEST_ADMIN };
  switch (probe) {
    case 'no token':
      return undefined;
    case 'wrong audience':
      return mintInternalToken({ ...base, audience: `${options.service}-other` });
    case 'expired':
      return mintInternalToken({ ...base, expiresInSeconds: -120 });
    case 'wrong secret':
      return mintInternalToken({ ...base, secret: `${options.secret}-not-the-same-key` });
    case 'other issuer':
      return mintInternalToken({ ...base, issuer: 'some-pod' });
    case 'user role':
      return mintInternalToken({ ...base, user: { ...TEST_ADMIN, username: 'test-user', role: 'user' } });
    case 'admin role':
      return mintInternalToken(base);
  }
}

/**
 * Calls every route with each PROBE_CASES token (an empty JSON body for writes) and reports what it
 * answered. The caller asserts: 401 for the bad tokens, 403 for a user on admin routes, and never a
 * guard refusal for a valid admin token.
 */
export async function probeInternalRoutes(options: ProbeOptions): Promise<ProbeAnswer[]> {
  const answers: ProbeAnswer[] = [];
  for (const route of options.routes) {
    for (const probe of PROBE_CASES) {
      const token = tokenFor(options, probe);
      const write = route.method !== 'GET' && route.method !== 'HEAD';
      const response = await fetch(`${options.url}${concretePath(route.path)}`, {
        method: route.method,
        headers: {
          ...(token ? { [INTERNAL_TOKEN_HEADER]: token } : {}),
          ...(write ? { 'content-type': 'application/json' } : {}),
        },
        body: write ? '{}' : undefined,
      });
      await response.arrayBuffer();
      answers.push({
        route: `${route.method} ${route.path}`,
        case: probe,
        status: response.status,
        refusedByGuard: (response.headers.get('www-authenticate') ?? '').startsWith('InternalToken'),
      });
    }
  }
  return answers;
}

/** The routes of the public port that must demand an internal token: all but `/health/live`. */
export function guardedRoutes(routes: HttpRoute[]): HttpRoute[] {
  return routes.filter(
    (route) =>
      route.path !== '/health/live' &&
      !MANAGEMENT_ONLY_PATHS.some((path) => route.path === path || route.path.startsWith(`${path}/`)),
  );
}

/**
 * What is wrong in the answers, as readable lines (empty when every route is protected): a bad
 * token must be refused by the guard (401), a user on an admin route gets 403, and a valid token
 * is never refused by the guard.
 */
export function protectionViolations(answers: ProbeAnswer[], isAdminRoute: (route: string) => boolean): string[] {
  return answers.flatMap((answer) => {
    const where = `${answer.route} (${answer.case}): answered ${answer.status}`;
    if (answer.case === 'admin role')
      return answer.refusedByGuard || answer.status === 403 ? [`${where}, a valid admin token was refused`] : [];
    if (answer.case === 'user role') {
      if (isAdminRoute(answer.route))
        return answer.status === 403 ? [] : [`${where}, expected 403 for a user on an admin route`];
      return answer.refusedByGuard || answer.status === 403 ? [`${where}, a valid user token was refused`] : [];
    }
    return answer.status === 401 && answer.refusedByGuard ? [] : [`${where}, expected 401 from the internal guard`];
  });
}
