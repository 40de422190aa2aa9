'use strict';
/**
 * The peer a user would pick instead: the MongoDB Kafka sink connector (Kafka Connect standalone),
 * run by tools/benchmarks/connect-sink/run.js, on the pipeline's own transactions topic into the
 * same server: InsertOne mode (not idempotent) over BENCH_PIPELINE_RECORDS records, and the
 * idempotent upsert mode over BENCH_CONNECT_UPSERT_RECORDS (it is far slower).
 */
const { eventChunks } = require('../events');
const { produceAll, messageCount } = require('../kafka');
const { runTool, lastJsonLine } = require('../external-tool');

const RUNNER = 'tools/benchmarks/connect-sink/run.js';

async function sinkRun(ctx, mode, expect) {
  const { config, infra } = ctx;
  const args = [
    '--topic', ctx.topic('transactions'),
    '--mongo-uri', infra.mongoUri,
    '--kafka', infra.kafka,
    '--database', ctx.connectDatabase,
    '--collection', `transactions_${mode}`,
    '--mode', mode,
    '--expect', String(expect),
  ];
  ctx.log(`connect sink (${mode}): node ${RUNNER} ${args.join(' ')}`);
  const run = await runTool(RUNNER, args, { timeoutSeconds: config.connectTimeoutSeconds });
  if (!run.available) return { mode, expect, available: false, why: run.why };
  const result = lastJsonLine(run.stdout);
  if (run.code !== 0 || !result || !Number.isFinite(result.recordsPerSecond)) {
    const why = `runner exited with ${run.code}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`;
    return { mode, expect, available: false, why };
  }
  ctx.log(`  ${mode}: ${Math.round(result.recordsPerSecond)} records/s`);
  return { mode, expect, available: true, ...result };
}

async function runConnect(ctx) {
  const { config } = ctx;
  // The topic holds the pipeline's records; when the pipeline phase did not run, it gets its own.
  const present = await messageCount(ctx.kafka.admin, ctx.topic('transactions'));
  if (present < config.pipelineRecords) {
    ctx.log(`connect: producing ${config.pipelineRecords - present} transactions to ${ctx.topic('transactions')} first`);
    for (const chunk of eventChunks({ topic: 'transactions', count: config.pipelineRecords - present, days: config.transactionDays, end: Date.now(), idPrefix: `${ctx.runId}-k`, seed: 4_242, customers: config.customers })) {
      await produceAll(ctx.kafka.producer, ctx.topic('transactions'), chunk);
    }
  }
  ctx.sampler.setPhase('connect');
  try {
    const insert = await sinkRun(ctx, 'insert', config.pipelineRecords);
    const upsert = insert.available || !/not in this checkout/.test(insert.why) ? await sinkRun(ctx, 'upsert', config.connectUpsertRecords) : { mode: 'upsert', available: false, why: insert.why };
    return { insert, upsert };
  } finally {
    ctx.sampler.setPhase('between');
    await ctx.mongo.db(ctx.connectDatabase).dropDatabase().catch(() => undefined);
  }
}

module.exports = { runConnect };
