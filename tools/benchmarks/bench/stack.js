'use strict';
/**
 * The six built services (dist/apps/<app>/main.js, as `npm start` and the Dockerfile run them) on
 * free ports, with the local defaults of .env.example, a fresh topic prefix, a random JWT secret
 * and a random admin; plus a second gateway with the default quota (100/h) for the quota figures.
 * Logs go to files, as the run may last an hour.
 */
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, openSync, closeSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const {
  ALL_APPS: APPS,
  MANAGEMENT_PORT_VARIABLE,
  TEST_ADMIN,
  freePorts,
  mintInternalToken,
  serviceAddressEnv,
  waitFor,
} = require('./ts-libs').testing();

/** Lifetime of the internal tokens the run's direct calls carry: a whole run (tokens are minted once). */
const DIRECT_TOKEN_SECONDS = 6 * 3600;

const ROOT = join(__dirname, '..', '..', '..');
/** The gateway's quota for the pipeline and read figures: high enough for every request of a run, still counted. */
const RAISED_QUOTA = 1_000_000;

/** `KEY=value` lines of .env.example: the settings `npm start` runs with. */
function exampleEnv() {
  const env = {};
  for (const line of readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]] = match[2];
  }
  return env;
}

function missingBundles() {
  return APPS.filter((app) => !existsSync(join(ROOT, 'dist', 'apps', app, 'main.js')));
}

/** Every service process running, so an interrupted run can stop them even while starting. */
const live = new Set();

class ServiceProcess {
  constructor(name, app, port, env, logFile) {
    this.name = name;
    this.app = app;
    this.port = port;
    this.env = env;
    this.logFile = logFile;
    this.url = `http://127.0.0.1:${port}`;
    /** `/health/ready` and `/metrics` answer on the management port only. */
    this.managementUrl = `http://127.0.0.1:${env[MANAGEMENT_PORT_VARIABLE[app]]}`;
    this.child = undefined;
  }

  get pid() {
    return this.child && this.child.exitCode === null ? this.child.pid : undefined;
  }

  async start() {
    const fd = openSync(this.logFile, 'a');
    this.child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', this.app, 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...this.env },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const child = this.child;
    live.add(this);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        live.delete(this);
        resolve(code ?? signal);
      }),
    );
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}; see ${this.logFile}`);
        const response = await fetch(`${this.managementUrl}/health/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 300,
        description: `${this.name} to be ready on ${this.url} (log: ${this.logFile})`,
      },
    );
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }

  async restart() {
    await this.stop();
    await this.start();
  }
}

/**
 * @returns {Promise<{services: Map<string, ServiceProcess>, quotaGateway: ServiceProcess, env: object,
 *   prefix: string, inbox: string, admin: {username: string, password: string}, stop: () => Promise<void>}>}
 */
async function startStack({ kafka, mongoUri, runDir, log, nodeOptions = '' }) {
  const missing = missingBundles();
  if (missing.length) throw new Error(`dist/apps/{${missing.join(',')}}/main.js missing: run \`npm run build\` first`);
  const logDir = join(runDir, 'logs');
  const inbox = join(runDir, 'inbox');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(inbox, { recursive: true });
  // Public ports, the syslog port, the quota gateway's two ports, then the management ports.
  const ports = await freePorts(2 * APPS.length + 3);
  const portOf = Object.fromEntries(APPS.map((app, index) => [app, ports[index]]));
  const managementPortOf = Object.fromEntries(APPS.map((app, index) => [app, ports[APPS.length + 3 + index]]));
  const prefix = `bench-${randomBytes(4).toString('hex')}.`;
  const admin = {
    username: `bench_admin_${randomBytes(3).toString('hex')}`,
    password: randomBytes(16).toString('hex'),
  };
  const env = {
    ...exampleEnv(),
    KAFKA_BOOTSTRAP_SERVERS: kafka,
    MONGO_URI: mongoUri,
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    DATALAKE_LOCAL_DEV: '0',
    ADMIN_USERNAME: admin.username,
    ADMIN_PASSWORD: admin.password,
    KAFKA_TOPIC_PREFIX: prefix,
    INGEST_DIR: inbox,
    SYSLOG_PORT: String(ports[APPS.length]),
    QUOTA_PER_HOUR: String(RAISED_QUOTA),
    // Every request of the run comes from 127.0.0.1: the per-address /register + /token limit would refuse the users it registers.
    AUTH_RATE_PER_MINUTE: '100000',
    // Tokens outlive a full run (about an hour and a half).
    JWT_EXPIRES_IN: String(6 * 3600),
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    ...serviceAddressEnv(
      (app) => portOf[app],
      (app) => managementPortOf[app],
    ),
  };
  const services = new Map(
    APPS.map((app) => [app, new ServiceProcess(app, app, portOf[app], env, join(logDir, `${app}.log`))]),
  );
  const quotaPort = ports[APPS.length + 1];
  const quotaGateway = new ServiceProcess(
    'api-gateway (quota 100/h)',
    'api-gateway',
    quotaPort,
    {
      ...env,
      GATEWAY_PORT: String(quotaPort),
      GATEWAY_MANAGEMENT_PORT: String(ports[APPS.length + 2]),
      QUOTA_PER_HOUR: '100',
    },
    join(logDir, 'api-gateway-quota.log'),
  );
  const all = [...services.values(), quotaGateway];
  const stop = async () => {
    await Promise.all(all.map((service) => service.stop()));
  };
  try {
    log(`starting the services (topic prefix ${prefix}, logs in ${logDir})`);
    await Promise.all(APPS.filter((app) => app !== 'api-gateway').map((app) => services.get(app).start()));
    await Promise.all([services.get('api-gateway').start(), quotaGateway.start()]);
  } catch (error) {
    await stop();
    throw error;
  }
  /** "Direct" = calling the owning service as the gateway does: with an internal token for it (an admin's). */
  const internalHeaders = (app) => ({
    'x-internal-token': mintInternalToken({
      secret: env.INTERNAL_TOKEN_SECRET,
      audience: app,
      user: TEST_ADMIN,
      expiresInSeconds: DIRECT_TOKEN_SECONDS,
    }),
  });
  return {
    services,
    quotaGateway,
    env,
    prefix,
    inbox,
    admin,
    logDir,
    stop,
    all,
    raisedQuota: RAISED_QUOTA,
    internalHeaders,
  };
}

async function stopAllServices() {
  await Promise.all([...live].map((service) => service.stop()));
}

module.exports = { startStack, stopAllServices, RAISED_QUOTA };
