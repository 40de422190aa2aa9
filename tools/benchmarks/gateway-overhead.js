#!/usr/bin/env node
// What the gateway adds to a read: GET /transactions/:id straight to transactions-consumer vs through
// api-gateway (token check, session look-up, quota claim, proxying), interleaved one by one on
// keep-alive connections, p50/p99, with only this run's quota documents in the hour and again with
// FILLER more (other users' slot documents of the current hour). Starts the built bundles itself
// (auth-service, transactions-consumer, api-gateway: `npx nx run-many -t build`); the quota stays
// on at its default (100 per hour), so requests rotate over enough users that none reaches it.
//
//   MONGO_URI=mongodb://127.0.0.1:27020 KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39092 \
//     node tools/benchmarks/gateway-overhead.js [REQUESTS=1000] [FILLER=5000] [ROUNDS=3]
// READ=list measures a page of 50 records (`?customerId=…&limit=50`, the size of a real listing)
// instead of one record by id.
// GATEWAY_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the gateway;
// COMPARE_GATEWAY_MAIN=/path/to/main.js measures another gateway bundle beside it (e.g. built from an
// earlier commit); SESSION_COLUMN=0 leaves out the no-session-cache gateway; BENCH_LOG_DIR keeps
// the services' output.
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const http = require('node:http');
const net = require('node:net');
const { openSync } = require('node:fs');
const { join } = require('node:path');
const { MongoClient } = require('mongodb');
const { MANAGEMENT_PORT_VARIABLE, TEST_ADMIN, mintInternalToken } = require('./bench/ts-libs').testing();

const REQUESTS = Number(process.argv[2] ?? 1000);
const FILLER = Number(process.argv[3] ?? 5000);
const ROUNDS = Number(process.argv[4] ?? 3);
const READ = process.env.READ === 'list' ? 'list' : 'id';
const PAGE = 50;
const QUOTA = 100;
const HOUR_MS = 3_600_000;
const mongoUri = process.env.MONGO_URI ?? 'mongodb://127.0.0.1:27017';
const kafka = process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092';
const root = join(__dirname, '..', '..');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          text: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function start(app, port, env, nodeArgs = [], main = join(root, 'dist', 'apps', app, 'main.js')) {
  // BENCH_LOG_DIR: keep each service's output there (else it is dropped).
  const log = process.env.BENCH_LOG_DIR
    ? openSync(join(process.env.BENCH_LOG_DIR, `${app}-${port}.log`), 'w')
    : 'ignore';
  // Probes answer on the management port only.
  const managementPort = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, main], {
    cwd: root,
    env: { ...process.env, ...env, [MANAGEMENT_PORT_VARIABLE[app]]: String(managementPort) },
    stdio: ['ignore', log, log],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}`);
    const ready = await request(`http://127.0.0.1:${managementPort}/health/ready`).catch(() => undefined);
    if (ready?.status === 200) return child;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  child.kill();
  throw new Error(`${app} not ready on ${port}`);
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

async function newUser(gateway, name) {
  const password = randomBytes(12).toString('hex');
  const json = { 'content-type': 'application/json' };
  const registered = await request(`${gateway}/register`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username: name, password }),
  });
  if (registered.status !== 201) throw new Error(`register ${name}: ${registered.status} ${registered.text}`);
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const token = await request(`${gateway}/token`, {
    method: 'POST',
    headers: form,
    body: `username=${name}&password=${password}`,
  });
  return JSON.parse(token.text).access_token;
}

