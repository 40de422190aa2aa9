import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { WORKSPACE_ROOT } from './workspace';

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The command line, for failure messages. */
  command: string;
}

export function run(command: string, args: string[], options: SpawnSyncOptions = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: WORKSPACE_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code !== 'ENOENT') throw result.error;
  return {
    status: result.error ? null : result.status,
    stdout: String(result.stdout ?? ''),
    stderr: result.error ? String(result.error.message) : String(result.stderr ?? ''),
    command: [command, ...args].join(' '),
  };
}

/** Runs a command that must succeed; the error carries its output. */
export function runOk(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = run(command, args, options);
  if (result.status !== 0) {
    throw new Error(`\`${result.command}\` exited ${result.status}\n${result.stderr}\n${result.stdout}`.trim());
  }
  return result.stdout;
}

export function commandExists(command: string): boolean {
  return run('sh', ['-c', `command -v "${command}"`]).status === 0;
}
