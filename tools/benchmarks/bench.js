#!/usr/bin/env node
/**
 * `npm run bench`: the lake-scale benchmarks of issue 10, written to docs/BENCHMARKS.md and printed.
 *
 * Starts what it needs (the "bench" infra instance, or the servers of BENCH_KAFKA/BENCH_MONGO_URI;
 * the six built services on free ports with a fresh topic prefix), then runs the phases:
 *   pipeline  HTTP push and CSV inbox end to end vs the insertMany ceiling (BENCH_REPEATS times)
 *   connect   the MongoDB Kafka sink connector on the same topic (tools/benchmarks/connect-sink/run.js)
 *   reads     each read at each size (BENCH_SIZES), through the gateway and direct, p50/p99
 *   quota     150 concurrent requests of one user against a quota of 100
 *   writes    PUT p50; redelivery of already-stored records vs new ones, duplicates
 *   overhead  tools/benchmarks/gateway-overhead.js, quoted
 * sampling the RSS of every process throughout. Stops all it started.
 *
 *   npm run bench    # builds the services first (Nx cache when unchanged); full run: 1 to 1.5 hours
 *   BENCH_QUICK=1 npm run bench                    # 10k records, 1 repeat: a few minutes
 *   BENCH_KAFKA=127.0.0.1:19092 BENCH_MONGO_URI=mongodb://127.0.0.1:27018 BENCH_QUICK=1 npm run bench
 *
 * Every setting is a BENCH_* variable: see tools/benchmarks/bench/config.js and docs/BENCHMARKS.md.
 */
'use strict';

const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync, writeFileSync, mkdirSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, resolve } = require('node:path');
const { loadConfig, benchEnvironment } = require('./bench/config');
const { startInfra } = require('./bench/infra');
const { startStack, stopAllServices } = require('./bench/stack');
const { stopAllTools } = require('./bench/external-tool');
const { connectKafka } = require('./bench/kafka');
const { connectMongo, removeRunRecords } = require('./bench/storage');
const { RssSampler } = require('./bench/rss-sampler');
const { describeMachine } = require('./bench/machine');
const { renderReport } = require('./bench/report');
const { runPipeline } = require('./bench/phases/pipeline');
const { runConnect } = require('./bench/phases/connect');
const { runReads } = require('./bench/phases/reads');
const { runQuota } = require('./bench/phases/quota');
const { runWrites } = require('./bench/phases/writes');
const { runOverhead } = require('./bench/phases/overhead');

const ROOT = resolve(__dirname, '..', '..');
const PHASE_RUNNERS = {
  pipeline: runPipeline,
  connect: runConnect,
  reads: runReads,
  quota: runQuota,
  writes: runWrites,
  overhead: runOverhead,
};
const RSS_PHASES = ['pipeline', 'connect', 'seeding', 'reads', 'writes', 'redelivery', 'overhead'];
const startedAt = Date.now();

function log(message) {
  const elapsed = ((Date.now() - startedAt) / 1000).toFixed(0).padStart(5);
  console.error(`[bench ${elapsed}s] ${message}`);
}

