import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { instanceOf, PROBLEM_CONTENT_TYPE, toProblem } from '@datalake/service-kit';

/** Where the console is served: same origin as the API, so the bearer token and the CSP stay simple. */
export const CONSOLE_PATH = '/console';

/** True for `/console` and everything under it (not `/consoles`). */
export function isConsolePath(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`);
}

/**
 * The console's Content-Security-Policy: scripts, styles, fonts and API calls from this origin only,
 * no inline script or style, no plugins, no framing. (The API paths keep helmet's defaults, which
 * Swagger UI at /docs needs.)
 */
export const CONSOLE_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  scriptSrcAttr: ["'none'"],
  upgradeInsecureRequests: null,
};

/** The built console (`nx build console` writes dist/apps/console, beside the gateway's own bundle). */
export function defaultConsoleDir(): string {
  return resolve(__dirname, '..', 'console');
}

/**
 * Serves the built console at /console: hashed assets cached for good, index.html for every client
 * route (a path without a file extension) and never cached. When the console was not built the
 * gateway still starts and /console answers 503 saying how to build it (checked per request, so a
 * build made later is served without a restart).
 */
export function serveConsole(app: NestExpressApplication, dir: string): void {
  const index = join(dir, 'index.html');
  app.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (existsSync(index)) return next();
    const problem = toProblem(
      {
        statusCode: 503,
        message: 'The console is not built: run `npx nx build console` (npm start builds it) and reload.',
      },
      instanceOf(request),
    );
    response.status(503).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
  app.useStaticAssets(dir, {
    prefix: CONSOLE_PATH,
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (response: Response, path: string) => {
      response.setHeader('Cache-Control', isHashedAsset(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    // A missing asset is a 404 (Nest's), not the page: only extension-less client routes get index.html.
    if (extname(request.path) !== '') return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}

/** Webpack's content-hashed file names (`main.3f2a9c1d0b.js`): safe to cache forever. */
function isHashedAsset(path: string): boolean {
  return /\.[0-9a-f]{8,}\.(js|css|woff2?|svg|png)$/.test(path);
}
