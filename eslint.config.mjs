import nx from '@nx/eslint-plugin';

/*
 * Module boundaries (DESIGN.md "Shape"): each project carries one `type:*` tag (its layer) and one
 * `scope:*` tag (who may use it). A project may import only the layers listed for its type, and
 * the contract and framework-free layers may not import the packages listed in `bannedExternalImports`.
 *
 *   type:app          a deployed service                         (apps/*)
 *   type:e2e          black-box tests of the built services      (apps/datalake-e2e)
 *   type:feature      Nest feature modules                       (libs/auth, libs/records)
 *   type:data-access  Nest modules around a backend client       (libs/kafka)
 *   type:platform     the Nest service runtime: env, bootstrap, logs, metrics, health, Mongo (libs/service-kit)
 *   type:core         framework-free code around one client library, e.g. the Kafka core (kafkajs)
 *   type:dto          HTTP request/response classes (OpenAPI decorators only) (libs/dto)
 *   type:schema       the event contract: topics, envelope, payloads (libs/kafka-schemas)
 *   type:util         framework-free helpers, no I/O clients
 *   type:testing      test infrastructure, for test files only   (libs/testing)
 *   type:tool         repository checks; nothing imports them    (tools/deploy-checks, tools/lint-checks)
 *
 * apps/console (type:app, scope:console) is the browser console: no backend client, no Nest.
 */

/** A package and its deep imports (`mongodb/lib/...`): a banned glob must match the whole import. */
const withSubpaths = (packages) => packages.flatMap((name) => [name, `${name}/*`]);

/** The Kafka client library: only the Kafka core (type:core, libs/kafka-core) imports it. */
const KAFKA_CLIENT = withSubpaths(['kafkajs', '@confluentinc/kafka-javascript']);

/** Clients of the backends: only core/data-access/platform code talks to Kafka or MongoDB. */
const BACKEND_CLIENTS = withSubpaths(['kafkajs', '@confluentinc/kafka-javascript', 'mongodb', 'mongoose']);

/**
 * Nest's runtime and the Nest integrations. `@nestjs/swagger` is not here: the DTO lib's classes
 * are the OpenAPI schemas and carry its decorators (the lint-checks spec keeps this list complete).
 */
const NEST_RUNTIME = withSubpaths([
  '@nestjs/common',
  '@nestjs/core',
  '@nestjs/config',
  '@nestjs/jwt',
  '@nestjs/microservices',
  '@nestjs/mongoose',
  '@nestjs/passport',
  '@nestjs/platform-*',
  '@nestjs/terminus',
  '@nestjs/testing',
  '@nestjs/throttler',
  'nestjs-pino',
  '@willsoto/nestjs-prometheus',
]);

/** Every Nest package, the OpenAPI decorators included, and the Nest integrations. */
const ANY_NEST = ['@nestjs/*', 'nestjs-*', '@willsoto/nestjs-*'];

export const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:feature',
      'type:data-access',
      'type:platform',
      'type:core',
      'type:dto',
      'type:schema',
      'type:util',
    ],
    bannedExternalImports: KAFKA_CLIENT,
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: [
      'type:data-access',
      'type:platform',
      'type:core',
      'type:dto',
      'type:schema',
      'type:util',
    ],
    bannedExternalImports: KAFKA_CLIENT,
  },
  {
    sourceTag: 'type:data-access',
    onlyDependOnLibsWithTags: ['type:platform', 'type:core', 'type:schema', 'type:util'],
    bannedExternalImports: KAFKA_CLIENT,
  },
  {
    sourceTag: 'type:platform',
    onlyDependOnLibsWithTags: ['type:util'],
    bannedExternalImports: KAFKA_CLIENT,
  },
  {
    // Framework-free: it may wrap its one client library (the Kafka core: kafkajs), never Nest or Mongo.
    sourceTag: 'type:core',
    onlyDependOnLibsWithTags: ['type:schema', 'type:util'],
    bannedExternalImports: [...withSubpaths(['mongodb', 'mongoose']), ...ANY_NEST],
  },
  {
    sourceTag: 'type:dto',
    onlyDependOnLibsWithTags: ['type:schema', 'type:util'],
    bannedExternalImports: [...BACKEND_CLIENTS, ...NEST_RUNTIME],
  },
  {
    sourceTag: 'type:schema',
    onlyDependOnLibsWithTags: ['type:util'],
    bannedExternalImports: [...BACKEND_CLIENTS, ...ANY_NEST],
  },
  {
    sourceTag: 'type:util',
    onlyDependOnLibsWithTags: ['type:util'],
    bannedExternalImports: [...BACKEND_CLIENTS, ...ANY_NEST],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:data-access', 'type:platform', 'type:core', 'type:schema', 'type:util'],
    bannedExternalImports: KAFKA_CLIENT,
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:testing', 'type:core', 'type:dto', 'type:schema', 'type:util'],
    bannedExternalImports: KAFKA_CLIENT,
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:testing', 'type:core', 'type:dto', 'type:schema', 'type:util'],
  },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:records', onlyDependOnLibsWithTags: ['scope:shared', 'scope:records'] },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:auth', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
  // The web console (apps/console) runs in a browser and talks to the public API only.
  {
    sourceTag: 'scope:console',
    onlyDependOnLibsWithTags: ['scope:shared'],
    bannedExternalImports: [...BACKEND_CLIENTS, ...ANY_NEST],
  },
  // No other scope lists scope:tools: nothing may import the repository checks.
  { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'] },
];

/**
 * Test code: spec files of every tier, and spec-only support in a `testing/` folder of a
 * project's src (excluded from the app's tsconfig.app.json, so never part of a bundle).
 */
export const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
  '**/*.faults-spec.ts',
  '**/src/**/testing/**/*.ts',
];

/** Test code may also use the test infrastructure (type:testing). */
const testConstraints = depConstraints.map((constraint) =>
  constraint.sourceTag.startsWith('type:')
    ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:testing'] }
    : { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'scope:shared'] },
);

function boundaries(constraints) {
  return {
    enforceBuildableLibDependency: true,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: constraints,
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '.datalake/**', 'tmp/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js'],
    rules: {
      // Apps import libs; libs import only libs below them (DESIGN.md "Shape").
      '@nx/enforce-module-boundaries': ['error', boundaries(depConstraints)],
    },
  },
  {
    // Build configuration, not app code: it may load the shared webpack factory under tools/.
    files: ['**/webpack.config.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(testConstraints)] },
  },
  {
    // A relative import or a lib's testing entry point cannot be checked by tags: keep production code off spec-only support.
    files: ['**/*.ts'],
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.{1,2}/(.+/)?testing(/|$)',
              message: 'A testing/ folder holds spec-only support: import it from test files only.',
            },
            {
              // A lib's spec-only entry point (e.g. @datalake/records/testing): tags cannot tell it apart.
              regex: '^@datalake/[^/]+/testing(/|$)',
              message: 'A testing entry point holds spec-only support: import it from test files only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // Typed env-validation classes need their `number` annotations for conversion.
      '@typescript-eslint/no-inferrable-types': ['error', { ignoreProperties: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
