'use strict';
/**
 * The project's own TypeScript libraries, loaded from source (SWC) so the benchmark builds its
 * events exactly as the services do: libs/kafka-schemas (envelope, validation, natural keys),
 * libs/kafka-core (the Kafka client: producer, offsets), libs/records (the consumers' storage)
 * and libs/testing (free ports, waits).
 */
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..', '..');
let registered = false;

function load(path) {
  if (!registered) {
    process.env.SWC_NODE_PROJECT ??= join(ROOT, 'tsconfig.base.json');
    require('@swc-node/register');
    registered = true;
  }
  return require(join(ROOT, path));
}

module.exports = {
  kafkaSchemas: () => load('libs/kafka-schemas/src/index.ts'),
  kafkaCore: () => load('libs/kafka-core/src/index.ts'),
  records: () => load('libs/records/src/index.ts'),
  /** The transactions consumer's record definition (collection, indexes, transform). */
  transactionsDefinition: () =>
    load('apps/transactions-consumer/src/app/transactions.definition.ts').transactionsDefinition,
  testing: () => load('libs/testing/src/index.ts'),
};
