'use strict';
/**
 * The peer a user would pick instead: the MongoDB Kafka sink connector (Kafka Connect standalone),
 * run by tools/benchmarks/connect-sink/run.js into the same server, with the transactions
 * consumer's indexes: InsertOne mode (not idempotent) over BENCH_PIPELINE_RECORDS transactions, as
 * many as a pipeline run, and the idempotent upsert mode over BENCH_CONNECT_UPSERT_RECORDS (it is
 * far slower). The runner consumes a whole topic, so each mode gets a topic holding just those,
 * produced like the services' topics (event envelopes keyed by transactionId, 3 partitions).
 */
const { eventChunks } = require('../events');
const { produceAll, messageCount } = require('../kafka');
const { runTool, lastJsonLine } = require('../external-tool');

const RUNNER = 'tools/benchmarks/connect-sink/run.js';

async function sinkRun(ctx, mode, topic, expect) {
  const { config, infra } = ctx;
  const args = [
    '--topic',
    topic,
    '--mongo-uri',
    infra.mongoUri,
    '--kafka',
    infra.kafka,
    '--database',
    ctx.connectDatabase,
    '--collection',
    `transactions_${mode}`,
    '--mode',
    mode,
    '--expect',
    String(expect),
    '--indexes',
    'consumer',
    '--timeout',
    String(config.connectTimeoutSeconds),
  ];
  ctx.log(`connect sink (${mode}): node ${RUNNER} ${args.join(' ')}`);
  const run = await runTool(RUNNER, args, { timeoutSeconds: config.connectTimeoutSeconds + 120 });
  if (!run.available) return { mode, expect, available: false, why: run.why };
  const result = lastJsonLine(run.stdout);
  if (run.code !== 0 || !result || !Number.isFinite(result.recordsPerSecond)) {
    const why = `runner exited with ${run.code}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`;
    return { mode, expect, available: false, why };
  }
  ctx.log(`  ${mode}: ${Math.round(result.recordsPerSecond)} records/s`);
  return { mode, expect, available: true, ...result };
}

async function produceTransactions(ctx, topic, count, idPrefix) {
  const { config } = ctx;
  for (const chunk of eventChunks({
    topic: 'transactions',
    count,
    days: config.transactionDays,
    end: Date.now(),
    idPrefix,
    seed: 4_242,
    customers: config.customers,
  })) {
    await produceAll(ctx.kafka.producer, topic, chunk);
  }
}

async function runConnect(ctx) {
  const { config } = ctx;
  ctx.sampler.setPhase('connect');
  try {
    // Topics of its own with exactly the records each mode is timed on (the pipeline's topic holds
    // every repeat's records by now): the same envelopes, keys and partitions as the services' topic.
    const insertTopic = ctx.topic('connect-insert');
    await ctx.kafka.createTopics([{ topic: insertTopic, numPartitions: 3 }]);
    await produceTransactions(ctx, insertTopic, config.pipelineRecords, `${ctx.runId}-k`);
    const insert = await sinkRun(ctx, 'insert', insertTopic, await messageCount(ctx.kafka.inspector, insertTopic));
    if (!insert.available && /not in this checkout/.test(insert.why))
      return {
        insert,
        upsert: { mode: 'upsert', expect: config.connectUpsertRecords, available: false, why: insert.why },
      };
    const upsertTopic = ctx.topic('connect-upsert');
    await ctx.kafka.createTopics([{ topic: upsertTopic, numPartitions: 3 }]);
    await produceTransactions(ctx, upsertTopic, config.connectUpsertRecords, `${ctx.runId}-u`);
    const upsert = await sinkRun(ctx, 'upsert', upsertTopic, config.connectUpsertRecords);
    return { insert, upsert };
  } finally {
    ctx.sampler.setPhase('between');
    await ctx.mongo
      .db(ctx.connectDatabase)
      .dropDatabase()
      .catch(() => undefined);
  }
}

module.exports = { runConnect };
