import type { GatewayEnv } from '../gateway.env';
import { readinessUrls } from './readiness-urls';
import { checkService } from './service-health';

const now = () => new Date('2026-12-02T00:00:00.000Z');

describe('service health', () => {
  it('reads each service readiness on its management port unless <X>_SERVICE_READY_URL says otherwise', () => {
    const env = {
      AUTH_SERVICE_URL: 'http://auth:3001',
      INGEST_SERVICE_URL: 'http://ingest:3002',
      NETWORK_LOGS_SERVICE_URL: 'http://nl:3011/',
      SOCIAL_POSTS_SERVICE_URL: 'http://sp:3012',
      TRANSACTIONS_SERVICE_URL: 'http://tx:3013',
      AUTH_MANAGEMENT_PORT: 9001,
      INGEST_MANAGEMENT_PORT: 9002,
      NETWORK_LOGS_MANAGEMENT_PORT: 9111,
      SOCIAL_POSTS_MANAGEMENT_PORT: 9012,
      TRANSACTIONS_MANAGEMENT_PORT: 9013,
      TRANSACTIONS_SERVICE_READY_URL: 'http://tx-probe:8080/ready',
    } as GatewayEnv;
    expect(readinessUrls(env)).toEqual({
      'auth-service': 'http://auth:9001/health/ready',
      'ingest-producer-service': 'http://ingest:9002/health/ready',
      'network-logs-consumer': 'http://nl:9111/health/ready',
      'social-posts-consumer': 'http://sp:9012/health/ready',
      'transactions-consumer': 'http://tx-probe:8080/ready',
    });
  });

  it('is up on 200 with the report in details, down on 503, on no answer and on a timeout', async () => {
    const report = JSON.stringify({ status: 'ok', info: { mongo: { status: 'up' } } });
    await expect(checkService('a', 'u', 100, async () => ({ status: 200, text: report }), now)).resolves.toEqual({
      name: 'a',
      status: 'up',
      checkedAt: '2026-12-02T00:00:00.000Z',
      details: { httpStatus: 200, status: 'ok', info: { mongo: { status: 'up' } } },
    });
    await expect(checkService('a', 'u', 100, async () => ({ status: 503, text: 'oops' }), now)).resolves.toMatchObject({
      status: 'down',
      details: { httpStatus: 503 },
    });
    const refused = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    await expect(checkService('a', 'u', 100, async () => Promise.reject(refused), now)).resolves.toMatchObject({
      status: 'down',
      details: { error: 'fetch failed (ECONNREFUSED)' },
    });
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    await expect(checkService('a', 'u', 250, async () => Promise.reject(timeout), now)).resolves.toMatchObject({
      status: 'down',
      details: { error: 'no answer within 250 ms' },
    });
  });
});
