import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as ts from 'typescript';
import { recordServiceGenerator } from './generator';
import { recordNames, renamer } from './names';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** Real files the generator reads: the template app, the topic registry and the registration files. */
const INPUTS = [
  'apps/transactions-consumer',
  'apps/network-logs-consumer/src/main.ts',
  'libs/kafka-schemas/src/index.ts',
  'libs/kafka-schemas/src/lib/topic-registry.ts',
  'apps/api-gateway/src/app/gateway.env.ts',
  'apps/api-gateway/src/app/upstream/upstreams.ts',
  'k8s/base/kustomization.yaml',
  'k8s/base/transactions-consumer.yaml',
  'tools/deploy-checks/src/lib/workspace.ts',
  'libs/testing/src/lib/service-table.ts',
  'docker/healthcheck.js',
  'tools/scripts/start.sh',
  'k8s/base/kafka-topics-job.yaml',
  'docker/compose.yaml',
];

function copyIntoTree(tree: Tree, path: string): void {
  const absolute = join(ROOT, path);
  if (statSync(absolute).isDirectory()) {
    for (const entry of readdirSync(absolute)) copyIntoTree(tree, `${path}/${entry}`);
  } else tree.write(path, readFileSync(absolute));
}

/** Type-checks files as the workspace would after the generator ran: the tree's files over the real ones. */
function typeErrors(tree: Tree, tsconfig: string, roots?: string[]): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, tsconfig),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error('no tsconfig');
  const host = ts.createCompilerHost(parsed.options);
  const fromTree = (file: string) => {
    const path = relative(ROOT, file);
    return !path.startsWith('..') && tree.exists(path) && tree.isFile(path)
      ? (tree.read(path, 'utf-8') ?? undefined)
      : undefined;
  };
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => fromTree(file) ?? readFile(file);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => fromTree(file) !== undefined || fileExists(file);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (directory) => {
    const path = relative(ROOT, directory);
    return (!path.startsWith('..') && tree.children(path).length > 0) || (directoryExists?.(directory) ?? true);
  };
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError) => {
    const text = fromTree(file);
    return text !== undefined ? ts.createSourceFile(file, text, language) : getSourceFile(file, language, onError);
  };
  const files = roots ? roots.map((root) => join(ROOT, root)) : parsed.fileNames;
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('record-service generator', () => {
  let tree: Tree;

  beforeAll(async () => {
    tree = createTreeWithEmptyWorkspace();
    for (const input of INPUTS) copyIntoTree(tree, input);
    await recordServiceGenerator(tree, { name: 'sensor-readings', skipCatalogueJson: true });
  });

  it('names everything from the resource name', () => {
    expect(recordNames('sensor-readings')).toEqual({
      resource: 'sensor-readings',
      topic: 'sensor_readings',
      key: 'sensorReadings',
      constant: 'SENSOR_READINGS',
      typeName: 'SensorReading',
      title: 'sensor reading',
      app: 'sensor-readings-consumer',
    });
    const rename = renamer(recordNames('transactions'), recordNames('sensor-readings'));
    expect(
      rename(
        `import { transactionsDefinition } from './app/transactions.definition'; TRANSACTIONS_PORT 'transactions-consumer' TOPICS.transactions; Topic transactions`,
      ),
    ).toBe(
      `import { sensorReadingsDefinition } from './app/sensor-readings.definition'; SENSOR_READINGS_PORT 'sensor-readings-consumer' TOPICS.sensorReadings; Topic sensor_readings`,
    );
  });

  it('scaffolds the topic folder and lists it in the registry and the index', () => {
    for (const file of ['catalogue', 'payload', 'topic']) {
      expect(tree.exists(`libs/kafka-schemas/src/lib/sensor-readings/sensor-readings.${file}.ts`)).toBe(true);
    }
    const registry = tree.read('libs/kafka-schemas/src/lib/topic-registry.ts', 'utf-8');
    expect(registry).toContain(`import { sensorReadingsTopic } from './sensor-readings/sensor-readings.topic';`);
    expect(registry).toMatch(/transactionsTopic,\n {2}sensorReadingsTopic,\n {2}\/\/ @datalake\/tools:record-service/);
    expect(tree.read('libs/kafka-schemas/src/index.ts', 'utf-8')).toContain(
      `export * from './lib/sensor-readings/sensor-readings.catalogue';`,
    );
  });

  it('creates the consumer app from the template app, renamed, on the next port', () => {
    const project = JSON.parse(tree.read('apps/sensor-readings-consumer/project.json', 'utf-8') ?? '{}');
    expect(project.name).toBe('sensor-readings-consumer');
    expect(project.tags).toEqual(
      JSON.parse(readFileSync(join(ROOT, 'apps/transactions-consumer/project.json'), 'utf8')).tags,
    );
    const main = tree.read('apps/sensor-readings-consumer/src/main.ts', 'utf-8');
    expect(main).toContain('sensorReadingsDefinition');
    expect(main).toContain('SENSOR_READINGS_PORT');
    expect(main).toContain('3014');
    for (const file of [
      'jest.config.cts',
      'tsconfig.app.json',
      'webpack.config.js',
      'src/app/sensor-readings.definition.ts',
    ]) {
      expect(tree.exists(`apps/sensor-readings-consumer/${file}`)).toBe(true);
    }
  });

  it('registers the app beside the template app: gateway, k8s base, deploy checks, e2e stack, start script', () => {
    const read = (path: string) => tree.read(path, 'utf-8') ?? '';
    expect(read('apps/api-gateway/src/app/gateway.env.ts')).toContain(
      `SENSOR_READINGS_SERVICE_URL: string = 'http://127.0.0.1:3014';`,
    );
    expect(read('apps/api-gateway/src/app/upstream/upstreams.ts')).toContain(
      `| 'transactions-consumer' | 'sensor-readings-consumer'`,
    );
    expect(read('apps/api-gateway/src/app/upstream/upstreams.ts')).toContain(
      `'sensor-readings-consumer': client('sensor-readings-consumer', env.SENSOR_READINGS_SERVICE_URL),`,
    );
    expect(read('k8s/base/kustomization.yaml')).toContain('  - sensor-readings-consumer.yaml');
    expect(read('k8s/base/kustomization.yaml')).toContain(
      'SENSOR_READINGS_SERVICE_URL=http://sensor-readings-consumer:3014',
    );
    expect(read('k8s/base/sensor-readings-consumer.yaml')).not.toMatch(/transaction|3013/i);
    expect(read('tools/deploy-checks/src/lib/workspace.ts')).toContain(`'transactions', 'sensor_readings'`);
    expect(read('libs/testing/src/lib/service-table.ts')).toContain(
      `'sensor-readings-consumer': 'SENSOR_READINGS_PORT'`,
    );
    expect(read('tools/scripts/start.sh')).toContain('transactions-consumer sensor-readings-consumer');
    for (const jobs of ['k8s/base/kafka-topics-job.yaml', 'docker/compose.yaml']) {
      expect(read(jobs)).toContain(' transactions sensor_readings network_logs.dlq');
      expect(read(jobs)).toMatch(/ transactions\.dlq sensor_readings\.dlq$/m);
    }
  });

  it('is idempotent for registrations and refuses an existing app', async () => {
    const before = tree.read('k8s/base/kustomization.yaml', 'utf-8');
    await expect(recordServiceGenerator(tree, { name: 'sensor-readings', skipCatalogueJson: true })).rejects.toThrow(
      'exists already',
    );
    expect(tree.read('k8s/base/kustomization.yaml', 'utf-8')).toBe(before);
  });

  it('produces code that type-checks with the workspace (topic folder, consumer app, gateway)', () => {
    expect(
      typeErrors(tree, 'apps/transactions-consumer/tsconfig.app.json', ['apps/sensor-readings-consumer/src/main.ts']),
    ).toEqual([]);
    expect(typeErrors(tree, 'apps/api-gateway/tsconfig.app.json')).toEqual([]);
  }, 120_000);
});
