import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MANAGEMENT_PORT_VARIABLE, type AppName } from './service-table';
import { waitFor } from './wait-for';

export interface ServiceProcess {
  name: string;
  url: string;
  port: number;
  /** Where `/metrics` and `/health/ready` answer (the public port serves neither). */
  managementUrl: string;
  managementPort: number;
  process: ChildProcess;
  /** Everything the service printed, for assertions on logs. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * Starts a built service bundle (`dist/apps/<app>/main.js`, as the Dockerfile runs it) and waits
 * until `/health/ready` on its management port answers 200. The management port is the one `env`
 * gives (e.g. TRANSACTIONS_MANAGEMENT_PORT), else a free one.
 */
export async function startServiceProcess(
  app: string,
  port: number,
  env: Record<string, string>,
  readyTimeoutMs = 60000,
): Promise<ServiceProcess> {
  const main = join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js');
  const managementVariable = MANAGEMENT_PORT_VARIABLE[app as AppName];
  const given = managementVariable ? Number(env[managementVariable]) : NaN;
  const managementPort = Number.isInteger(given) && given > 0 ? given : await freePort();
  if (managementVariable) env = { ...env, [managementVariable]: String(managementPort) };
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first with \`npx nx build ${app}\``);
  const child = spawn(process.execPath, [main], {
    cwd: WORKSPACE_ROOT,
    // A key of its own unless given: a service does not start without one (tests that call it pass theirs).
    env: { ...process.env, LOG_LEVEL: 'info', INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const managementUrl = `http://127.0.0.1:${managementPort}`;
  const service: ServiceProcess = {
    name: app,
    url,
    port,
    managementUrl,
    managementPort,
    process: child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}: ${output.slice(-2000)}`);
        const response = await fetch(`${managementUrl}/health/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 300, description: `${app} to be ready on ${url}` },
    );
  } catch (error) {
    await service.stop('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${app} output ---\n${output.slice(-3000)}`);
  }
  return service;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}

/**
 * `count` distinct free TCP ports: every probe stays bound until all are chosen, so the kernel
 * cannot hand out the same port twice (two services given one port would answer each other's
 * readiness probe while the second one dies with EADDRINUSE).
 */
export async function freePorts(count: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
              const address = server.address();
              resolve(typeof address === 'object' && address ? address.port : 0);
            });
          }),
      ),
    );
  } finally {
    await Promise.all(
      servers.map(
        (server) => new Promise((resolve) => (server.listening ? server.close(resolve) : resolve(undefined))),
      ),
    );
  }
}