/** Cleanups of what the run started, newest first; also run on Ctrl-C / SIGTERM. */
const cleanups = [];
let interrupted = false;
let cleaning;
/** Runs once, whoever asks first (the end of main, or a signal). */
function cleanUp() {
  cleaning ??= (async () => {
    await stopAllTools();
    await stopAllServices();
    while (cleanups.length)
      await Promise.resolve()
        .then(cleanups.shift())
        .catch((error) => log(`cleanup: ${error.message}`));
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping what the run started`);
    cleanUp().finally(() => process.exit(130));
  });
}

async function main() {
  const config = loadConfig();
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const runDir = mkdtempSync(join(tmpdir(), 'datalake-bench-'));
  log(
    `run ${runId}: phases ${config.phases.join(', ')}, sizes ${config.sizes.join(', ')}, repeats ${config.repeats}; work dir ${runDir}`,
  );
  // BENCH_NOTE: a line of context for the report's notes (what was merged, what else ran).
  const results = {
    config,
    notes: process.env.BENCH_NOTE ? [process.env.BENCH_NOTE] : [],
    environment: benchEnvironment(),
  };
  let stack;
  try {
    const infra = await startInfra(config, log);
    cleanups.unshift(() => infra.stop());
    const mongo = await connectMongo(infra.mongoUri);
    cleanups.unshift(() => mongo.close());
    stack = await startStack({
      kafka: infra.kafka,
      mongoUri: infra.mongoUri,
      runDir,
      log,
      nodeOptions: config.serviceNodeOptions,
    });
    cleanups.unshift(() => stack.stop());
    const kafka = connectKafka(infra.kafka);
    await kafka.connect();
    cleanups.unshift(() => kafka.disconnect());

    const fresh = config.allowDrop ?? infra.owned;
    if (!fresh) {
      cleanups.unshift(async () =>
        log(
          `removed this run's records from the shared servers: ${JSON.stringify(await removeRunRecords(mongo, runId))}`,
        ),
      );
    }
    if (!fresh)
      results.notes.push(
        `Storage was shared (${infra.origin}): records were added to what the servers held, never dropped, and other writers may have been active.`,
      );
    results.infra = {
      kafka: infra.kafka,
      mongoUri: infra.mongoUri,
      origin: infra.origin,
      owned: infra.owned,
      fresh,
      postgres: infra.hasPostgres(),
    };
    results.raisedQuota = stack.raisedQuota;
    const sampler = new RssSampler(
      () => [
        ...stack.all.map((service) => ({
          name: service.name,
          kind: 'service',
          pids: () => (service.pid ? [service.pid] : []),
        })),
        ...infra.serverTargets,
      ],
      config.rssIntervalMs,
    );
    sampler.start();
    cleanups.unshift(() => sampler.stop());
    sampler.setPhase('idle');
    await new Promise((done) => setTimeout(done, 5_000));
    sampler.setPhase('between');

    const ctx = {
      config,
      runId,
      runDir,
      infra,
      stack,
      mongo,
      kafka,
      sampler,
      fresh,
      log,
      samples: {},
      /** Records of each topic this run seeded over the topic's time span (reads, writes). */
      seeded: {},
      connectDatabase: `bench_connect_${runId}`,
      topic: (topic) => `${stack.prefix}${topic}`,
      groupId: (topic) => `${stack.prefix}${topic}-consumer`,
    };
    for (const phase of config.phases) {
      if (interrupted) break;
      try {
        results[phase] = await PHASE_RUNNERS[phase](ctx);
      } catch (error) {
        log(`phase ${phase} failed: ${error.stack ?? error}`);
        results.notes.push(`Phase **${phase}** failed: ${String(error.message).split('\n')[0].slice(0, 500)}`);
      }
    }
    sampler.stop();
    results.rss = sampler.report(RSS_PHASES);
    results.rssPhases = RSS_PHASES.filter((phase) => results.rss.some((entry) => entry.peaks[phase] !== undefined));
    results.machine = await describeMachine(mongo);
  } finally {
    await cleanUp();
  }
  if (interrupted) return;
  results.durationSeconds = (Date.now() - startedAt) / 1000;
  if (!results.machine) throw new Error('the benchmark did not get as far as measuring anything');
  const report = renderReport(results);
  const out = resolve(ROOT, config.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report);
  if (config.json) writeFileSync(resolve(ROOT, config.json), `${JSON.stringify(results, null, 2)}\n`);
  console.log(report);
  log(`wrote ${out}; service logs kept in ${join(runDir, 'logs')}`);
  rmSync(join(runDir, 'inbox'), { recursive: true, force: true });
  rmSync(join(runDir, 'staging'), { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (error) => {
    log(`failed: ${error.stack ?? error}`);
    process.exit(1);
  },
);
