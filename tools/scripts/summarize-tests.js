#!/usr/bin/env node
// Totals Jest JSON results over all tiers into the one line CI reads: "N passed, N failed".
// Steps that failed outside Jest (lint, build) and suites that failed to run count as failures.
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const [dir, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
  const result = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const brokenSuites = result.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  );
  passed += result.numPassedTests;
  failed += result.numFailedTests + brokenSuites.length;
  console.log(
    `${file.replace('.json', '')}: ${result.numPassedTests} passed, ${result.numFailedTests} failed` +
      (brokenSuites.length ? `, ${brokenSuites.length} suite(s) could not run` : ''),
  );
}
// A tier that failed without writing its results (e.g. its servers did not start) is one failure.
const tiersWithoutResults = failedSteps.filter(
  (step) => step.endsWith(' tests') && !existsSync(join(dir, `${step.replace(/ tests$/, '')}.json`)),
);
const nonJest = [...failedSteps.filter((step) => !step.endsWith('tests')), ...tiersWithoutResults];
for (const step of nonJest) console.log(`${step}: failed`);
failed += nonJest.length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || failedSteps.length > 0 ? 1 : 0);
