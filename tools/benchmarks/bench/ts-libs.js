'use strict';
/**
 * The project's own TypeScript libraries, loaded from source (SWC) so the benchmark builds its
 * events exactly as the services do: libs/kafka-schemas (envelope, validation, natural keys) and
 * libs/testing (free ports, waits).
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
  testing: () => load('libs/testing/src/index.ts'),
};
