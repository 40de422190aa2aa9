// Lints source texts as if they were files at the given workspace paths, with the root ESLint
// config. Input (stdin): [{ name, filePath, code }]; output: the file named by the first argument,
// JSON { results: [{ name, messages }], depConstraints }. It runs in a process of its own because
// ESLint loads its flat config with import(), which Jest's module sandbox does not provide. The
// files never exist on disk, so `nx lint` never sees them.
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
const cases = JSON.parse(readFileSync(0, 'utf8'));

// @nx/enforce-module-boundaries reads the cached project graph and skips itself when there is
// none: compute it first (fresh, so the tags in the project.json files are the current ones).
await createProjectGraphAsync({ exitOnError: true });

const configFile = join(root, 'eslint.config.mjs');
const { depConstraints } = await import(pathToFileURL(configFile).href);
const eslint = new ESLint({ cwd: root, overrideConfigFile: configFile });
const results = [];
for (const { name, filePath, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  results.push({ name, messages: result.messages.map(({ ruleId, message }) => ({ ruleId, message })) });
}
writeFileSync(process.argv[2], JSON.stringify({ results, depConstraints }));
