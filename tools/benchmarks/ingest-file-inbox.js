#!/usr/bin/env node
/**
 * File inbox throughput and memory: starts the built ingest-producer-service as its own process
 * (file inbox only, a temporary INGEST_DIR), drops one generated sample file into the inbox and
 * times it until it lands in processed/. Prints rows/s and the service's peak RSS (VmHWM).
 *
 *   npx nx build ingest-producer-service
 *   node tools/benchmarks/ingest-file-inbox.js                         # 200k-row transactions CSV
 *   node tools/benchmarks/ingest-file-inbox.js --rows 1m --format ndjson --topic network_logs
 *   node tools/benchmarks/ingest-file-inbox.js --chunk 1000 --json
 *
 * Options: --rows N (200k) --format csv|ndjson|json|sqlite (csv) --topic T (transactions)
 *          --chunk N (INGEST_CHUNK_SIZE, 500) --json (one JSON result line)
 * Needs Kafka and MongoDB (KAFKA_BOOTSTRAP_SERVERS / MONGO_URI, default the local ones).
 */
'use strict';

const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { generateFile, parseCount } = require('../sample-data/generate.js');

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'ingest-producer-service', 'main.js');
const EXTENSIONS = { csv: 'csv', ndjson: 'ndjson', json: 'json', sqlite: 'sqlite' };

function args(argv) {
  const options = { rows: 200_000, format: 'csv', topic: 'transactions', chunk: 500, json: false };
  for (let i = 0; i < argv.length; i++) {
    const next = () => argv[++i];
    switch (argv[i]) {
      case '--rows':
        options.rows = parseCount(next());
        break;
      case '--format':
        options.format = next();
        break;
      case '--topic':
        options.topic = next();
        break;
      case '--chunk':
        options.chunk = Number(next());
        break;
      case '--json':
        options.json = true;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (!EXTENSIONS[options.format]) throw new Error('--format must be csv, ndjson, json or sqlite');
  return options;
}

const freePort = () =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

/** VmRSS and VmHWM (peak) of a process, in MiB (Linux /proc). */
function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mib = (field) => Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]) / 1024);
    return { rss: mib('VmRSS'), peak: mib('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

async function waitUntil(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  const options = args(process.argv.slice(2));
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npx nx build ingest-producer-service\` first`);
  const inbox = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const port = await freePort();
  const managementPort = await freePort();
  const prefix = `bench${Date.now().toString(36)}`;
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
      MONGO_URI: 'mongodb://127.0.0.1:27017',
      // Its own topics, so the benchmark's rows never reach the consumers of a running stack.
      KAFKA_TOPIC_PREFIX: `${prefix}.`,
      ...process.env,
      LOG_LEVEL: 'warn',
      INGEST_PORT: String(port),
      INGEST_MANAGEMENT_PORT: String(managementPort),
      // Only the file inbox is measured; no HTTP call is made, but the service requires a key.
      INTERNAL_TOKEN_SECRET: process.env.INTERNAL_TOKEN_SECRET ?? randomBytes(32).toString('hex'),
      INGEST_DIR: inbox,
      INGEST_SOURCES: 'files',
      INGEST_FILE_STABLE_MS: '100',
      INGEST_POLL_INTERVAL_MS: '100',
      INGEST_CHUNK_SIZE: String(options.chunk),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`the service exited: ${output.slice(-2000)}`);
        const response = await fetch(`http://127.0.0.1:${managementPort}/health/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      60_000,
      'the service to be ready',
    );
    const generatedAt = Date.now();
    const file = await generateFile({
      topic: options.topic,
      format: options.format,
      rows: options.rows,
      dir: join(inbox, 'staging'),
      prefix,
    });
    const generateSeconds = (Date.now() - generatedAt) / 1000;
    const before = memory(child.pid);
    const name = `${options.topic}-${prefix}.${EXTENSIONS[options.format]}`;
    const started = Date.now();
    renameSync(file.path, join(inbox, options.topic, name));
    let peakSeen = before.rss;
    const sampler = setInterval(() => (peakSeen = Math.max(peakSeen, memory(child.pid).rss)), 100);
    await waitUntil(
      () => existsSync(join(inbox, options.topic, 'processed', name)),
      30 * 60_000,
      'the file in processed/',
    );
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const after = memory(child.pid);
    const result = {
      rows: options.rows,
      format: options.format,
      topic: options.topic,
      chunk: options.chunk,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(options.rows / seconds),
      rssBeforeMiB: before.rss,
      peakRssMiB: after.peak,
      generateSeconds: Number(generateSeconds.toFixed(2)),
    };
    if (options.json) console.log(JSON.stringify(result));
    else {
      console.log(
        `${result.rows} ${result.topic} rows (.${result.format}, chunks of ${result.chunk}) in ${result.seconds} s: ` +
          `${result.rowsPerSecond} rows/s; service RSS ${result.rssBeforeMiB} MiB before, peak ${result.peakRssMiB} MiB`,
      );
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r()));
    rmSync(inbox, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`benchmark: ${error.message}`);
  process.exit(1);
});
