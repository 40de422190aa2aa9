import { execSync } from 'node:child_process';
import { joinPathFragments, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { recordNames, renamer, type RecordNames } from './names';
import type { RecordServiceSchema } from './schema';
import { consumerAppFiles, topicFolderFiles } from './templates';

const SCHEMAS_LIB = 'libs/kafka-schemas/src';
const REGISTRY = `${SCHEMAS_LIB}/lib/topic-registry.ts`;
const REGISTRY_MARKER = '  // @datalake/tools:record-service inserts new topics above this line';

/** Files copied from the template app with every spelling of its name replaced. */
const COPIED_FILES = [
  'project.json',
  'jest.config.cts',
  'eslint.config.mjs',
  'tsconfig.json',
  'tsconfig.app.json',
  'tsconfig.spec.json',
  'webpack.config.js',
  'src/assets/.gitkeep',
  'src/main.ts',
];

/**
 * How a registration line gets the new app: `copy` inserts the renamed line after it; `inline` adds
 * the new name after the template's on that line; `topics` adds the topic and its DLQ to a
 * space-separated topic list.
 */
type Mode = 'copy' | 'inline' | 'topics';

/** Lines naming the template app (or topic) that a new app needs beside them. */
const REGISTRATIONS: { path: string; find: (n: RecordNames) => string; mode: Mode }[] = [
  { path: 'apps/api-gateway/src/app/gateway.env.ts', find: (n) => `${n.constant}_SERVICE_URL:`, mode: 'copy' },
  // `  | 'transactions-consumer';`, a member of the UpstreamName union (one per line, as Prettier writes it)
  { path: 'apps/api-gateway/src/app/upstream/upstreams.ts', find: (n) => `  | '${n.app}'`, mode: 'inline' },
  { path: 'apps/api-gateway/src/app/upstream/upstreams.ts', find: (n) => `'${n.app}': client(`, mode: 'copy' },
  { path: 'k8s/base/kustomization.yaml', find: (n) => `  - ${n.app}.yaml`, mode: 'copy' },
  { path: 'k8s/base/kustomization.yaml', find: (n) => `${n.constant}_SERVICE_URL=`, mode: 'copy' },
  { path: 'tools/deploy-checks/src/lib/workspace.ts', find: (n) => `{ app: '${n.app}'`, mode: 'copy' },
  { path: 'tools/deploy-checks/src/lib/workspace.ts', find: (n) => `  '${n.app}',`, mode: 'copy' },
  { path: 'tools/deploy-checks/src/lib/workspace.ts', find: () => 'export const TOPICS = [', mode: 'inline' },
  { path: 'libs/testing/src/lib/service-table.ts', find: (n) => `  '${n.app}'`, mode: 'copy' },
  { path: 'docker/healthcheck.js', find: (n) => `'${n.app}': [`, mode: 'copy' },
  { path: 'tools/scripts/start.sh', find: (n) => `    ${n.app}) echo`, mode: 'copy' },
  { path: 'tools/scripts/start.sh', find: () => 'APPS=(', mode: 'inline' },
  // space-separated topic lists of the topic-creating jobs: `… transactions … transactions.dlq`
  { path: 'k8s/base/kafka-topics-job.yaml', find: (n) => ` ${n.topic}.dlq`, mode: 'topics' },
  { path: 'docker/compose.yaml', find: (n) => ` ${n.topic}.dlq`, mode: 'topics' },
];

/** What the generator cannot write safely (multi-line blocks of deployment files): printed as a checklist. */
export const MANUAL_STEPS = (n: RecordNames, port: number): string[] => [
  `docker/compose.yaml: a "${n.app}" service (copy the template's block) and its URL ${n.constant}_SERVICE_URL for the gateway`,
  `docker/prometheus/prometheus.yml: a scrape job for ${n.app}:${port}`,
  `k8s/base/hpa.yaml, pdb.yaml, networkpolicies.yaml and k8s/overlays/*/kustomization.yaml: the template's blocks for ${n.app}`,
  `.env.example: ${n.constant}_PORT=${port} and ${n.constant}_SERVICE_URL=http://127.0.0.1:${port}`,
  `libs/dto/src/lib/records/record-dtos.ts: a list query DTO with the filters of ${n.key}Definition (until then: paging and from/to only)`,
];

/** A line-level edit of a registration file (idempotent); false when its anchor is missing. */
function register(
  tree: Tree,
  path: string,
  anchor: string,
  mode: Mode,
  rename: (text: string) => string,
  template: RecordNames,
  names: RecordNames,
): boolean {
  if (!tree.exists(path)) return false;
  const lines = (tree.read(path, 'utf-8') ?? '').split('\n');
  const found = lines.filter((line) => line.includes(anchor));
  if (found.length === 0) return false;
  if (mode === 'topics') {
    for (const line of found) {
      if (line.includes(` ${names.topic}.dlq`)) continue;
      const listed = line
        .replace(` ${template.topic} `, ` ${template.topic} ${names.topic} `)
        .replace(` ${template.topic}.dlq`, ` ${template.topic}.dlq ${names.topic}.dlq`);
      lines[lines.indexOf(line)] = listed;
    }
  } else if (mode === 'copy') {
    for (const line of found) {
      const copy = rename(line);
      if (!lines.includes(copy)) lines.splice(lines.indexOf(line) + 1, 0, copy);
    }
  } else {
    const index = lines.indexOf(found[0]);
    const line = lines[index];
    if (line.includes(names.app) || line.includes(`'${names.topic}'`)) return true;
    const after = (from: string, to: string) => {
      const union = /^\s*\|/.test(line) || line.includes(`' | '`);
      const separator = union ? ' | ' : line.includes(`', '`) ? ', ' : ' ';
      return line.replace(from, `${from}${separator}${to}`);
    };
    if (line.includes(`'${template.app}'`)) lines[index] = after(`'${template.app}'`, `'${names.app}'`);
    else if (line.includes(`'${template.topic}'`)) lines[index] = after(`'${template.topic}'`, `'${names.topic}'`);
    else if (line.includes(` ${template.app} `)) lines[index] = after(` ${template.app}`, names.app);
    else return false;
  }
  tree.write(path, lines.join('\n'));
  return true;
}

/** Lists a topic folder in the registry and the lib's index (idempotent). */
function registerTopic(tree: Tree, n: RecordNames): void {
  const registry = tree.read(REGISTRY, 'utf-8');
  if (!registry?.includes(REGISTRY_MARKER)) throw new Error(`${REGISTRY} has no line "${REGISTRY_MARKER.trim()}"`);
  if (!registry.includes(`${n.key}Topic,`)) {
    const importLine = `import { ${n.key}Topic } from './${n.resource}/${n.resource}.topic';\n`;
    const lastImport = registry.lastIndexOf('\nimport ') + 1;
    const afterImports = registry.indexOf('\n', lastImport) + 1;
    tree.write(
      REGISTRY,
      (registry.slice(0, afterImports) + importLine + registry.slice(afterImports)).replace(
        REGISTRY_MARKER,
        `  ${n.key}Topic,\n${REGISTRY_MARKER}`,
      ),
    );
  }
  const indexPath = `${SCHEMAS_LIB}/index.ts`;
  const index = tree.read(indexPath, 'utf-8') ?? '';
  const exports = [
    `export * from './lib/${n.resource}/${n.resource}.catalogue';`,
    `export * from './lib/${n.resource}/${n.resource}.payload';`,
  ];
  const missing = exports.filter((line) => !index.includes(line));
  if (missing.length > 0) tree.write(indexPath, `${index.trimEnd()}\n${missing.join('\n')}\n`);
}

/** The highest default port of an existing consumer, plus one. */
function nextPort(tree: Tree): number {
  const ports = tree
    .children('apps')
    .filter((app) => app.endsWith('-consumer') && tree.exists(`apps/${app}/src/main.ts`))
    .map((app) => Number(/defaultPort:\s*(\d+)/.exec(tree.read(`apps/${app}/src/main.ts`, 'utf-8') ?? '')?.[1] ?? 0));
  return Math.max(3013, ...ports) + 1;
}

export async function recordServiceGenerator(tree: Tree, options: RecordServiceSchema): Promise<GeneratorCallback> {
  const names = recordNames(options.name, options);
  const template = recordNames((options.template ?? 'transactions-consumer').replace(/-consumer$/, ''));
  const templateRoot = `apps/${template.app}`;
  const appRoot = `apps/${names.app}`;
  if (!tree.exists(`${templateRoot}/project.json`)) throw new Error(`template app ${templateRoot} not found`);
  if (tree.exists(`${appRoot}/project.json`)) throw new Error(`${appRoot} exists already`);
  const templatePort = Number(
    /defaultPort:\s*(\d+)/.exec(tree.read(`${templateRoot}/src/main.ts`, 'utf-8') ?? '')?.[1],
  );
  const port = options.port ?? nextPort(tree);
  const renameNames = renamer(template, names);
  const rename = (text: string) =>
    renameNames(Number.isFinite(templatePort) ? text.split(String(templatePort)).join(String(port)) : text);

  // 1. The topic folder: scaffolded when missing (edit its fields afterwards), listed in the registry.
  const topicDir = `${SCHEMAS_LIB}/lib/${names.resource}`;
  if (!tree.exists(`${topicDir}/${names.resource}.topic.ts`)) {
    for (const [file, content] of Object.entries(topicFolderFiles(names)))
      tree.write(joinPathFragments(topicDir, file), content);
  }
  registerTopic(tree, names);

  // 2. The consumer app: the template's configuration and main.ts renamed, its own definition and transform.
  for (const file of COPIED_FILES) {
    const source = joinPathFragments(templateRoot, file);
    if (!tree.exists(source)) continue;
    const content = rename(tree.read(source, 'utf-8') ?? '');
    const leftover = new RegExp(template.typeName, 'i').exec(content);
    if (leftover)
      throw new Error(`${source}: "${leftover[0]}" is not a spelling of the app's name; update the generator`);
    tree.write(joinPathFragments(appRoot, file), content);
  }
  for (const [file, content] of Object.entries(consumerAppFiles(names)))
    tree.write(joinPathFragments(appRoot, file), content);

  // 3. Registrations beside the template's lines; the k8s manifest is the template's, renamed.
  const manual = MANUAL_STEPS(names, port);
  for (const { path, find, mode } of REGISTRATIONS) {
    const done = register(tree, path, find(template), mode, rename, template, names);
    if (!done) manual.push(`${path}: add ${names.app} beside ${template.app} (its line was not found)`);
  }
  const manifest = `k8s/base/${template.app}.yaml`;
  if (tree.exists(manifest)) tree.write(`k8s/base/${names.app}.yaml`, rename(tree.read(manifest, 'utf-8') ?? ''));

  return () => {
    logger.info(
      `${names.app} created on port ${port}. Still by hand:\n${manual.map((step) => `  - ${step}`).join('\n')}`,
    );
    if (!options.skipCatalogueJson) {
      logger.info('Rewriting libs/kafka-schemas/catalogue.json (the catalogue spec checks the new folder too):');
      execSync('npx jest --ci libs/kafka-schemas/src/lib/catalogue', {
        stdio: 'inherit',
        env: { ...process.env, TEST_TIER: 'unit', UPDATE_CATALOGUE_JSON: '1' },
      });
    }
  };
}

export default recordServiceGenerator;
