import type { GatewayEnv } from '../gateway.env';
import type { UpstreamName } from '../upstream/upstreams';

/** Path of every service's readiness report (service-kit HealthModule, on the management port). */
export const READINESS_PATH = '/health/ready';

/** The prefix of each upstream's variables (`<P>_SERVICE_URL`, `<P>_MANAGEMENT_PORT`, `<P>_SERVICE_READY_URL`). */
const ENV_PREFIX = {
  'auth-service': 'AUTH',
  'ingest-producer-service': 'INGEST',
  'network-logs-consumer': 'NETWORK_LOGS',
  'social-posts-consumer': 'SOCIAL_POSTS',
  'transactions-consumer': 'TRANSACTIONS',
} as const satisfies Record<UpstreamName, string>;

type EnvPrefix = (typeof ENV_PREFIX)[UpstreamName];

/**
 * `<P>_SERVICE_READY_URL` when set, else the host of the service's URL on its management port
 * (`<P>_MANAGEMENT_PORT`) + READINESS_PATH: the public port no longer answers readiness.
 */
function readinessUrlOf(env: GatewayEnv, prefix: EnvPrefix): string {
  const explicit = env[`${prefix}_SERVICE_READY_URL`];
  if (explicit) return explicit;
  const url = new URL(READINESS_PATH, env[`${prefix}_SERVICE_URL`]);
  url.port = String(env[`${prefix}_MANAGEMENT_PORT`]);
  return url.toString();
}

/** The readiness URL of each upstream, for `GET /admin/services`. */
export function readinessUrls(env: GatewayEnv): Record<UpstreamName, string> {
  const entries = Object.entries(ENV_PREFIX) as [UpstreamName, EnvPrefix][];
  return Object.fromEntries(entries.map(([name, prefix]) => [name, readinessUrlOf(env, prefix)])) as Record<
    UpstreamName,
    string
  >;
}
