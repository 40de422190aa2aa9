#!/usr/bin/env node
// Writes the published event contract (docs/contract/events/*.schema.json, docs/contract/asyncapi.yaml)
// from the code: topic names, payload classes, headers. `npx nx run contract:generate`; a unit test
// (tools/contract/src/event-contract.spec.ts) fails when the checked-in files differ from the code.
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
process.env.TS_NODE_PROJECT = path.join(root, 'tools/contract/tsconfig.spec.json');
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
require('ts-node/register');
require('tsconfig-paths').register({
  baseUrl: root,
  paths: require(path.join(root, 'tsconfig.base.json')).compilerOptions.paths,
});
const { writeContractFiles } = require('./src/event-contract');
for (const file of writeContractFiles(root)) console.log(`wrote ${file}`);
