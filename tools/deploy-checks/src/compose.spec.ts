import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandExists, run, type RunResult } from './lib/run';
import { ensureTools, INSTALL_SCRIPT, INSTALL_TIMEOUT_MS } from './lib/tools';
import { ALL_TOPICS, GATEWAY, INGEST, readEnvExample, SERVICES } from './lib/workspace';

const COMPOSE_FILE = 'docker/compose.yaml';
const DEV_ENV_FILE = 'docker/.env.compose.example';

interface ComposeService {
  image?: string;
  build?: {
    context: string;
    dockerfile: string;
    args?: Record<string, string>;
  };
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  ports?: {
    target: number;
    published?: string;
    host_ip?: string;
    protocol?: string;
  }[];
  restart?: string;
  entrypoint?: string[] | null;
  command?: string[] | null;
  profiles?: string[];
  read_only?: boolean;
  user?: string;
}

interface ComposeModel {
  services: Record<string, ComposeService>;
}

/** Environment for `docker compose` without the caller's DataLake variables. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of [...readEnvExample().keys(), 'DATALAKE_REGISTRY', 'DATALAKE_TAG']) delete env[key];
  return env;
}

function compose(args: string[], envFile: string, env: NodeJS.ProcessEnv = cleanEnv()): RunResult {
  return run('docker', ['compose', '-f', COMPOSE_FILE, '--env-file', envFile, ...args], { env });
}

describe('docker/compose.yaml', () => {
  let model: ComposeModel;

  beforeAll(() => {
    if (!commandExists('docker')) {
      throw new Error(
        'The docker client is missing (no engine is needed for these checks). Install it, e.g. on Debian: ' +
          "`apt-get install docker.io` or `docker-ce-cli` from Docker's apt repository; then run " +
          `\`bash ${INSTALL_SCRIPT} compose\` for the compose plugin.`,
      );
    }
    // Installs the compose CLI plugin only when `docker compose` is missing.
    ensureTools('compose');
    const rendered = compose(['config', '--format', 'json'], DEV_ENV_FILE);
    if (rendered.status !== 0) throw new Error(`${rendered.command} failed:\n${rendered.stderr}`);
    model = JSON.parse(rendered.stdout) as ComposeModel;
  }, INSTALL_TIMEOUT_MS);

  it('is accepted by `docker compose config -q` with the dev env file', () => {
    const result = compose(['config', '-q'], DEV_ENV_FILE);
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({
      status: 0,
      stderr: '',
    });
  });

  it('is accepted with secrets from the environment, and with the monitoring profile', () => {
    const empty = mkdtempSync(join(tmpdir(), 'datalake-compose-'));
    try {
      const envFile = join(empty, 'empty.env');
      writeFileSync(envFile, '');
      const env = {
        ...cleanEnv(),
        JWT_SECRET: 'x'.repeat(40),
        ADMIN_PASSWORD: 'test-only-password',
      };
      expect(compose(['config', '-q'], envFile, env).status).toBe(0);
      expect(compose(['--profile', 'monitoring', 'config', '-q'], envFile, env).status).toBe(0);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('refuses to start without JWT_SECRET (no default secret)', () => {
    const empty = mkdtempSync(join(tmpdir(), 'datalake-compose-'));
    try {
      const envFile = join(empty, 'empty.env');
      writeFileSync(envFile, 'ADMIN_PASSWORD=test-only-password\n');
      const result = compose(['config', '-q'], envFile);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('JWT_SECRET');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('runs the official mongo:7 and apache/kafka:4.1.1 images, Kafka in KRaft mode', () => {
    expect(model.services['mongodb'].image).toBe('mongo:7');
    const kafka = model.services['kafka'];
    expect(kafka.image).toBe('apache/kafka:4.1.1');
    expect(kafka.environment?.['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(kafka.environment?.['KAFKA_CONTROLLER_QUORUM_VOTERS']).toMatch(/^1@/);
  });

  it('creates every topic and dead-letter topic in a one-shot service', () => {
    const init = model.services['kafka-init'];
    expect(init.image).toBe('apache/kafka:4.1.1');
    expect(init.restart).toBe('no');
    expect(init.depends_on?.['kafka']?.condition).toBe('service_healthy');
    const script = [...(init.entrypoint ?? []), ...(init.command ?? [])].join(' ');
    expect(script).toContain('kafka-topics.sh');
    expect(script).toContain('--create --if-not-exists');
    expect((init.environment?.['TOPICS'] ?? '').split(/\s+/).sort()).toEqual([...ALL_TOPICS].sort());
    // The same topic namespace as the services (`$$` is compose's escape for a literal `$`).
    expect(script).toContain('--topic "$${KAFKA_TOPIC_PREFIX}$${topic}"');
    expect(init.environment).toHaveProperty('KAFKA_TOPIC_PREFIX');
  });

  it('has a healthcheck on every long-running service and waits on health in depends_on', () => {
    for (const [name, service] of Object.entries(model.services)) {
      const oneShot = service.restart === 'no';
      if (!oneShot) {
        expect({
          name,
          healthcheck: Boolean(service.healthcheck?.test?.length) && !service.healthcheck?.disable,
        }).toEqual({
          name,
          healthcheck: true,
        });
      }
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const expected =
          model.services[dependency].restart === 'no' ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dependency, condition }).toEqual({
          name,
          dependency,
          condition: expected,
        });
      }
    }
  });

  it('builds each DataLake service from docker/Dockerfile with APP = the service name', () => {
    for (const { app } of SERVICES) {
      const service = model.services[app];
      expect(service).toBeDefined();
      expect(service.build?.dockerfile).toBe('docker/Dockerfile');
      expect(service.build?.args?.['APP']).toBe(app);
      expect(service.read_only).toBe(true);
      expect(service.user ?? '').not.toMatch(/^(root|0)\b/);
      expect(service.depends_on?.['kafka-init']?.condition).toBe('service_completed_successfully');
    }
    // The gateway starts once every internal service is ready.
    for (const { app } of SERVICES.filter((s) => s.app !== GATEWAY)) {
      expect(model.services[GATEWAY].depends_on?.[app]?.condition).toBe('service_healthy');
    }
  });

  it('uses only the variable names of .env.example in the services', () => {
    const known = new Set(readEnvExample().keys());
    for (const { app } of SERVICES) {
      const unknown = Object.keys(model.services[app].environment ?? {}).filter((key) => !known.has(key));
      expect({ app, unknown }).toEqual({ app, unknown: [] });
    }
    expect(model.services[GATEWAY].environment?.['JWT_SECRET']).toBeTruthy();
    expect(model.services['auth-service'].environment?.['JWT_SECRET']).toBe(
      model.services[GATEWAY].environment?.['JWT_SECRET'],
    );
  });

  it('publishes only the gateway and the syslog port on all interfaces', () => {
    for (const [name, service] of Object.entries(model.services)) {
      for (const port of service.ports ?? []) {
        const loopback = port.host_ip === '127.0.0.1' || port.host_ip === '::1';
        if (loopback) continue;
        const allowed = (name === GATEWAY && port.target === 3000) || (name === INGEST && port.target === 5514);
        expect({
          name,
          port: `${port.target}/${port.protocol}`,
          allowed,
        }).toEqual({
          name,
          port: `${port.target}/${port.protocol}`,
          allowed: true,
        });
      }
    }
    const syslog = (model.services[INGEST].ports ?? []).map((p) => p.protocol).sort();
    expect(syslog).toEqual(['tcp', 'udp']);
  });
});
