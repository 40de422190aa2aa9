import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort, getTestInfra, startServiceProcess, WORKSPACE_ROOT } from '@datalake/testing';

/** Runs a built service bundle to its exit and returns what it printed. */
function runToExit(app: string, env: Record<string, string | undefined>, timeoutMs = 90000) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js')], {
      cwd: WORKSPACE_ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} did not exit within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A strong key for the internal tokens every service requires (its own rules are tested below). */
const INTERNAL_TOKEN_SECRET = randomBytes(32).toString('hex');

const baseEnv = () => ({ PATH: process.env['PATH'], LOG_LEVEL: 'info', INTERNAL_TOKEN_SECRET });

describe('service start-up and shutdown (built bundles)', () => {
  it('stops with one line naming a missing MONGO_URI', async () => {
    const { code, output } = await runToExit('transactions-consumer', {
      ...baseEnv(),
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual(['transactions-consumer: Invalid configuration: MONGO_URI is required']);
  });

  it('stops with one line naming a malformed KAFKA_BOOTSTRAP_SERVERS', async () => {
    const { code, output } = await runToExit('transactions-consumer', {
      ...baseEnv(),
      KAFKA_BOOTSTRAP_SERVERS: 'not a broker list',
      MONGO_URI: 'mongodb://127.0.0.1:27017',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toHaveLength(1);
    expect(output).toMatch(/KAFKA_BOOTSTRAP_SERVERS must be a comma-separated list of host:port/);
  });

  const secret = 'not-to-be-printed-3f9a';
  const badKafkaSecurity: [string, Record<string, string>, RegExp][] = [
    [
      'an unknown KAFKA_SASL_MECHANISM',
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: secret },
      /KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"/,
    ],
    [
      'a mechanism without credentials',
      { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: secret },
      /KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME/,
    ],
    [
      'an unreadable KAFKA_SSL_CA_FILE',
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' },
      /KAFKA_SSL_CA_FILE cannot be read \(\/nonexistent\/ca.pem: ENOENT\)/,
    ],
  ];
  for (const app of ['transactions-consumer', 'ingest-producer-service']) {
    it.each(badKafkaSecurity)(`${app} refuses %s in one line, without the password`, async (_name, vars, reason) => {
      const { code, output } = await runToExit(app, {
        ...baseEnv(),
        KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
        MONGO_URI: 'mongodb://127.0.0.1:27017',
        ...vars,
      });
      expect(code).toBe(1);
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${app}: Invalid configuration: `));
      expect(lines[0]).toMatch(reason);
      expect(output).not.toContain(secret);
    });
  }

  it('stops with one line when the broker cannot be reached, not a stack trace loop', async () => {
    const infra = await getTestInfra();
    const unreachable = `127.0.0.1:${await freePort()}`;
    const { code, output } = await runToExit('transactions-consumer', {
      ...baseEnv(),
      TRANSACTIONS_PORT: String(await freePort()),
      KAFKA_BOOTSTRAP_SERVERS: unreachable,
      MONGO_URI: infra.mongoUri,
    });
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(`^transactions-consumer failed to start: Kafka at ${unreachable} is not reachable`, 'm'),
    );
    expect(output).not.toMatch(/^\s+at /m); // no stack frames
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const infra = await getTestInfra();
    const port = await freePort();
    const service = await startServiceProcess('transactions-consumer', port, {
      KAFKA_BOOTSTRAP_SERVERS: infra.kafkaBrokers.join(','),
      MONGO_URI: infra.mongoUri,
      TRANSACTIONS_PORT: String(port),
      INTERNAL_TOKEN_SECRET,
      KAFKA_TOPIC_PREFIX: `e2e-shutdown-${port}.`,
    });
    const started = Date.now();
    await service.stop('SIGTERM');
    expect(Date.now() - started).toBeLessThan(30000);
    // Nest re-raises the signal once its shutdown hooks have run.
    expect(service.process.signalCode ?? service.process.exitCode).toMatch(/^(SIGTERM|0)$/);
    expect(service.output()).toMatch(/stopped consuming/);
  });
});

describe('management port and internal token secret at start (issue 13)', () => {
  it('stops with one line when the management port is the public port', async () => {
    const { code, output } = await runToExit('transactions-consumer', {
      ...baseEnv(),
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
      MONGO_URI: 'mongodb://127.0.0.1:27017',
      TRANSACTIONS_PORT: '4390',
      TRANSACTIONS_MANAGEMENT_PORT: '4390',
    });
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([
      'transactions-consumer: Invalid configuration: TRANSACTIONS_MANAGEMENT_PORT must differ from TRANSACTIONS_PORT',
    ]);
    const gateway = await runToExit('api-gateway', {
      ...baseEnv(),
      MONGO_URI: 'mongodb://127.0.0.1:27017',
      JWT_SECRET: randomBytes(32).toString('hex'),
      GATEWAY_PORT: '4391',
      GATEWAY_MANAGEMENT_PORT: '4391',
    });
    expect(gateway.code).toBe(1);
    expect(gateway.output).toMatch(
      /^api-gateway: Invalid configuration: GATEWAY_MANAGEMENT_PORT must differ from GATEWAY_PORT/m,
    );
  });

  it.each([
    ['missing', undefined, /INTERNAL_TOKEN_SECRET is required/],
    ['short', 'x', /INTERNAL_TOKEN_SECRET is shorter than 32 bytes/],
    [
      'an example value',
      'local-development-secret-change-me-0123456789',
      /INTERNAL_TOKEN_SECRET is a published example value/,
    ],
  ])('ingest-producer-service refuses a %s INTERNAL_TOKEN_SECRET in one line', async (_name, secret, reason) => {
    const { code, output } = await runToExit('ingest-producer-service', {
      ...baseEnv(),
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
      MONGO_URI: 'mongodb://127.0.0.1:27017',
      INTERNAL_TOKEN_SECRET: secret,
    });
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
    if (secret && secret.length > 1) expect(lines[0]).not.toContain(secret);
  });
});

describe('JWT secret rules at start (issue 9: finding 8)', () => {
  const EXAMPLE_SECRET = 'local-development-secret-change-me-0123456789';
  const weakSecrets: Array<[string, string, RegExp]> = [
    ['one character', 'x', /JWT_SECRET is shorter than 32 bytes/],
    ['one repeated character', 'x'.repeat(48), /JWT_SECRET is one repeated character/],
    ['32 spaces', ' '.repeat(32), /JWT_SECRET is only whitespace/],
    ['the .env.example value', EXAMPLE_SECRET, /JWT_SECRET is a published example value/],
    [
      'the docker example value',
      'dev-only-jwt-secret-change-me-0123456789abcdef',
      /JWT_SECRET is a published example value/,
    ],
    [
      'the k8s dev value',
      'dev-only-jwt-secret-not-for-production-0123456789',
      /JWT_SECRET is a published example value/,
    ],
  ];

  for (const app of ['api-gateway', 'auth-service']) {
    for (const nodeEnv of [undefined, 'production']) {
      it.each(weakSecrets)(
        `${app} (NODE_ENV=${nodeEnv ?? 'unset'}) refuses %s in one line that does not quote it`,
        async (_name, secret, reason) => {
          const { code, output } = await runToExit(app, {
            ...baseEnv(),
            NODE_ENV: nodeEnv,
            MONGO_URI: 'mongodb://127.0.0.1:27017',
            JWT_SECRET: secret,
          });
          expect(code).toBe(1);
          const lines = output.trim().split('\n');
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(new RegExp(`^${app}: Invalid configuration: `));
          expect(lines[0]).toMatch(reason);
          if (secret.trim().length > 1) expect(output).not.toContain(secret.trim());
        },
      );
    }
  }

  it('starts with the example secret only under DATALAKE_LOCAL_DEV=1, printing a warning', async () => {
    const infra = await getTestInfra();
    const port = await freePort();
    const service = await startServiceProcess('auth-service', port, {
      MONGO_URI: infra.mongoUri,
      AUTH_PORT: String(port),
      JWT_SECRET: EXAMPLE_SECRET,
      INTERNAL_TOKEN_SECRET,
      DATALAKE_LOCAL_DEV: '1',
      NODE_ENV: 'production',
    });
    try {
      expect(service.output()).toMatch(
        /^auth-service: WARNING: JWT_SECRET is a published example value; accepted only because DATALAKE_LOCAL_DEV=1/m,
      );
      expect(service.output()).not.toContain(EXAMPLE_SECRET);
      expect((await fetch(`${service.managementUrl}/health/ready`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
