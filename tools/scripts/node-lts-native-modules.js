// Preloaded (NODE_OPTIONS=--require) by tools/scripts/node-lts.sh into every Node 24 process the
// tests start (Jest workers, service bundles spawned by integration tests): `require('better-sqlite3')`
// then loads the copy built for Node 24's ABI (DATALAKE_BETTER_SQLITE3_DIR) instead of the one in
// node_modules, which is built for the default Node. Jest's own resolver uses moduleNameMapper
// (jest.preset.js) for the same redirection.
const Module = require('node:module');

const dir = process.env.DATALAKE_BETTER_SQLITE3_DIR;
if (dir) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === 'better-sqlite3' ? dir : request, ...rest);
  };
}
