import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { run, type RunResult } from './run';
import type { ToolEnv } from './tools';

/** The file name the promtool test files list under rule_files. */
export const RULES_FILE = 'datalake-rules.yaml';

/**
 * Writes the rule groups (the `spec.groups` of a PrometheusRule) as a Prometheus rule file beside
 * the unit-test file and runs `promtool check rules` and `promtool test rules` on them.
 */
export function promtoolTest(
  tools: ToolEnv,
  groups: unknown[],
  testFile: string,
): { check: RunResult; test: RunResult } {
  const dir = mkdtempSync(join(tmpdir(), 'datalake-promtool-'));
  try {
    writeFileSync(join(dir, RULES_FILE), stringify({ groups }));
    writeFileSync(join(dir, 'alerts.test.yaml'), testFile);
    const check = run(tools.PROMTOOL, ['check', 'rules', join(dir, RULES_FILE)]);
    const test = run(tools.PROMTOOL, ['test', 'rules', join(dir, 'alerts.test.yaml')]);
    return { check, test };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
