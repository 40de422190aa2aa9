import { type DynamicModule, type INestApplication, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { ClassConstructor } from 'class-transformer';
import { ConfigError, loadEnv } from '../config/load-env';
import { DomainErrorFilter } from '../errors/domain-error.filter';

/** The request validation every service uses: unknown fields are refused, types converted. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });
}

/** Applies what every DataLake HTTP app shares: logger, validation, error mapping, shutdown hooks. */
export function configureApp(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainErrorFilter());
  app.enableShutdownHooks();
  (app as NestExpressApplication).disable?.('x-powered-by');
}

/** Reads and validates the environment; a bad value stops the process with one line naming it. */
export function loadEnvOrExit<T extends object>(service: string, cls: ClassConstructor<T>): T {
  try {
    return loadEnv(cls);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`${service}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
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

export interface RunServiceOptions {
  name: string;
  module: Type | DynamicModule;
  port: number;
  host?: string;
  bodyLimit?: string;
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

export async function runService(options: RunServiceOptions): Promise<NestExpressApplication> {
  try {
    // Buffered logs: a failed start prints our one-line reason, not Nest's stack dump.
    const app = await NestFactory.create<NestExpressApplication>(options.module, {
      bufferLogs: true,
      abortOnError: false,
      bodyParser: true,
    });
    configureApp(app);
    if (options.bodyLimit) {
      app.useBodyParser('json', { limit: options.bodyLimit });
      app.useBodyParser('urlencoded', { limit: options.bodyLimit, extended: false });
    }
    await options.configure?.(app);
    await app.listen(options.port, options.host ?? '0.0.0.0');
    app.get(Logger).log(`${options.name} listening on http://localhost:${options.port}`);
    return app;
  } catch (error) {
    console.error(`${options.name} failed to start: ${describeStartupError(error)}`);
    process.exit(1);
  }
}
