import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Tree } from '@nx/devkit';
import { FsTree } from 'nx/src/generators/tree';
import { parseAllDocuments } from 'yaml';
import * as ts from 'typescript';
import { recordServiceGenerator } from './generator';
import { recordNames, renamer } from './names';

const ROOT = join(__dirname, '..', '..', '..', '..');

/** Every non-comment line of a file naming `app` (comments are prose, never cloned). */
const namingLines = (text: string, app: string) =>
  text.split('\n').filter((line) => line.includes(app) && !/^\s*(#|\/\/)/.test(line));

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
    // The real repository's files, read from disk; every write stays in memory.
    // Prettier runs in the trial of docs/DATA-TYPES.md (it needs ESM imports, which Jest lacks).
    tree = new FsTree(ROOT, false);
    await recordServiceGenerator(tree, { name: 'sensor-readings', skipCatalogueJson: true, skipFormat: true });
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

  it('registers the app beside the template app: gateway, deploy checks, e2e stack, start script', () => {
    const read = (path: string) => tree.read(path, 'utf-8') ?? '';
    expect(read('apps/api-gateway/src/app/gateway.env.ts')).toContain(
      `SENSOR_READINGS_SERVICE_URL: string = 'http://127.0.0.1:3014';`,
    );
    expect(read('apps/api-gateway/src/app/upstream/upstreams.ts')).toContain(
      `| 'transactions-consumer' | 'sensor-readings-consumer';`,
    );
    expect(read('apps/api-gateway/src/app/upstream/upstreams.ts')).toContain(
      `'sensor-readings-consumer': client('sensor-readings-consumer', env.SENSOR_READINGS_SERVICE_URL),`,
    );
    expect(read('tools/deploy-checks/src/lib/workspace.ts')).toContain(`'transactions', 'sensor_readings'`);
    expect(read('tools/deploy-checks/src/lib/workspace.ts')).toContain(
      `'transactions-consumer', 'sensor-readings-consumer'];`,
    );
    expect(read('tools/deploy-checks/src/lib/workspace.ts')).toMatch(
      /app: 'sensor-readings-consumer',\s+portVar: 'SENSOR_READINGS_PORT',\s+port: 3014/,
    );
    expect(read('libs/testing/src/lib/service-table.ts')).toContain(
      `'sensor-readings-consumer': 'SENSOR_READINGS_PORT'`,
    );
    expect(read('docker/healthcheck.js')).toMatch(/'sensor-readings-consumer': \['SENSOR_READINGS_\w*PORT', [39]014\]/);
    expect(read('tools/scripts/start.sh')).toContain('transactions-consumer sensor-readings-consumer');
    expect(read('tools/scripts/start.sh')).toContain(
      'sensor-readings-consumer) echo "$SENSOR_READINGS_MANAGEMENT_PORT" ;;',
    );
    expect(read('.env.example')).toMatch(/^SENSOR_READINGS_PORT=3014$/m);
    expect(read('.env.example')).toMatch(/^SENSOR_READINGS_SERVICE_URL=http:\/\/127\.0\.0\.1:3014$/m);
  });

  it('gives the compose stack the service, its gateway URL and dependency, its topics and a scrape job', () => {
    const compose = parseAllDocuments(tree.read('docker/compose.yaml', 'utf-8') ?? '', { merge: true })[0].toJS();
    const service = compose.services['sensor-readings-consumer'];
    expect(service.build.args).toEqual({ APP: 'sensor-readings-consumer', PORT: '3014' });
    expect(service.image).toContain('/sensor-readings-consumer:');
    expect(service.expose).toContain('3014');
    expect(service.expose).not.toContain('3013');
    expect(service.environment.SENSOR_READINGS_PORT).toBe('3014');
    const gateway = compose.services['api-gateway'];
    expect(gateway.environment.SENSOR_READINGS_SERVICE_URL).toBe('http://sensor-readings-consumer:3014');
    expect(gateway.depends_on['sensor-readings-consumer']).toEqual({ condition: 'service_healthy' });
    expect(compose.services['kafka-init'].environment.TOPICS.split(' ')).toEqual(
      expect.arrayContaining(['sensor_readings', 'sensor_readings.dlq']),
    );
    const prometheus = parseAllDocuments(tree.read('docker/prometheus/prometheus.yml', 'utf-8') ?? '')[0].toJS();
    expect(prometheus.scrape_configs).toContainEqual({
      job_name: 'sensor-readings-consumer',
      metrics_path: '/metrics',
      static_configs: [{ targets: [expect.stringMatching(/^sensor-readings-consumer:[39]014$/)] }],
    });
  });

  it('gives k8s the manifest, the base entries, one HPA/PDB/NetworkPolicy document each and the overlay entries', () => {
    const documents = (path: string) =>
      parseAllDocuments(tree.read(path, 'utf-8') ?? '').map((document) => document.toJS());
    const manifest = tree.read('k8s/base/sensor-readings-consumer.yaml', 'utf-8') ?? '';
    expect(manifest).not.toMatch(/transactions|TRANSACTIONS|3013|9013/);
    expect(documents('k8s/base/sensor-readings-consumer.yaml').map((d) => d.kind)).toEqual(
      documents('k8s/base/transactions-consumer.yaml').map((d) => d.kind),
    );
    const base = documents('k8s/base/kustomization.yaml')[0];
    expect(base.resources).toContain('sensor-readings-consumer.yaml');
    const literals: string[] = base.configMapGenerator[0].literals;
    expect(literals).toContain('SENSOR_READINGS_PORT=3014');
    expect(literals).toContain('SENSOR_READINGS_SERVICE_URL=http://sensor-readings-consumer:3014');
    for (const [file, kind, name] of [
      ['hpa.yaml', 'HorizontalPodAutoscaler', 'sensor-readings-consumer'],
      ['pdb.yaml', 'PodDisruptionBudget', 'sensor-readings-consumer'],
      ['networkpolicies.yaml', 'NetworkPolicy', 'sensor-readings-consumer-from-gateway'],
    ]) {
      const found = documents(`k8s/base/${file}`).filter((d) => d.metadata?.name === name);
      expect(found.map((d) => d.kind)).toEqual([kind]);
      expect(JSON.stringify(found[0])).not.toContain('transactions');
    }
    for (const overlay of ['dev', 'prod']) {
      const images = documents(`k8s/overlays/${overlay}/kustomization.yaml`)[0].images;
      expect(images.map((image: { name: string }) => image.name)).toContain('datalake/sensor-readings-consumer');
    }
    expect(tree.read('k8s/overlays/prod/kustomization.yaml', 'utf-8')).toContain(
      'name: network-logs-consumer|social-posts-consumer|transactions-consumer|sensor-readings-consumer',
    );
    expect(tree.read('k8s/base/kafka-topics-job.yaml', 'utf-8')).toMatch(
      / transactions sensor_readings .* sensor_readings\.dlq$/m,
    );
    expect(tree.read('k8s/README.md', 'utf-8')).toMatch(
      /^\| sensor-readings-consumer \| 3014 \(`SENSOR_READINGS_PORT`\) \|.*api-gateway pods only/m,
    );
  });

  it('leaves no per-service line of the template without its copy in any deployment file', () => {
    const changed = tree.listChanges().filter((change) => change.type === 'UPDATE');
    expect(changed.length).toBeGreaterThan(10);
    for (const { path } of changed) {
      const text = tree.read(path, 'utf-8') ?? '';
      const copies = namingLines(text, 'sensor-readings-consumer').length;
      expect({ path, copies }).toEqual({ path, copies: namingLines(text, 'transactions-consumer').length });
    }
  });

  it('is idempotent for registrations and refuses an existing app', async () => {
    const before = tree.read('k8s/base/kustomization.yaml', 'utf-8');
    await expect(
      recordServiceGenerator(tree, { name: 'sensor-readings', skipCatalogueJson: true, skipFormat: true }),
    ).rejects.toThrow('exists already');
    expect(tree.read('k8s/base/kustomization.yaml', 'utf-8')).toBe(before);
  });

  it('produces code that type-checks with the workspace (topic folder, consumer app, gateway)', () => {
    expect(
      typeErrors(tree, 'apps/transactions-consumer/tsconfig.app.json', ['apps/sensor-readings-consumer/src/main.ts']),
    ).toEqual([]);
    expect(typeErrors(tree, 'apps/api-gateway/tsconfig.app.json')).toEqual([]);
  }, 120_000);
});
