// Container health probe without curl/wget: `node healthcheck.js [live|ready]`.
// Probes the service's MANAGEMENT port (where /health/ready and /metrics live; the public port
// keeps only /health/live), found from the same variable the service reads (DATALAKE_APP names
// the service; the image sets it), so a port changed at run time is still probed correctly.
'use strict';

const PORT_VARIABLES = {
  'api-gateway': ['GATEWAY_MANAGEMENT_PORT', 9000],
  'auth-service': ['AUTH_MANAGEMENT_PORT', 9001],
  'ingest-producer-service': ['INGEST_MANAGEMENT_PORT', 9002],
  'network-logs-consumer': ['NETWORK_LOGS_MANAGEMENT_PORT', 9011],
  'social-posts-consumer': ['SOCIAL_POSTS_MANAGEMENT_PORT', 9012],
  'transactions-consumer': ['TRANSACTIONS_MANAGEMENT_PORT', 9013],
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
