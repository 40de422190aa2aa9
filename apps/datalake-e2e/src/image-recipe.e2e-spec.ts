import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, getTestInfra, waitFor, WORKSPACE_ROOT } from '@datalake/testing';

/**
 * No Docker engine runs here, so the image recipe is replayed by hand: the runtime stage's folder
 * is rebuilt (the app's bundle plus `npm ci --omit=dev` of its generated package.json, as the
 * prod-deps stage does) and started with the Dockerfile's CMD and ENV, outside the workspace so no
 * workspace node_modules can help it.
 */
describe('docker/Dockerfile recipe, replayed without an engine', () => {
  const app = 'api-gateway';
  let root: string;
  let folder: string;

  afterAll(() => root && rmSync(root, { recursive: true, force: true }));

  it(`runs the ${app} bundle with production dependencies only, via the image's CMD and ENV`, async () => {
    const dockerfile = readFileSync(join(WORKSPACE_ROOT, 'docker/Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('AS runtime'));
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(runtime)?.[1] ?? 'null') as string[];
    const envBlock = /^ENV ((?:.*\\\n)*.*)$/m.exec(runtime)?.[1] ?? '';
    const imageEnv = Object.fromEntries(
      [...envBlock.matchAll(/([A-Z_]+)=(\S+)/g)].map(([, key, value]) => [key, value.replace('${APP}', app)]),
    );
    expect(cmd).toEqual(['node', 'main.js']);
    expect(imageEnv['NODE_ENV']).toBe('production');

    // The image's root: WORKDIR /app holds the bundle, /console the built console (gateway only).
    root = mkdtempSync(join(tmpdir(), 'datalake-image-'));
    folder = join(root, 'app');
    cpSync(join(WORKSPACE_ROOT, 'dist', 'apps', app), folder, { recursive: true });
    cpSync(join(WORKSPACE_ROOT, 'dist', 'apps', 'console'), join(root, 'console'), { recursive: true });
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: folder,
      stdio: 'pipe',
    });

    const infra = await getTestInfra();
    const [port, managementPort] = await freePorts(2);
    const child = spawn(cmd[0] === 'node' ? process.execPath : cmd[0], cmd.slice(1), {
      cwd: folder,
      env: {
        PATH: process.env['PATH'],
        ...imageEnv,
        GATEWAY_PORT: String(port),
        GATEWAY_MANAGEMENT_PORT: String(managementPort),
        KAFKA_BOOTSTRAP_SERVERS: infra.kafkaBrokers.join(','),
        MONGO_URI: infra.mongoUri,
        JWT_SECRET: randomBytes(32).toString('hex'),
        INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    try {
      const live = await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output.slice(-1500)}`);
          const response = await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined);
          return response?.status === 200 ? response : undefined;
        },
        { timeoutMs: 60000, description: `${app} from its image folder` },
      );
      expect(live.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/docs-json`)).status).toBe(200);
      const consolePage = await fetch(`http://127.0.0.1:${port}/console/`);
      expect(consolePage.status).toBe(200);
      expect(consolePage.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await consolePage.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