(async () => {
  const [authPort, txPort] = [await freePort(), await freePort()];
  const runId = randomBytes(4).toString('hex');
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    MONGO_URI: mongoUri,
    KAFKA_BOOTSTRAP_SERVERS: kafka,
    KAFKA_TOPIC_PREFIX: `bench-gw-${runId}.`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    ADMIN_USERNAME: `bench_admin_${runId}`,
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    AUTH_RATE_PER_MINUTE: '100000',
    QUOTA_PER_HOUR: String(QUOTA),
    AUTH_PORT: String(authPort),
    TRANSACTIONS_PORT: String(txPort),
    AUTH_SERVICE_URL: `http://127.0.0.1:${authPort}`,
    TRANSACTIONS_SERVICE_URL: `http://127.0.0.1:${txPort}`,
  };
  const mongo = await MongoClient.connect(mongoUri);
  const quotas = mongo.db('gateway').collection('quotas');
  const transactions = mongo.db('transactions').collection('transactions');
  const recordId = `bench-gw-${runId}`;
  const fillerKeys = Array.from({ length: 50 }, (_, i) => `quota:user:bench-filler-${runId}-${i}`);
  const children = [];
  const tokens = [];
  try {
    // One record to read by id, or a customer's page of records (a narrow filter: read by its index).
    const count = READ === 'list' ? PAGE : 1;
    await transactions.insertMany(
      Array.from({ length: count }, (_, i) => {
        const id = i === 0 ? recordId : `${recordId}-${i}`;
        return {
          _id: id,
          transactionId: id,
          customerId: `c-${recordId}`,
          amount: '12.50',
          amountMinor: 1250,
          currency: 'USD',
          timestamp: new Date(Date.now() - i * 1000),
          status: 'completed',
          riskFlags: [],
          source: { kind: 'http', name: 'bench' },
          ingestedAt: new Date(),
        };
      }),
    );
    children.push(await start('auth-service', authPort, env), await start('transactions-consumer', txPort, env));
    // Gateways measured side by side, one request each in turn: this build, the same with every
    // request checking its session at auth-service (a user's requests further apart than
    // SESSION_CHECK_CACHE_SECONDS, the common case at 100 requests per hour), and COMPARE_GATEWAY_MAIN
    // (e.g. a bundle built from an earlier commit) if given. GATEWAY_NODE_ARGS (e.g. --cpu-prof) apply
    // to the first gateway alone.
    const readPath =
      READ === 'list' ? `/transactions?customerId=c-${recordId}&limit=${PAGE}` : `/transactions/${recordId}`;
    const readLabel = readPath.replaceAll(`c-${recordId}`, '…').replace(recordId, ':id');
    const variants = [
      { label: 'gateway', env: {}, args: (process.env.GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean) },
      ...(process.env.SESSION_COLUMN === '0'
        ? []
        : [{ label: 'gateway, no session cache', env: { SESSION_CHECK_CACHE_SECONDS: '0' } }]),
      ...(process.env.COMPARE_GATEWAY_MAIN
        ? [{ label: 'compared gateway', env: {}, main: process.env.COMPARE_GATEWAY_MAIN }]
        : []),
    ];
    for (const variant of variants) {
      variant.port = await freePort();
      children.push(
        await start(
          'api-gateway',
          variant.port,
          { ...env, ...variant.env, GATEWAY_PORT: String(variant.port) },
          variant.args,
          variant.main,
        ),
      );
      variant.url = `http://127.0.0.1:${variant.port}${readPath}`;
    }
    const direct = `http://127.0.0.1:${txPort}${readPath}`;
    // Direct = as the gateway calls the service: with an internal token for it (one, valid all run long).
    const directHeaders = {
      'x-internal-token': mintInternalToken({
        secret: env.INTERNAL_TOKEN_SECRET,
        audience: 'transactions-consumer',
        user: TEST_ADMIN,
        expiresInSeconds: 6 * 3600,
      }),
    };

    const sample = await request(direct, { headers: directHeaders });
    const items = READ === 'list' ? JSON.parse(sample.text).items?.length : 1;
    if (sample.status !== 200 || items !== count)
      throw new Error(
        `the read answered ${sample.status} with ${items} records, not ${count}: ${sample.text.slice(0, 200)}`,
      );
    console.log(`one answer is ${Buffer.byteLength(sample.text)} bytes`);

    const perUser = QUOTA - 10;
    const users = Math.ceil(((ROUNDS * 2 + 1) * REQUESTS * variants.length) / perUser);
    for (let i = 0; i < users; i++)
      tokens.push(await newUser(`http://127.0.0.1:${variants[0].port}`, `bench_${runId}_${i}`));
    let sent = 0;
    const nextToken = () => tokens[Math.floor(sent++ / perUser)];

    /** One request to the service and one through each gateway, in turn; answers other than 200 are counted apart. */
    async function measure(count) {
      const columns = [
        { label: 'direct', url: direct, auth: false },
        ...variants.map((variant) => ({ ...variant, auth: true })),
      ];
      const times = columns.map(() => []);
      const failed = columns.map(() => 0);
      for (let i = 0; i < count; i++) {
        for (let c = 0; c < columns.length; c++) {
          const column = (c + i) % columns.length;
          const headers = columns[column].auth ? { authorization: `Bearer ${nextToken()}` } : directHeaders;
          const answer = await request(columns[column].url, { headers });
          if (answer.status === 200) times[column].push(answer.ms);
          else failed[column]++;
        }
      }
      return columns.map((column, c) => ({ label: column.label, ...stats(times[c]), failed: failed[c] }));
    }

    const fill = async () => {
      const window = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
      const docs = Array.from({ length: FILLER }, (_, i) => {
        const key = fillerKeys[i % fillerKeys.length];
        const slot = String(Math.floor(i / fillerKeys.length) + 1).padStart(7, '0');
        return {
          _id: `${key}@${window}#${slot}`,
          key,
          windowStart: new Date(window),
          expiresAt: new Date(window + HOUR_MS),
        };
      });
      for (let i = 0; i < docs.length; i += 1000)
        await quotas.insertMany(docs.slice(i, i + 1000), { ordered: false }).catch(() => undefined);
    };
    const unfill = () => quotas.deleteMany({ key: { $in: fillerKeys } });

    console.log(
      `gateway overhead on GET ${readLabel}, ${REQUESTS} requests per column and row, server ${mongoUri}, LOG_LEVEL=${env.LOG_LEVEL}`,
    );
    await measure(Math.min(200, REQUESTS)); // warm-up: JIT, connection pools, first slot of each user
    const header = [
      'round',
      'quota docs',
      'direct p50 / p99 ms',
      ...variants.map((v) => `${v.label} p50 / p99 ms (+p50)`),
    ];
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => ' --- ').join('|')}|`);
    const overheads = variants.map(() => []);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const filled of [false, true]) {
        if (filled) await fill();
        else await unfill();
        const stored = await quotas.estimatedDocumentCount();
        const [base, ...through] = await measure(REQUESTS);
        const failed = (column) => (column.failed ? ` (${column.failed} not 200)` : '');
        const cell = (column) =>
          column.p50 === undefined
            ? `–${failed(column)}`
            : `${column.p50.toFixed(2)} / ${column.p99.toFixed(2)}${failed(column)}`;
        const plus = (column) => (column.p50 === undefined ? '' : ` (+${(column.p50 - base.p50).toFixed(2)})`);
        through.forEach((column, v) => column.p50 !== undefined && overheads[v].push(column.p50 - base.p50));
        const cells = [round, stored, cell(base), ...through.map((column) => `${cell(column)}${plus(column)}`)];
        console.log(`| ${cells.join(' | ')} |`);
      }
    }
    variants.forEach((variant, v) => {
      const sorted = overheads[v].sort((a, b) => a - b);
      if (sorted.length === 0) return console.log(`${variant.label}: no answer was 200`);
      console.log(
        `${variant.label}: p50 overhead median ${percentile(sorted, 50).toFixed(2)} ms, spread ${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)} ms over ${sorted.length} rows`,
      );
    });
  } finally {
    for (const child of children) child.kill('SIGTERM');
    // This run's counters: the filler and the bench users' slots (their ids are the tokens' `sub`).
    const userKeys = tokens.map(
      (token) => `quota:user:${JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub}`,
    );
    await quotas.deleteMany({ key: { $in: [...fillerKeys, ...userKeys] } }).catch(() => undefined);
    await transactions.deleteMany({ customerId: `c-${recordId}` }).catch(() => undefined);
    await mongo
      .db('auth')
      .collection('users')
      .deleteMany({ username: { $regex: `^bench_(admin_)?${runId}` } })
      .catch(() => undefined);
    await mongo.close();
    agent.destroy();
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
