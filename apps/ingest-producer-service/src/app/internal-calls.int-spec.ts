import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { JSON_LIMITS, jsonTextDepth } from '@datalake/kafka-schemas';
import { loadEnv, startServiceApp } from '@datalake/service-kit';
import {
  freePorts,
  getTestInfra,
  guardedRoutes,
  probeInternalRoutes,
  protectionViolations,
  routesOf,
  uniqueId,
} from '@datalake/testing';
import { AppModule, SERVICE_NAME } from './app.module';
import { IngestEnv } from './ingest.env';

/**
 * The ingest service answers only the gateway: every route of its public port but /health/live,
 * read from its own router, refuses a call without a valid internal token (401), and ingestion
 * refuses a token whose user is not an admin (403). Real Kafka and MongoDB.
 */
describe('ingest-producer-service: internal calls prove who makes them (issue 13)', () => {
  const secret = randomBytes(32).toString('hex');
  let app: INestApplication;
  let url: string;
  let managementUrl: string;

  beforeAll(async () => {
    const infra = await getTestInfra();
    const [port, managementPort] = await freePorts(2);
    const env = loadEnv(IngestEnv, {
      KAFKA_BOOTSTRAP_SERVERS: infra.kafkaBrokers.join(','),
      MONGO_URI: infra.mongoUri,
      KAFKA_TOPIC_PREFIX: `it-${uniqueId('ic')}.`,
      KAFKA_TOPIC_PARTITIONS: '1',
      INGEST_SOURCES: 'none',
      INGEST_DIR: mkdtempSync(join(tmpdir(), 'ingest-ic-')),
      INTERNAL_TOKEN_SECRET: secret,
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'error',
    });
    app = await startServiceApp({
      name: SERVICE_NAME,
      port,
      managementPort,
      host: '127.0.0.1',
      bodyLimit: '5mb',
      bodyDepth: { maxDepth: JSON_LIMITS.maxDepth, depthOf: jsonTextDepth },
      extraBodyParsers: [{ kind: 'text', type: ['application/x-ndjson'] }],
      module: AppModule.forRoot(env),
    });
    url = `http://127.0.0.1:${port}`;
    managementUrl = `http://127.0.0.1:${managementPort}`;
  }, 60_000);

  afterAll(() => app?.close());

  it('has POST /ingest/:topic in its router (the list the checks below walk)', () => {
    expect(routesOf(app).map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['POST /ingest/:topic', 'GET /health/live']),
    );
  });

  it('refuses every route but /health/live without a valid internal token (401), and ingestion to a non-admin (403)', async () => {
    const answers = await probeInternalRoutes({
      url,
      service: SERVICE_NAME,
      secret,
      routes: guardedRoutes(routesOf(app)),
    });
    // Every route of the ingest service is an admin's act at the gateway.
    expect(protectionViolations(answers, () => true)).toEqual([]);
    expect(answers.map((answer) => answer.route)).toContain('POST /ingest/:topic');
  });

  it('serves /metrics and /health/ready on the management port only', async () => {
    const status = async (base: string, path: string) => (await fetch(`${base}${path}`)).status;
    expect(await status(url, '/health/live')).toBe(200);
    expect(await status(url, '/metrics')).toBe(404);
    expect(await status(url, '/health/ready')).toBe(404);
    expect(await status(managementUrl, '/metrics')).toBe(200);
    expect([200, 503]).toContain(await status(managementUrl, '/health/ready'));
    expect(await status(managementUrl, '/ingest/transactions')).toBe(404);
  });
});
