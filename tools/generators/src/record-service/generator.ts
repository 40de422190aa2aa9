import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { joinPathFragments, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import { cloneByExample, type Example } from './clone-by-example';
import { recordNames, renamer, type RecordNames } from './names';
import type { RecordServiceSchema } from './schema';
import { consumerAppFiles, topicFolderFiles } from './templates';

/** Management port = HTTP port + this offset (3013 -> 9013), as the deployment files write it. */
const MANAGEMENT_OFFSET = 6000;
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
 * Where a new consumer needs its own entries: every file here gets, beside each piece that belongs
 * to the template app, a renamed copy (clone-by-example, see clone-by-example.ts). Folders are
 * walked, so a file or a per-service block added there later is covered without touching this list.
 */
const DEPLOYMENT_PATHS = [
  'docker',
  'k8s',
  '.env.example',
  'apps/api-gateway/src/app/gateway.env.ts',
  'apps/api-gateway/src/app/upstream/upstreams.ts',
  'apps/api-gateway/src/app/admin/readiness-urls.ts',
  'tools/deploy-checks/src/lib/workspace.ts',
  'libs/testing/src/lib/service-table.ts',
  'tools/scripts',
];
/** Markdown whose tables and service lists name each service (rows cloned like configuration). */
const MARKDOWN_TABLES = ['k8s/README.md'];
const TEST_FIXTURE = /(\/tests?\/|\.(test|spec)\.)/;
const TEXT_FILE = /(\.(ya?ml|js|cjs|mjs|ts|json|sh|md|conf|env|example|properties|txt)|Dockerfile)$/;

/** What the generator leaves to people: the data type's own code and optional prose. */
export const MANUAL_STEPS = (n: RecordNames): string[] => [
  `libs/kafka-schemas/src/lib/${n.resource}: the fields, their validation and the natural key (the folder is a starting point)`,
  `apps/${n.app}/src/app/${n.resource}.definition.ts: transform, filters, indexes, applyUpdate; libs/dto record-dtos.ts: a list query DTO when it filters (until then: paging and from/to only)`,
  `optional: prose mentioning the data types (README.md introduction and diagram, docs/*.md)`,
];

/** Every text file under the deployment paths (the template app's own files are copied, not edited). */
function deploymentFiles(tree: Tree): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    if (!tree.exists(path)) return;
    if (tree.isFile(path)) {
      // Test fixtures (promtool alert tests…) describe scenarios, not the services: left alone.
      if (TEXT_FILE.test(path) && !TEST_FIXTURE.test(path)) files.push(path);
      return;
    }
    for (const child of tree.children(path)) walk(`${path}/${child}`);
  };
  for (const path of DEPLOYMENT_PATHS) walk(path);
  return files;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A mention of a name spelling, not part of a longer word (`TRANSACTIONS_PORT` yes, `KAFKA_TRANSACTION_` no). */
function spellings(forms: string[]): string {
  const unique = [...new Set(forms)].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return `(?<![A-Za-z0-9])(?:${unique.join('|')})(?![a-z0-9])`;
}

/** The template app and every other app, as clone-by-example sees them. */
function exampleOf(tree: Tree, template: RecordNames, names: RecordNames, rename: (text: string) => string): Example {
  const forms = (n: RecordNames) => [n.app, n.resource, n.topic, n.key, n.constant];
  const others = tree
    .children('apps')
    .filter((app) => app !== template.app && app !== names.app && tree.exists(`apps/${app}/project.json`));
  const consumers = others.filter((app) => app.endsWith('-consumer'));
  const peers = consumers.flatMap((app) => forms(recordNames(app.replace(/-consumer$/, ''))));
  return {
    mentions: new RegExp(spellings(forms(template))),
    siblings: new RegExp(spellings([...others, ...peers])),
    peers: new RegExp(spellings(peers)),
    rename,
  };
}

/**
 * Prettier over the files written, as `npx nx format:write` would: the repository's config and
 * .prettierignore (Markdown, generated JSON), which Nx's `formatFiles` does not read.
 */
async function formatWritten(tree: Tree): Promise<void> {
  const prettier = await import('prettier');
  const ignorePath = join(tree.root, '.prettierignore');
  for (const change of tree.listChanges()) {
    if (change.type === 'DELETE') continue;
    const file = join(tree.root, change.path);
    const info = await prettier.getFileInfo(file, { ignorePath });
    if (info.ignored || !info.inferredParser) continue;
    const config = (await prettier.resolveConfig(file)) ?? {};
    const text = tree.read(change.path, 'utf-8') ?? '';
    const formatted = await prettier.format(text, { ...config, filepath: file });
    if (formatted !== text) tree.write(change.path, formatted);
  }
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
  // Management port (/metrics, /health/*): the template's offset from its HTTP port (9013 - 3013).
  const managementPort = options.managementPort ?? port + MANAGEMENT_OFFSET;
  const ports: [number, number][] = Number.isFinite(templatePort)
    ? [
        [templatePort, port],
        [templatePort + MANAGEMENT_OFFSET, managementPort],
      ]
    : [];
  const renameNames = renamer(template, names);
  const rename = (text: string) =>
    ports.reduce(
      (result, [from, to]) => result.replace(new RegExp(`(?<!\\d)${from}(?!\\d)`, 'g'), String(to)),
      renameNames(text),
    );

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

  // 3. Deployment and configuration: each piece of the template app's, cloned beside it, renamed.
  const example = exampleOf(tree, template, names, rename);
  for (const path of deploymentFiles(tree)) {
    if (path.includes(template.app)) {
      const target = path.split(template.app).join(names.app);
      if (!tree.exists(target)) tree.write(target, rename(tree.read(path, 'utf-8') ?? ''));
      continue;
    }
    const text = tree.read(path, 'utf-8') ?? '';
    if (MARKDOWN_TABLES.includes(path) || path.endsWith('.md')) continue;
    const cloned = cloneByExample(text, example, { yaml: /\.ya?ml$/.test(path) });
    if (cloned !== text) tree.write(path, cloned);
  }
  for (const path of MARKDOWN_TABLES) {
    const text = tree.exists(path) ? (tree.read(path, 'utf-8') ?? '') : '';
    const cloned = cloneByExample(text, example, { markdown: true });
    if (cloned !== text) tree.write(path, cloned);
  }
  if (!options.skipFormat) await formatWritten(tree);
  const manual = MANUAL_STEPS(names);

  return () => {
    logger.info(
      `${names.app} created on port ${port} (management ${managementPort}). Still by hand:\n${manual.map((step) => `  - ${step}`).join('\n')}`,
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
