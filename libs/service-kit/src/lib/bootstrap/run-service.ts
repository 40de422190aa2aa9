import { type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { ClassConstructor } from 'class-transformer';
import type { IncomingMessage, Server } from 'node:http';
import { isLocalDevelopment, jwtSecretProblem, LOCAL_DEV_FLAG } from '../config/jwt-secret';
import { ConfigError, loadEnv } from '../config/load-env';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { createValidationPipe } from '../errors/problem-validation.pipe';
import { bodyErrorHandler } from '../http/body-error.handler';
import { type JsonDepthLimit, verifyBodyDepth } from '../http/json-body-limits';
import { refuseReservedKeys } from '../http/reserved-keys';
import { refuseNulInUrl } from '../http/nul-in-url';
import { listenManagement, scopeRoutesToPort } from '../management/management-port';

/** Applies what every DataLake HTTP app shares: logger, validation, error mapping, shutdown hooks. */
export function configureApp(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  (app as NestExpressApplication).disable?.('x-powered-by');
}

/** Signing keys a service may hold; each is held to the same strength rules (IsJwtSecret). */
const SIGNING_SECRETS = ['JWT_SECRET', 'INTERNAL_TOKEN_SECRET'] as const;

/** The start-up warning for weak signing secrets let through by DATALAKE_LOCAL_DEV, if any. */
export function weakSecretWarning(service: string, config: object): string | undefined {
  const values = config as Record<string, unknown>;
  if (!isLocalDevelopment(values[LOCAL_DEV_FLAG])) return undefined;
  const warnings = SIGNING_SECRETS.flatMap((name) => {
    const secret = values[name];
    const problem = typeof secret === 'string' ? jwtSecretProblem(secret) : undefined;
    return problem ? [`${name} ${problem}`] : [];
  });
  return warnings.length > 0
    ? `${service}: WARNING: ${warnings.join('; ')}; accepted only because ${LOCAL_DEV_FLAG}=1 (local development). Anyone can forge tokens for this stack.`
    : undefined;
}

/** Reads and validates the environment; a bad value stops the process with one line naming it. */
export function loadEnvOrExit<T extends object>(service: string, cls: ClassConstructor<T>): T {
  try {
    const config = loadEnv(cls);
    const warning = weakSecretWarning(service, config);
    if (warning) console.warn(warning);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${service}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Exits on a setting checked after loadEnvOrExit (ports, consumer and Kafka security settings),
 * with one line as loadEnvOrExit prints: ConfigErrors carry the "Invalid configuration" prefix
 * already, the Kafka core's errors do not; it is said once.
 */
export function exitOnConfigError(service: string, error: unknown): never {
  const problem = (error as Error).message.replace(/^Invalid configuration: /, '');
  console.error(`${service}: Invalid configuration: ${problem}`);
  process.exit(1);
}

/** Explains a start-up failure in one line (no stack loop), following `cause` chains. */
export function describeStartupError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && parts.length < 4) {
    parts.push(current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}

/** Express's default body limit, kept for services that set none. */
export const DEFAULT_BODY_LIMIT = '100kb';

export interface RawBodyParser {
  kind: 'raw' | 'text';
  /** body-parser `type`: media types or a predicate. */
  type: string | string[] | ((request: IncomingMessage) => boolean);
}

export interface RunServiceOptions {
  name: string;
  module: Type | DynamicModule;
  port: number;
  /** Port of `/metrics` and `/health/*` (probes, Prometheus); must differ from `port`. */
  managementPort: number;
  host?: string;
  bodyLimit?: string;
  /** Nesting limit of every JSON (and NDJSON) body, checked on the raw bytes before parsing. */
  bodyDepth: JsonDepthLimit;
  /** Parsers that see a body before the JSON and form parsers (e.g. NDJSON text, raw forwarding). */
  extraBodyParsers?: RawBodyParser[];
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

/**
 * Body parsing every service shares: size limit, depth limit before JSON.parse, flat forms,
 * reserved keys (`__proto__`, `constructor`, `prototype`) and NUL characters in URLs refused,
 * errors answered as JSON.
 * These parsers replace Nest's defaults.
 */
export function configureBodyParsing(
  app: NestExpressApplication,
  options: Pick<RunServiceOptions, 'bodyLimit' | 'bodyDepth' | 'extraBodyParsers'>,
): void {
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const verify = verifyBodyDepth(options.bodyDepth);
  for (const parser of options.extraBodyParsers ?? [])
    app.useBodyParser(parser.kind, { type: parser.type, limit, verify });
  app.useBodyParser('json', { limit, verify });
  app.useBodyParser('urlencoded', { limit, extended: false });
  app.use(refuseReservedKeys);
  app.use(refuseNulInUrl);
  app.use(bodyErrorHandler(limit));
}

/** How long a stopping service lets in-flight requests finish before it cuts the connections. */
export const SHUTDOWN_GRACE_MS = 5000;

/**
 * On SIGTERM/SIGINT, keep-alive clients under load would hold the server open forever (server.close
 * waits for every connection): answers now say `Connection: close`, idle connections close at once
 * and whatever is left is cut after the grace period, so the process always ends.
 */
export function closeConnectionsOnShutdown(app: NestExpressApplication, graceMs = SHUTDOWN_GRACE_MS): void {
  const server = app.getHttpServer() as Server;
  let stopping = false;
  app.use((_request: IncomingMessage, response: { setHeader(name: string, value: string): void }, next: () => void) => {
    if (stopping) response.setHeader('Connection', 'close');
    next();
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      stopping = true;
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), graceMs).unref();
    });
  }
}

/**
 * Creates, configures and starts a service's HTTP app on its public and management ports; throws
 * on failure (runService turns that into one line and exit 1; tests start apps in-process with it).
 */
export async function startServiceApp(options: RunServiceOptions): Promise<NestExpressApplication> {
  if (options.managementPort === options.port)
    throw new ConfigError('the management port must differ from the public port');
  // Buffered logs: a failed start prints our one-line reason, not Nest's stack dump.
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: true,
  });
  configureApp(app);
  // First of all: the management port answers only health and metrics, the public port never /metrics.
  app.use(scopeRoutesToPort);
  closeConnectionsOnShutdown(app);
  await options.configure?.(app);
  configureBodyParsing(app, options);
  const host = options.host ?? '0.0.0.0';
  await app.listen(options.port, host);
  await listenManagement(
    app.getHttpAdapter().getInstance(),
    app.getHttpServer() as Server,
    options.managementPort,
    host,
  );
  return app;
}

export async function runService(options: RunServiceOptions): Promise<NestExpressApplication> {
  try {
    const app = await startServiceApp(options);
    app
      .get(Logger)
      .log(
        `${options.name} listening on http://localhost:${options.port} (management: http://localhost:${options.managementPort})`,
      );
    return app;
  } catch (error) {
    console.error(`${options.name} failed to start: ${describeStartupError(error)}`);
    process.exit(1);
  }
}
