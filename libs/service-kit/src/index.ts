// Env classes need design-type metadata for conversion; load it before any class is declared.
import 'reflect-metadata';
export * from './lib/config/broker-list';
export * from './lib/config/load-env';
export * from './lib/config/env-validators';
export * from './lib/config/base-env';
export * from './lib/errors/domain-error';
export * from './lib/errors/domain-error.filter';
export * from './lib/health/readiness-check';
export * from './lib/health/health.module';
export * from './lib/health/mongo-readiness.check';
export * from './lib/mongo/service-mongo-connection';
export * from './lib/observability/observability.module';
export * from './lib/bootstrap/run-service';
export * from './lib/observability/http-metrics.middleware';
export * from './lib/http/json-body-limits';
export * from './lib/http/reserved-keys';
export * from './lib/http/body-error.handler';
export * from './lib/http/url-redaction';
