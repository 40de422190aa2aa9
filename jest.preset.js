const nxPreset = require('@nx/jest/preset').default;

/**
 * Test tiers share one preset; TEST_TIER picks the files:
 *   unit (default)  *.spec.ts       pure logic, no servers
 *   integration     *.int-spec.ts   real Kafka and MongoDB (libs/testing getTestInfra)
 *   e2e             *.e2e-spec.ts   built services as processes, through the gateway
 *   faults          *.faults-spec.ts  built services on the faults infra instance, whose servers
 *                                   the scenarios stop, pause and kill (`npm run test:faults`)
 */
const tier = process.env.TEST_TIER || 'unit';
const patterns = {
  unit: ['**/?(*.)+(spec|test).[jt]s?(x)'],
  integration: ['**/*.int-spec.ts'],
  e2e: ['**/*.e2e-spec.ts'],
  faults: ['**/*.faults-spec.ts'],
};

// Under Node 24 (tools/scripts/node-lts.sh) the native better-sqlite3 comes from a copy built for
// that Node's ABI; node_modules keeps the one built for the default Node.
const betterSqlite3 = process.env.DATALAKE_BETTER_SQLITE3_DIR;

module.exports = {
  ...nxPreset,
  ...(betterSqlite3 ? { moduleNameMapper: { '^better-sqlite3$': betterSqlite3 } } : {}),
  testMatch: patterns[tier] || patterns.unit,
  setupFilesAfterEnv: [require('node:path').join(__dirname, 'tools/jest/tier-timeout.js')],
};
