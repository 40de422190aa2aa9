'use strict';
/**
 * Writes: `PUT /transactions/:id` p50/p99 through the gateway and direct; then a redelivery:
 * BENCH_REDELIVERY_RECORDS new transactions produced and timed until stored (the new-record
 * rate), then the very same messages produced again and timed until consumed: the stored count
 * must not move (no duplicate).
 */
const { random } = require('../../../sample-data/generate.js');
const { token, timed, bearer } = require('../http');
const { seedTopic, redeliver } = require('../seed');
const { percentile } = require('../stats');
const { storedCount } = require('../storage');
const { sampleRecords, fillTo } = require('./reads');

const STATUSES = ['pending', 'completed', 'refunded', 'completed'];

async function putFigure(baseUrl, headers, ids, { warmup, count, seed }) {
  const r = random(seed);
  const times = [];
  const statuses = {};
  for (let i = 0; i < warmup + count; i++) {
    const id = ids[Math.floor(r.next() * ids.length)];
    const body = JSON.stringify({ status: STATUSES[i % STATUSES.length], merchant: `bench merchant ${i}` });
    const answer = await timed(`${baseUrl}/transactions/${encodeURIComponent(id)}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
    });
    if (i < warmup) continue;
    times.push(answer.ms);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  }
  const errors = Object.entries(statuses)
    .filter(([status]) => status !== '200')
    .reduce((sum, [, n]) => sum + n, 0);
  return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length, errors, statuses };
}

async function runWrites(ctx) {
  const { config, log } = ctx;
  if (!ctx.seeded.transactions) {
    log(`writes: the reads phase did not seed, seeding ${config.sizes[0]} records first`);
    await fillTo(ctx, config.sizes[0], Date.now());
  }
  const sample = ctx.samples.transactions ?? (await sampleRecords(ctx, 'transactions', Date.now()));
  const gateway = ctx.stack.services.get('api-gateway').url;
  const direct = ctx.stack.services.get('transactions-consumer').url;
  const accessToken = await token(gateway, ctx.stack.admin);
  const options = { warmup: config.warmup, count: config.putRequests, seed: 500 };
  ctx.sampler.setPhase('writes');
  const put = {
    direct: await putFigure(direct, ctx.stack.internalHeaders('transactions-consumer'), sample.ids, options),
    gateway: await putFigure(gateway, bearer(accessToken), sample.ids, options),
  };
  log(
    `PUT /transactions/:id: gateway p50 ${put.gateway.p50.toFixed(1)} ms, direct p50 ${put.direct.p50.toFixed(1)} ms`,
  );

  const storedBefore = await storedCount(ctx.mongo, 'transactions');
  const messages = [];
  log(`redelivery: ${config.redeliveryRecords} new transactions (new-record rate), stored ${storedBefore}`);
  ctx.sampler.setPhase('redelivery');
  const fresh = await seedTopic(ctx, 'transactions', {
    count: config.redeliveryRecords,
    end: Date.now(),
    idPrefix: `${ctx.runId}-r`,
    seed: 900,
    keep: messages,
  });
  log(
    `  new: ${Math.round(fresh.recordsPerSecond)} records/s (${fresh.seconds.toFixed(1)} s); redelivering the same ${messages.length}`,
  );
  const again = await redeliver(ctx, 'transactions', messages);
  ctx.sampler.setPhase('between');
  log(
    `  redelivered: ${Math.round(again.recordsPerSecond)} records/s (${again.seconds.toFixed(1)} s), count ${again.countBefore} -> ${again.countAfter}`,
  );
  return {
    put,
    redelivery: {
      storedBefore,
      records: config.redeliveryRecords,
      fresh,
      again,
      ratio: again.recordsPerSecond / fresh.recordsPerSecond,
    },
  };
}

module.exports = { runWrites };
