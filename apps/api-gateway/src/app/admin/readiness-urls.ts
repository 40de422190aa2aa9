import type { GatewayEnv } from '../gateway.env';
import type { UpstreamName } from '../upstream/upstreams';

/** Path of every service's readiness report (service-kit HealthModule, on the management port). */
export const READINESS_PATH = '/health/ready';

/**
 * The readiness URL of each upstream: `<X>_SERVICE_READY_URL` when set, else the host of the
 * service's URL on its management port (`<X>_MANAGEMENT_PORT`) + READINESS_PATH: the public port
 * no longer answers readiness.
 */
export function readinessUrls(env: GatewayEnv): Record<UpstreamName, string> {
  const at = (explicit: string | undefined, serviceUrl: string, managementPort: number) => {
    if (explicit) return explicit;
    const url = new URL(READINESS_PATH, serviceUrl);
    url.port = String(managementPort);
    return url.toString();
  };
  return {
    'auth-service': at(env.AUTH_SERVICE_READY_URL, env.AUTH_SERVICE_URL, env.AUTH_MANAGEMENT_PORT),
    'ingest-producer-service': at(env.INGEST_SERVICE_READY_URL, env.INGEST_SERVICE_URL, env.INGEST_MANAGEMENT_PORT),
    'network-logs-consumer': at(
      env.NETWORK_LOGS_SERVICE_READY_URL,
      env.NETWORK_LOGS_SERVICE_URL,
      env.NETWORK_LOGS_MANAGEMENT_PORT,
    ),
    'social-posts-consumer': at(
      env.SOCIAL_POSTS_SERVICE_READY_URL,
      env.SOCIAL_POSTS_SERVICE_URL,
      env.SOCIAL_POSTS_MANAGEMENT_PORT,
    ),
    'transactions-consumer': at(
      env.TRANSACTIONS_SERVICE_READY_URL,
      env.TRANSACTIONS_SERVICE_URL,
      env.TRANSACTIONS_MANAGEMENT_PORT,
    ),
  };
}
