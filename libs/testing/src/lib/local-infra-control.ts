import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from './service-process';

const run = promisify(execFile);

/** The "faults" instance of tools/infra/local-infra.sh: the only servers a test may stop or pause. */
export const FAULTS_INSTANCE = { kafka: '127.0.0.1:29092', mongoUri: 'mongodb://127.0.0.1:27019' } as const;

/**
 * Stops, starts and pauses the servers of the local "faults" infra instance, for fault scenarios.
 * It refuses to work when the tests point at any other Kafka or MongoDB: the dev and test
 * instances are shared and must never be disturbed.
 */
export class LocalInfraControl {
  private readonly script = join(WORKSPACE_ROOT, 'tools', 'infra', 'local-infra.sh');

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const kafka = env['KAFKA_BOOTSTRAP_SERVERS'] ?? '';
    const mongo = (env['MONGO_URI'] ?? '').replace(/\/$/, '');
    if (kafka !== FAULTS_INSTANCE.kafka || mongo !== FAULTS_INSTANCE.mongoUri) {
      throw new Error(
        `fault scenarios stop and pause servers, so they run only on the faults instance (KAFKA_BOOTSTRAP_SERVERS=${FAULTS_INSTANCE.kafka} ` +
          `MONGO_URI=${FAULTS_INSTANCE.mongoUri}, started by \`npm run test:faults\`), not on ${kafka || '(unset)'} / ${mongo || '(unset)'}`,
      );
    }
  }

  /** Starts whatever of the instance is not running and waits until both servers answer. */
  up(): Promise<void> {
    return this.infra('up');
  }

  stopKafka(): Promise<void> {
    return this.infra('stop', 'kafka');
  }

  stopMongo(): Promise<void> {
    return this.infra('stop', 'ferretdb');
  }

  /** SIGKILL: the server crashes; its connections are cut at once. */
  killMongo(): Promise<void> {
    return this.infra('kill', 'ferretdb');
  }

  /** SIGSTOP: the server keeps its connections open and answers nothing. */
  pauseMongo(): Promise<void> {
    return this.infra('pause', 'ferretdb');
  }

  resumeMongo(): Promise<void> {
    return this.infra('resume', 'ferretdb');
  }

  private async infra(...args: string[]): Promise<void> {
    await run('bash', [this.script, ...args], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, DATALAKE_INFRA_INSTANCE: 'faults' },
      timeout: 180_000,
    });
  }
}
