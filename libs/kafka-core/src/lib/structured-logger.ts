/**
 * The one logging surface of the Kafka core and of the code it calls back (record ingestion,
 * sources): message first, structured context second, as Nest's Logger. A pino logger takes the
 * opposite order; wrap it with `fromPinoStyle`.
 */
export interface StructuredLogger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

export const consoleLogger: StructuredLogger = {
  info: (message, context) => console.log(message, context ?? ''),
  warn: (message, context) => console.warn(message, context ?? ''),
  error: (message, context) => console.error(message, context ?? ''),
};

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: StructuredLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The part of a pino(-like) logger `fromPinoStyle` needs: context object first, then the message. */
export interface PinoStyleLogger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

/** Adapts a pino-style logger (nestjs-pino's PinoLogger), adding `fixed` to every line's context. */
export function fromPinoStyle(logger: PinoStyleLogger, fixed: Record<string, unknown> = {}): StructuredLogger {
  return {
    info: (message, context) => logger.info({ ...fixed, ...context }, message),
    warn: (message, context) => logger.warn({ ...fixed, ...context }, message),
    error: (message, context) => logger.error({ ...fixed, ...context }, message),
  };
}
