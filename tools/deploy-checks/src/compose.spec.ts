import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandExists, run, type RunResult } from './lib/run';
import { ensureTools, INSTALL_SCRIPT, INSTALL_TIMEOUT_MS } from './lib/tools';
import { parse } from 'yaml';
import { ALL_TOPICS, GATEWAY, INGEST, readEnvExample, readRootFile, SERVICES } from './lib/workspace';

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[] }[];
}

/** Fails unless Prometheus scrapes each service on its management port, and only there. */
function scrapeTargetProblems(config: { scrape_configs?: ScrapeConfig[] }): string[] {
  const problems: string[] = [];
  for (const { app, managementPort } of SERVICES) {
    const job = (config.scrape_configs ?? []).find((c) => c.job_name === app);
    const targets = (job?.static_configs ?? []).flatMap((c) => c.targets);
    if (targets.length === 0) problems.push(`${app}: not scraped`);
    for (const target of targets) {
      if (target !== `${app}:${managementPort}`)
        problems.push(`${app}: scraped at ${target}, not ${app}:${managementPort}`);
    }
  }
  return problems;
}

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
        INTERNAL_TOKEN_SECRET: 'y'.repeat(40),
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
      writeFileSync(envFile, `ADMIN_PASSWORD=test-only-password\nINTERNAL_TOKEN_SECRET=${'y'.repeat(40)}\n`);
      const result = compose(['config', '-q'], envFile);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('JWT_SECRET');
      // Nor without the internal token key.
      writeFileSync(envFile, `ADMIN_PASSWORD=test-only-password\nJWT_SECRET=${'x'.repeat(40)}\n`);
      const internal = compose(['config', '-q'], envFile);
      expect(internal.status).not.toBe(0);
      expect(internal.stderr).toContain('INTERNAL_TOKEN_SECRET');
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

  it('keeps the management ports on the compose network: exposed, never published, probed by the healthcheck', () => {
    for (const { app, managementVar, managementPort } of SERVICES) {
      const service = model.services[app] as ComposeService & { expose?: string[] };
      expect({ app, port: service.environment?.[managementVar] }).toEqual({ app, port: String(managementPort) });
      expect(service.expose ?? []).toContain(String(managementPort));
      expect((service.ports ?? []).map((p) => p.target)).not.toContain(managementPort);
      // docker/healthcheck.js probes the management port (checked in dockerfile.spec.ts).
      expect(service.healthcheck?.test).toEqual(['CMD', 'node', '/usr/local/lib/datalake/healthcheck.js', 'ready']);
    }
  });
});

describe('docker/prometheus/prometheus.yml', () => {
  const config = () => parse(readRootFile('docker/prometheus/prometheus.yml')) as { scrape_configs?: ScrapeConfig[] };

  it('scrapes every service on its management port only', () => {
    expect(scrapeTargetProblems(config())).toEqual([]);
  });

  it('fails when a service is scraped on its API port (mutation)', () => {
    const mutated = config();
    const gateway = (mutated.scrape_configs ?? []).find((c) => c.job_name === GATEWAY) as ScrapeConfig;
    (gateway.static_configs ?? [])[0].targets = [`${GATEWAY}:3000`];
    expect(scrapeTargetProblems(mutated)).toEqual([expect.stringContaining('scraped at api-gateway:3000')]);
  });
});
