// Container health probe without curl/wget: `node healthcheck.js [live|ready]`.
// Finds the service's HTTP port from the same variable the service reads (DATALAKE_APP names the
// service; the image sets it), so a port changed at run time is still probed correctly.
'use strict';

const PORT_VARIABLES = {
  'api-gateway': ['GATEWAY_PORT', 3000],
  'auth-service': ['AUTH_PORT', 3001],
  'ingest-producer-service': ['INGEST_PORT', 3002],
  'network-logs-consumer': ['NETWORK_LOGS_PORT', 3011],
  'social-posts-consumer': ['SOCIAL_POSTS_PORT', 3012],
  'transactions-consumer': ['TRANSACTIONS_PORT', 3013],
};

const kind = process.argv[2] === 'ready' ? 'ready' : 'live';
const entry = PORT_VARIABLES[process.env.DATALAKE_APP || ''];
if (!entry) {
  console.error(`healthcheck: unknown DATALAKE_APP '${process.env.DATALAKE_APP || ''}'`);
  process.exit(1);
}
const [variable, fallback] = entry;
const port = Number(process.env[variable] || fallback);

const request = require('node:http').get(
  { host: '127.0.0.1', port, path: `/health/${kind}`, timeout: 4000 },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', (error) => {
  console.error(`healthcheck: ${error.message}`);
  process.exit(1);
});
