import { existsSync } from 'node:fs';
import { run } from './run';
import { fromRoot } from './workspace';

export const INSTALL_SCRIPT = 'tools/deploy-checks/install-tools.sh';
export type ToolName = 'kustomize' | 'kubeconform' | 'promtool' | 'schemas' | 'hadolint' | 'compose';

/** Paths and versions printed by `install-tools.sh --print-env`. */
export interface ToolEnv {
  KUSTOMIZE: string;
  KUBECONFORM: string;
  PROMTOOL: string;
  HADOLINT: string;
  K8S_VERSION: string;
  SCHEMA_DIR: string;
  SCHEMA_LOCATION: string;
  [key: string]: string;
}

/** First run builds the Go tools: allow for it (cached runs take well under a second). */
export const INSTALL_TIMEOUT_MS = 15 * 60 * 1000;

function readToolEnv(): ToolEnv {
  const printed = run('bash', [fromRoot(INSTALL_SCRIPT), '--print-env']);
  if (printed.status !== 0) throw new Error(`${INSTALL_SCRIPT} --print-env failed: ${printed.stderr}`);
  const env: Record<string, string> = {};
  for (const line of printed.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env as ToolEnv;
}

/**
 * Installs (or finds in the cache) the named tools by running install-tools.sh, the same script
 * a developer runs by hand. With DATALAKE_DEPLOY_CHECKS_NO_INSTALL=1 nothing is installed and a
 * missing tool fails the test with the command to run.
 */
export function ensureTools(...tools: ToolName[]): ToolEnv {
  const hint = `Install the tools with: bash ${INSTALL_SCRIPT} ${tools.join(' ')}`;
  if (process.env['DATALAKE_DEPLOY_CHECKS_NO_INSTALL'] !== '1') {
    const result = run('bash', [fromRoot(INSTALL_SCRIPT), ...tools], {
      timeout: INSTALL_TIMEOUT_MS,
    });
    if (result.status !== 0) {
      throw new Error(
        `${INSTALL_SCRIPT} ${tools.join(' ')} failed (exit ${result.status}).\n${result.stderr}\n${hint}`,
      );
    }
  }
  const env = readToolEnv();
  const required: Record<ToolName, string | undefined> = {
    kustomize: env.KUSTOMIZE,
    kubeconform: env.KUBECONFORM,
    promtool: env.PROMTOOL,
    schemas: env.SCHEMA_DIR && `${env.SCHEMA_DIR}/.complete`,
    hadolint: env.HADOLINT,
    compose: undefined,
  };
  for (const tool of tools) {
    const path = required[tool];
    if (path && !existsSync(path)) throw new Error(`${tool} is not installed (${path} missing). ${hint}`);
  }
  return env;
}
