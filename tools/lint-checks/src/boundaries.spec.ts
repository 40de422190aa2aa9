import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The module boundaries the README promises, proven against the real ESLint config: each
 * forbidden import below is an error at a path inside the offending project, each allowed one is
 * not. The sources are linted as text (lint-texts.mjs); no fixture file exists on disk.
 */

const ROOT = resolve(__dirname, '../../..');
const BOUNDARIES = '@nx/enforce-module-boundaries';
const RESTRICTED = 'no-restricted-imports';

/** A file in each project whose tags are under test. */
const AT = {
  schema: 'libs/kafka-schemas/src/lib/lint-fixture.ts',
  dto: 'libs/dto/src/lib/lint-fixture.ts',
  records: 'libs/records/src/lib/lint-fixture.ts',
  kafka: 'libs/kafka/src/lib/lint-fixture.ts',
  kafkaCore: 'libs/kafka-core/src/lib/lint-fixture.ts',
  ingest: 'apps/ingest-producer-service/src/app/lint-fixture.ts',
  ingestSpec: 'apps/ingest-producer-service/src/app/lint-fixture.spec.ts',
  ingestIntSpec: 'apps/ingest-producer-service/src/app/sources/lint-fixture.int-spec.ts',
  ingestSupport: 'apps/ingest-producer-service/src/app/sources/testing/lint-fixture.ts',
  consumer: 'apps/network-logs-consumer/src/app/lint-fixture.ts',
  consumerIntSpec: 'apps/network-logs-consumer/src/app/lint-fixture.int-spec.ts',
  gateway: 'apps/api-gateway/src/app/lint-fixture.ts',
  gatewaySpec: 'apps/api-gateway/src/app/lint-fixture.spec.ts',
  e2e: 'apps/datalake-e2e/src/lint-fixture.e2e-spec.ts',
};

interface ImportCase {
  name: string;
  filePath: string;
  code: string;
}
interface LintMessage {
  ruleId: string | null;
  message: string;
}
interface DepConstraint {
  sourceTag: string;
  onlyDependOnLibsWithTags: string[];
}

const importOf = (source: string) => `import * as imported from '${source}';\nexport const used = imported;\n`;
const caseOf = (filePath: string, source: string, code = importOf(source)): ImportCase => ({
  name: `${filePath} imports ${source}`,
  filePath,
  code,
});

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** Nest's runtime packages the workspace depends on: all but the OpenAPI decorators. */
const NEST_RUNTIME = [
  ...Object.keys(packageJson.dependencies).filter((name) => name.startsWith('@nestjs/') && name !== '@nestjs/swagger'),
  '@nestjs/testing',
  'nestjs-pino',
  '@willsoto/nestjs-prometheus',
];

const forbidden: { case: ImportCase; rule: string; message: RegExp }[] = [
  // The event contract is framework-free: no backend client, no Nest at all.
  ...['kafkajs', 'mongodb', 'mongoose', '@nestjs/common', '@nestjs/core', '@nestjs/swagger'].map((source) => ({
    case: caseOf(AT.schema, source),
    rule: BOUNDARIES,
    message: new RegExp(`"type:schema" is not allowed to import "${source}"`),
  })),
  {
    case: caseOf(AT.schema, 'kafkajs', "import type { Consumer } from 'kafkajs';\nexport type Used = Consumer;\n"),
    rule: BOUNDARIES,
    message: /"type:schema" is not allowed to import "kafkajs"/,
  },
  {
    case: caseOf(AT.schema, 'mongodb/lib/bson'),
    rule: BOUNDARIES,
    message: /"type:schema" is not allowed to import "mongodb\/lib\/bson"/,
  },
  // The DTOs carry OpenAPI decorators only: no backend client, no Nest runtime.
  ...['kafkajs', 'mongodb', 'mongoose', ...NEST_RUNTIME].map((source) => ({
    case: caseOf(AT.dto, source),
    rule: BOUNDARIES,
    message: new RegExp(`"type:dto" is not allowed to import "${source}"`),
  })),
  // service-kit is the Nest/Mongo platform, not a util: the contract libs may not use it.
  ...[AT.schema, AT.dto].map((filePath) => ({
    case: caseOf(filePath, '@datalake/service-kit'),
    rule: BOUNDARIES,
    message: /can only depend on libs tagged with/,
  })),
  // App code may not use the test infrastructure, nor spec-only support.
  {
    case: caseOf(AT.ingest, '@datalake/testing'),
    rule: BOUNDARIES,
    message: /"type:app" can only depend on libs tagged with/,
  },
  {
    case: caseOf(AT.ingest, './sources/testing/topic-collector'),
    rule: RESTRICTED,
    message: /spec-only support/,
  },
  // Nor a lib's spec-only entry point (the lib's tag allows the lib, not its testing helpers).
  {
    case: caseOf(AT.consumer, '@datalake/records/testing'),
    rule: RESTRICTED,
    message: /spec-only support/,
  },
  // Kafka behind one door: only the Kafka core may import the client library.
  ...[
    [AT.records, 'type:feature'],
    [AT.kafka, 'type:data-access'],
    [AT.ingest, 'type:app'],
    [AT.e2e, 'type:e2e'],
  ].map(([filePath, tag]) => ({
    case: caseOf(filePath, 'kafkajs'),
    rule: BOUNDARIES,
    message: new RegExp(`"${tag}" is not allowed to import "kafkajs"`),
  })),
  // The repository checks are importable by nothing, test files included.
  ...[AT.gateway, AT.gatewaySpec].map((filePath) => ({
    case: caseOf(filePath, '../../../../tools/deploy-checks/src/lib/workspace'),
    rule: BOUNDARIES,
    message: /cannot be imported by a relative or absolute path/,
  })),
];

