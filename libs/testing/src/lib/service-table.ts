/**
 * The six services as the stack runs them (dependencies first, the gateway last), with the
 * variables that give each its port and tell the others where it is. Shared by the end-to-end
 * stack and the benchmark's stack, which start the built bundles as `npm start` does.
 */
export const ALL_APPS = [
  'auth-service',
  'ingest-producer-service',
  'network-logs-consumer',
  'social-posts-consumer',
  'transactions-consumer',
  'api-gateway',
] as const;
export type AppName = (typeof ALL_APPS)[number];

export const PORT_VARIABLE: Record<AppName, string> = {
  'api-gateway': 'GATEWAY_PORT',
  'auth-service': 'AUTH_PORT',
  'ingest-producer-service': 'INGEST_PORT',
  'network-logs-consumer': 'NETWORK_LOGS_PORT',
  'social-posts-consumer': 'SOCIAL_POSTS_PORT',
  'transactions-consumer': 'TRANSACTIONS_PORT',
};

/** The variable of each service's management port (`/metrics`, `/health/live`, `/health/ready`). */
export const MANAGEMENT_PORT_VARIABLE: Record<AppName, string> = {
  'api-gateway': 'GATEWAY_MANAGEMENT_PORT',
  'auth-service': 'AUTH_MANAGEMENT_PORT',
  'ingest-producer-service': 'INGEST_MANAGEMENT_PORT',
  'network-logs-consumer': 'NETWORK_LOGS_MANAGEMENT_PORT',
  'social-posts-consumer': 'SOCIAL_POSTS_MANAGEMENT_PORT',
  'transactions-consumer': 'TRANSACTIONS_MANAGEMENT_PORT',
};

/** Services the gateway (and the ingest service) call, by the variable that holds their URL. */
export const URL_VARIABLE: Partial<Record<AppName, string>> = {
  'auth-service': 'AUTH_SERVICE_URL',
  'ingest-producer-service': 'INGEST_SERVICE_URL',
  'network-logs-consumer': 'NETWORK_LOGS_SERVICE_URL',
  'social-posts-consumer': 'SOCIAL_POSTS_SERVICE_URL',
  'transactions-consumer': 'TRANSACTIONS_SERVICE_URL',
};

/**
 * Every service's port variable and every service URL variable, for services on 127.0.0.1 at these
 * ports; with `managementPortOf`, every management port variable too.
 */
export function serviceAddressEnv(
  portOf: (app: AppName) => number,
  managementPortOf?: (app: AppName) => number,
): Record<string, string> {
  return {
    ...Object.fromEntries(ALL_APPS.map((app) => [PORT_VARIABLE[app], String(portOf(app))])),
    ...(managementPortOf
      ? Object.fromEntries(ALL_APPS.map((app) => [MANAGEMENT_PORT_VARIABLE[app], String(managementPortOf(app))]))
      : {}),
    ...Object.fromEntries(
      Object.entries(URL_VARIABLE).map(([app, variable]) => [variable, `http://127.0.0.1:${portOf(app as AppName)}`]),
    ),
  };
}
