import type { GatewayEnv } from '../gateway.env';
import type { UpstreamName } from '../upstream/upstreams';

/** Path of every service's readiness report (service-kit HealthModule). */
export const READINESS_PATH = '/health/ready';

/**
 * The readiness URL of each upstream: `<X>_SERVICE_READY_URL` when set (e.g. a management port),
 * else the service's URL + READINESS_PATH. The one place to change when readiness moves.
 */
export function readinessUrls(env: GatewayEnv): Record<UpstreamName, string> {
  const at = (explicit: string | undefined, serviceUrl: string) =>
    explicit ?? new URL(READINESS_PATH, serviceUrl).toString();
  return {
    'auth-service': at(env.AUTH_SERVICE_READY_URL, env.AUTH_SERVICE_URL),
    'ingest-producer-service': at(env.INGEST_SERVICE_READY_URL, env.INGEST_SERVICE_URL),
    'network-logs-consumer': at(env.NETWORK_LOGS_SERVICE_READY_URL, env.NETWORK_LOGS_SERVICE_URL),
    'social-posts-consumer': at(env.SOCIAL_POSTS_SERVICE_READY_URL, env.SOCIAL_POSTS_SERVICE_URL),
    'transactions-consumer': at(env.TRANSACTIONS_SERVICE_READY_URL, env.TRANSACTIONS_SERVICE_URL),
  };
}