const allowed: ImportCase[] = [
  ...['class-validator', 'class-transformer'].map((source) => caseOf(AT.schema, source)),
  ...['@nestjs/swagger', 'class-validator', 'class-transformer', '@datalake/kafka-schemas'].map((source) =>
    caseOf(AT.dto, source),
  ),
  ...['@datalake/service-kit', '@datalake/kafka', '@datalake/dto', 'mongodb', '@nestjs/common'].map((source) =>
    caseOf(AT.records, source),
  ),
  ...['@datalake/service-kit', '@datalake/auth', '@datalake/dto'].map((source) => caseOf(AT.gateway, source)),
  ...['kafkajs', '@datalake/kafka-schemas'].map((source) => caseOf(AT.kafkaCore, source)),
  caseOf(AT.kafka, '@datalake/kafka-core'),
  // Tests, and spec-only support, may use the test infrastructure.
  caseOf(AT.ingestSpec, '@datalake/testing'),
  caseOf(AT.ingestSpec, './sources/testing/recording-producer'),
  caseOf(AT.ingestIntSpec, './testing/ingest-app'),
  caseOf(AT.ingestSupport, '@datalake/testing'),
  caseOf(AT.consumerIntSpec, '@datalake/records/testing'),
  caseOf(AT.gatewaySpec, '@datalake/testing'),
  caseOf(AT.e2e, '@datalake/testing'),
];

function lintTexts(cases: ImportCase[]): { results: Map<string, LintMessage[]>; depConstraints: DepConstraint[] } {
  const dir = mkdtempSync(join(tmpdir(), 'lint-checks-'));
  try {
    const output = join(dir, 'results.json');
    execFileSync(process.execPath, [join(__dirname, 'lint-texts.mjs'), output], {
      cwd: ROOT,
      input: JSON.stringify(cases),
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    const { results, depConstraints } = JSON.parse(readFileSync(output, 'utf8'));
    return {
      results: new Map(results.map((r: { name: string; messages: LintMessage[] }) => [r.name, r.messages])),
      depConstraints,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lint enforces the module boundaries', () => {
  let lint: ReturnType<typeof lintTexts>;
  beforeAll(() => {
    lint = lintTexts([...forbidden.map((f) => f.case), ...allowed]);
  }, 180_000);

  const boundaryErrors = (name: string) =>
    (lint.results.get(name) ?? []).filter((m) => m.ruleId === BOUNDARIES || m.ruleId === RESTRICTED);

  it.each(forbidden.map((f) => [f.case.name, f] as const))('refuses: %s', (name, { rule, message }) => {
    const errors = boundaryErrors(name);
    expect(errors).toEqual([expect.objectContaining({ ruleId: rule, message: expect.stringMatching(message) })]);
  });

  it.each(allowed.map((c) => [c.name]))('allows: %s', (name) => {
    expect(lint.results.has(name)).toBe(true);
    expect(boundaryErrors(name)).toEqual([]);
  });

  it('lets no project depend on the repository checks (type:tool, scope:tools)', () => {
    const reaching = lint.depConstraints.filter(
      (c) =>
        c.sourceTag !== 'scope:tools' &&
        c.onlyDependOnLibsWithTags.some((tag) => tag === 'type:tool' || tag === 'scope:tools'),
    );
    expect(reaching).toEqual([]);
    for (const project of ['tools/deploy-checks', 'tools/lint-checks']) {
      const { tags } = JSON.parse(readFileSync(join(ROOT, project, 'project.json'), 'utf8'));
      expect(tags).toEqual(['type:tool', 'scope:tools']);
    }
  });

  it('lets no app or library use the test infrastructure outside test files', () => {
    const reaching = lint.depConstraints.filter((c) => c.onlyDependOnLibsWithTags.includes('type:testing'));
    expect(reaching.map((c) => c.sourceTag).sort()).toEqual(['type:e2e', 'type:tool']);
  });
});
