'use strict';
/**
 * Pipeline vs ceiling. N transactions end to end, (a) pushed over HTTP to /ingest through the
 * gateway by a few concurrent clients in batches, (b) dropped as one CSV file into the inbox, each
 * timed until every record is stored (the consumer group has committed everything, then the
 * stored count is checked). Ceiling: the same stored documents insertMany-ed by this one process.
 */
const { existsSync, mkdirSync, renameSync } = require('node:fs');
const { basename, join } = require('node:path');
const { performance } = require('node:perf_hooks');
const { generateFile } = require('../../../sample-data/generate.js');
const { transactionRows } = require('../events');
const { token, timed, bearer } = require('../http');
const { waitUntilConsumed } = require('../kafka');
const { spread } = require('../stats');
const {
  storedCount,
  waitForStored,
  freshStorage,
  storedDocuments,
  ceilingRate,
  secondaryIndexes,
  removeRunRecords,
} = require('../storage');

const TOPIC = 'transactions';

function waitForCount(ctx, expected, timeoutMs = 60_000) {
  return waitForStored(ctx.mongo, TOPIC, expected, timeoutMs);
}

/** POSTs the batches with `clients` concurrent clients; 429/503 are retried (counted). */
async function pushAll(url, accessToken, bodies, clients) {
  let next = 0;
  const outcome = { accepted: 0, retries: 0, failures: [] };
  const client = async () => {
    while (next < bodies.length) {
      const { body, size } = bodies[next++];
      for (let attempt = 1; ; attempt++) {
        const answer = await timed(url, {
          method: 'POST',
          headers: { ...bearer(accessToken), 'content-type': 'application/json' },
          body,
        });
        if (answer.status === 202) {
          const { accepted } = JSON.parse(answer.text);
          outcome.accepted += accepted;
          if (accepted !== size)
            outcome.failures.push(`a batch of ${size} had ${accepted} accepted: ${answer.text.slice(0, 200)}`);
          break;
        }
        if ((answer.status === 429 || answer.status === 503 || answer.status === 0) && attempt < 5) {
          outcome.retries++;
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          continue;
        }
        outcome.failures.push(`POST /ingest/transactions answered ${answer.status}: ${answer.text.slice(0, 200)}`);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return outcome;
}

async function httpRun(ctx, repeat, accessToken) {
  const { config, stack } = ctx;
  const rows = transactionRows(config.pipelineRecords, `${ctx.runId}-h${repeat}`, 1_000 + repeat);
  const bodies = [];
  for (let i = 0; i < rows.length; i += config.httpBatch) {
    const batch = rows.slice(i, i + config.httpBatch);
    bodies.push({ body: JSON.stringify(batch), size: batch.length });
  }
  const before = await storedCount(ctx.mongo, TOPIC);
  ctx.sampler.setPhase('pipeline');
  const started = performance.now();
  const push = await pushAll(
    `${stack.services.get('api-gateway').url}/ingest/${TOPIC}`,
    accessToken,
    bodies,
    config.httpClients,
  );
  const pushSeconds = (performance.now() - started) / 1000;
  await waitUntilConsumed(ctx.kafka.inspector, ctx.groupId(TOPIC), ctx.topic(TOPIC), {
    timeoutMs: config.storeTimeoutSeconds * 1000,
  });
  const seconds = (performance.now() - started) / 1000;
  ctx.sampler.setPhase('between');
  const stored = (await waitForCount(ctx, before + push.accepted)) - before;
  return {
    records: config.pipelineRecords,
    accepted: push.accepted,
    stored,
    seconds,
    pushSeconds,
    recordsPerSecond: stored / seconds,
    retries: push.retries,
    failures: push.failures,
  };
}

async function csvRun(ctx, repeat) {
  const { config, stack } = ctx;
  const file = await generateFile({
    topic: TOPIC,
    format: 'csv',
    rows: config.pipelineRecords,
    dir: join(ctx.runDir, 'staging'),
    prefix: `${ctx.runId}-c${repeat}`,
    seed: 2_000 + repeat,
  });
  const inbox = join(stack.inbox, TOPIC);
  mkdirSync(inbox, { recursive: true });
  const name = basename(file.path);
  const before = await storedCount(ctx.mongo, TOPIC);
  ctx.sampler.setPhase('pipeline');
  const started = performance.now();
  renameSync(file.path, join(inbox, name));
  const processed = async () => {
    if (existsSync(join(inbox, 'failed', name)))
      throw new Error(`the inbox refused ${name}: see ${join(inbox, 'failed')}`);
    return existsSync(join(inbox, 'processed', name));
  };
  await waitUntilConsumed(ctx.kafka.inspector, ctx.groupId(TOPIC), ctx.topic(TOPIC), {
    timeoutMs: config.storeTimeoutSeconds * 1000,
    alsoDone: processed,
  });
  const seconds = (performance.now() - started) / 1000;
  ctx.sampler.setPhase('between');
  const stored = (await waitForCount(ctx, before + config.pipelineRecords)) - before;
  return { records: config.pipelineRecords, stored, seconds, recordsPerSecond: stored / seconds };
}

async function ceilingRuns(ctx, repeat) {
  const { config, mongo } = ctx;
  const batches = await storedDocuments(mongo, TOPIC, config.pipelineRecords, config.ceilingBatch);
  const indexes = await secondaryIndexes(mongo, TOPIC);
  const database = `bench_ceiling_${ctx.runId}`;
  const raw = await ceilingRate(mongo, batches, { database, collection: `raw_${repeat}` });
  const indexed = await ceilingRate(mongo, batches, { database, collection: `indexed_${repeat}`, indexes });
  await mongo.db(database).dropDatabase();
  return { raw, indexed, indexes: indexes.length };
}

async function runPipeline(ctx) {
  const { config, log } = ctx;
  const accessToken = await token(ctx.stack.services.get('api-gateway').url, ctx.stack.admin);
  const repeats = [];
  for (let repeat = 1; repeat <= config.repeats; repeat++) {
    if (ctx.fresh) await freshStorage(ctx.mongo, ctx.stack, [TOPIC], log);
    log(`pipeline ${repeat}/${config.repeats}: HTTP push of ${config.pipelineRecords} transactions`);
    const http = await httpRun(ctx, repeat, accessToken);
    log(`  HTTP: ${Math.round(http.recordsPerSecond)} records/s (${http.seconds.toFixed(1)} s)`);
    log(
      `pipeline ${repeat}/${config.repeats}: ceiling (insertMany of the stored documents, batches of ${config.ceilingBatch})`,
    );
    const ceiling = await ceilingRuns(ctx, repeat);
    log(
      `  ceiling: ${Math.round(ceiling.raw.recordsPerSecond)} records/s; with the service's ${ceiling.indexes} indexes ${Math.round(ceiling.indexed.recordsPerSecond)}`,
    );
    if (ctx.fresh) await freshStorage(ctx.mongo, ctx.stack, [TOPIC], log);
    log(`pipeline ${repeat}/${config.repeats}: CSV file of ${config.pipelineRecords} transactions into the inbox`);
    const csv = await csvRun(ctx, repeat);
    log(`  CSV: ${Math.round(csv.recordsPerSecond)} records/s (${csv.seconds.toFixed(1)} s)`);
    repeats.push({
      repeat,
      http,
      csv,
      ceiling,
      httpRatio: http.recordsPerSecond / ceiling.raw.recordsPerSecond,
      csvRatio: csv.recordsPerSecond / ceiling.raw.recordsPerSecond,
    });
  }
  if (!ctx.fresh) {
    // Shared storage: the pipeline's records would otherwise weigh on the read figures that follow.
    log(
      `removing the pipeline's records: ${JSON.stringify(await removeRunRecords(ctx.mongo, ctx.runId, { transactionsOnly: true, idPattern: '[hc][0-9]+-' }))}`,
    );
  }
  const of = (pick) => spread(repeats.map(pick));
  return {
    records: config.pipelineRecords,
    repeats,
    http: of((r) => r.http.recordsPerSecond),
    csv: of((r) => r.csv.recordsPerSecond),
    ceiling: of((r) => r.ceiling.raw.recordsPerSecond),
    ceilingIndexed: of((r) => r.ceiling.indexed.recordsPerSecond),
    httpRatio: of((r) => r.httpRatio),
    csvRatio: of((r) => r.csvRatio),
  };
}

module.exports = { runPipeline, waitForCount };
