import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  getTestInfra,
  guardedRoutes,
  probeInternalRoutes,
  protectionViolations,
  routesOf,
  uniqueId,
} from '@datalake/testing';
import type { RecordDefinition } from '../lib/record-definition';
import { startRecordServiceUnderTest } from './record-service-under-test';

/**
 * The internal-call checks every record service runs against its own router (issue 13): each
 * route of the public port, read from the app (a route added later is checked without editing a
 * spec), refuses a call without a valid internal token for this service (401), and its writes
 * refuse a token whose user is not an admin (403); metrics and readiness only on the management
 * port. Real Kafka and MongoDB. One describe per service, from its `internal-calls.int-spec.ts`.
 */
export function describeInternalCalls(service: string, definition: RecordDefinition): void {
  const resource = `/${definition.resource}`;

  describe(`${service}: internal calls prove who makes them (issue 13)`, () => {
    const secret = randomBytes(32).toString('hex');
    const runId = uniqueId('ic');
    let app: INestApplication;
    let url: string;
    let managementUrl: string;

    beforeAll(async () => {
      const infra = await getTestInfra();
      ({ app, url, managementUrl } = await startRecordServiceUnderTest(
        {
          definition,
          service,
          kafkaBrokers: infra.kafkaBrokers,
          mongoUri: infra.mongoUri,
          partitions: 1,
          database: `it_${runId}`,
          topicPrefix: `it-${runId}.`,
          internalTokenSecret: secret,
        },
        { consume: false },
      ));
    }, 60_000);

    afterAll(() => app?.close());

    it('has the record routes in its router (the list the checks below walk)', () => {
      const routes = routesOf(app).map((route) => `${route.method} ${route.path}`);
      expect(routes).toEqual(
        expect.arrayContaining([
          `GET ${resource}`,
          `GET ${resource}/:id`,
          `PUT ${resource}/:id`,
          `DELETE ${resource}/:id`,
          'GET /health/live',
        ]),
      );
    });

    it('refuses every route but /health/live without a valid internal token (401), and writes to a non-admin (403)', async () => {
      const answers = await probeInternalRoutes({ url, service, secret, routes: guardedRoutes(routesOf(app)) });
      // Any write (PUT, DELETE, POST, PATCH) is an admin's act, as at the gateway.
      // The dead-letter routes are an admin's, reads included (as at the gateway).
      const isAdminRoute = (route: string) => !route.startsWith('GET ') || route.includes(' /dead-letters/');
      expect(protectionViolations(answers, isAdminRoute)).toEqual([]);
      expect(answers.length).toBeGreaterThanOrEqual(4 * 7);
    });

    it('serves /health/live on both ports, /metrics and /health/ready on the management port only', async () => {
      const status = async (base: string, path: string) => (await fetch(`${base}${path}`)).status;
      expect(await status(url, '/health/live')).toBe(200);
      expect(await status(url, '/metrics')).toBe(404);
      expect(await status(url, '/health/ready')).toBe(404);
      expect(await status(url, '/METRICS/')).toBe(404);
      expect(await status(managementUrl, '/health/live')).toBe(200);
      expect(await status(managementUrl, '/metrics')).toBe(200);
      // Ready or not (the consumer is not started here), it answers there with a health report.
      expect([200, 503]).toContain(await status(managementUrl, '/health/ready'));
      expect(await status(managementUrl, resource)).toBe(404);
    });
  });
}
