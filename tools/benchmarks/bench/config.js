'use strict';
/**
 * Settings of `npm run bench`, all from the environment (documented in docs/BENCHMARKS.md and
 * tools/benchmarks/README.md). BENCH_QUICK=1 gives a small run that finishes in a few minutes.
 */

const PHASES = ['pipeline', 'connect', 'reads', 'quota', 'writes', 'overhead'];

function number(name, fallback) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = parseCount(text);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(text)}`);
  return value;
}

/** 10000, 10k, 1m, 1.5m */
function parseCount(text) {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(String(text).trim());
  if (!match) return NaN;
  return Math.round(Number(match[1]) * { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase()]);
}

function list(name, fallback, parse = (item) => item) {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map(parse);
}

function loadConfig() {
  const quick = process.env.BENCH_QUICK === '1';
  const sizes = list('BENCH_SIZES', quick ? [10_000] : [10_000, 100_000, 1_000_000], (item) => {
    const size = parseCount(item);
    if (!(size > 0)) throw new Error(`BENCH_SIZES: ${item} is not a positive count`);
    return size;
  }).sort((a, b) => a - b);
  const phases = list('BENCH_PHASES', PHASES);
  for (const phase of phases)
    if (!PHASES.includes(phase)) throw new Error(`BENCH_PHASES: ${phase} is not one of ${PHASES.join(', ')}`);
  const kafka = process.env.BENCH_KAFKA || '';
  const mongoUri = process.env.BENCH_MONGO_URI || '';
  if (Boolean(kafka) !== Boolean(mongoUri))
    throw new Error('set both BENCH_KAFKA and BENCH_MONGO_URI, or neither (then the bench infra instance is used)');
  return {
    quick,
    phases,
    sizes,
    repeats: Math.max(1, number('BENCH_REPEATS', quick ? 1 : 3)),
    pipelineRecords: number('BENCH_PIPELINE_RECORDS', quick ? 10_000 : 200_000),
    httpBatch: Math.max(1, number('BENCH_HTTP_BATCH', 1_000)),
    httpClients: Math.max(1, number('BENCH_HTTP_CLIENTS', 4)),
    ceilingBatch: Math.max(1, number('BENCH_CEILING_BATCH', 1_000)),
    readRequests: Math.max(1, number('BENCH_READ_REQUESTS', quick ? 100 : 200)),
    warmup: number('BENCH_WARMUP', 20),
    putRequests: Math.max(1, number('BENCH_PUT_REQUESTS', quick ? 100 : 200)),
    quotaLimit: 100,
    quotaConcurrent: number('BENCH_QUOTA_CONCURRENT', 150),
    redeliveryRecords: number('BENCH_REDELIVERY_RECORDS', quick ? 10_000 : 100_000),
    connectUpsertRecords: number('BENCH_CONNECT_UPSERT_RECORDS', quick ? 1_000 : 5_000),
    connectTimeoutSeconds: number('BENCH_CONNECT_TIMEOUT_S', 1_800),
    storeTimeoutSeconds: number('BENCH_STORE_TIMEOUT_S', 3_600),
    customers: number('BENCH_CUSTOMERS', 10_000),
    transactionDays: 30,
    networkLogDays: 7,
    kafka,
    mongoUri,
    infraInstance: process.env.BENCH_INFRA_INSTANCE || 'bench',
    // Dropping the services' databases between phases (fresh storage) is only done on servers the
    // run started itself, unless allowed explicitly: shared servers hold other people's data.
    allowDrop: process.env.BENCH_ALLOW_DROP === '1' ? true : process.env.BENCH_ALLOW_DROP === '0' ? false : undefined,
    keepInfra: process.env.BENCH_KEEP_INFRA === '1',
    out: process.env.BENCH_OUT || 'docs/BENCHMARKS.md',
    json: process.env.BENCH_JSON || '',
    rssIntervalMs: number('BENCH_RSS_INTERVAL_MS', 500),
    // NODE_OPTIONS of the six services, e.g. the image's flags plus the heap bound a pod's memory
    // limit implies: '--max-semi-space-size=16 --max-old-space-size=256'. Empty: Node's defaults.
    serviceNodeOptions: process.env.BENCH_NODE_OPTIONS ?? '',
  };
}

/** The BENCH_* variables set for this run, for the report's "commands" section. */
function benchEnvironment() {
  return Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_') && name !== 'BENCH_NOTE')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
}

module.exports = { loadConfig, benchEnvironment, parseCount, PHASES };
