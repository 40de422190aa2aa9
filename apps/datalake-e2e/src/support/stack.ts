import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALL_APPS,
  MANAGEMENT_PORT_VARIABLE,
  PORT_VARIABLE,
  freePorts,
  getTestInfra,
  internalTokenHeaders,
  TEST_ADMIN,
  serviceAddressEnv,
  startServiceProcess,
  type AppName,
  type ServiceProcess,
} from '@datalake/testing';

export { ALL_APPS, type AppName } from '@datalake/testing';

export interface Stack {
  env: Record<string, string>;
  services: Map<AppName, ServiceProcess>;
  url(app: AppName): string;
  /** The app's management port (`/metrics`, `/health/ready`, `/health/live`). */
  managementUrl(app: AppName): string;
  admin: { username: string; password: string };
  /**
   * The internal-token header a direct call to `app` needs, as the gateway would mint it: for the
   * stack's test admin by default, for no user with `null`, or for the given user.
   */
  internalHeaders(app: AppName, user?: { id: string; username: string; role: string } | null): Record<string, string>;
  /** Starts one more process of an app (e.g. a second gateway) with the stack's environment. */
  startExtra(app: AppName, overrides?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * Starts built service bundles as real processes on free ports, wired to each other and to the
 * test Kafka and MongoDB. Apps start in dependency order (the gateway last).
 */
export async function startStack(
  apps: readonly AppName[] = ALL_APPS,
  extraEnv: Record<string, string> = {},
): Promise<Stack> {
  const infra = await getTestInfra();
  // One draw for every port of the stack (public, management, the syslog port last), so no two coincide.
  const drawn = await freePorts(2 * ALL_APPS.length + 1);
  const ports = new Map<AppName, number>(ALL_APPS.map((app, index) => [app, drawn[index]]));
  const managementPorts = new Map<AppName, number>(ALL_APPS.map((app, index) => [app, drawn[ALL_APPS.length + index]]));
  const syslogPort = drawn[2 * ALL_APPS.length];
  const admin = { username: `admin_${randomBytes(3).toString('hex')}`, password: randomBytes(12).toString('hex') };
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    KAFKA_BOOTSTRAP_SERVERS: infra.kafkaBrokers.join(','),
    MONGO_URI: infra.mongoUri,
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    SYSLOG_PORT: String(syslogPort),
    INGEST_DIR: mkdtempSync(join(tmpdir(), 'datalake-e2e-inbox-')),
    // Topics of this stack's own: records other suites left on the shared broker stay out.
    KAFKA_TOPIC_PREFIX: `e2e-${randomBytes(4).toString('hex')}.`,
    // Every e2e request comes from 127.0.0.1 and the per-address /register + /token counter lives in
    // the shared gateway database: a low limit would make test files throttle each other.
    AUTH_RATE_PER_MINUTE: '100000',
    ...serviceAddressEnv(
      (app) => ports.get(app) as number,
      (app) => managementPorts.get(app) as number,
    ),
    ...extraEnv,
  };
  const services = new Map<AppName, ServiceProcess>();
  const extras: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all([...extras, ...services.values()].map((service) => service.stop()));
  };
  try {
    const ordered = ALL_APPS.filter((app) => apps.includes(app));
    const backends = ordered.filter((app) => app !== 'api-gateway');
    await Promise.all(
      backends.map(async (app) => services.set(app, await startServiceProcess(app, ports.get(app) as number, env))),
    );
    if (ordered.includes('api-gateway')) {
      services.set('api-gateway', await startServiceProcess('api-gateway', ports.get('api-gateway') as number, env));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    env,
    services,
    admin,
    url: (app) => `http://127.0.0.1:${ports.get(app)}`,
    internalHeaders: (app, user = TEST_ADMIN) =>
      internalTokenHeaders({ secret: env['INTERNAL_TOKEN_SECRET'], audience: app, user: user ?? undefined }),
    managementUrl: (app) => `http://127.0.0.1:${managementPorts.get(app)}`,
    startExtra: async (app, overrides = {}) => {
      const [port, managementPort] = await freePorts(2);
      const extra = await startServiceProcess(app, port, {
        ...env,
        [PORT_VARIABLE[app]]: String(port),
        [MANAGEMENT_PORT_VARIABLE[app]]: String(managementPort),
        ...overrides,
      });
      extras.push(extra);
      return extra;
    },
    stop,
  };
}
