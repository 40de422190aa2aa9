'use strict';
/**
 * Reads at each size (BENCH_SIZES): the storage holds exactly that many transactions and network
 * logs (seeded through Kafka), then each read is timed through the gateway and straight to the
 * owning service: p50/p99 over BENCH_READ_REQUESTS sequential requests after BENCH_WARMUP.
 */
const { random } = require('../../../sample-data/generate.js');
const { token, timed, json, bearer } = require('../http');
const { seedTopic } = require('../seed');
const { percentile } = require('../stats');
const { STORES, storedCount, freshStorage } = require('../storage');

const HOUR_MS = 3600 * 1000;
const TOPICS = ['transactions', 'network_logs'];
/** Filter field per resource: the per-record read a user makes most. */
const FILTER = { transactions: 'customerId', network_logs: 'sourceIp' };

/** Ids and filter values of stored records, from pages of random one-hour windows (direct, not timed). */
async function sampleRecords(ctx, topic, end) {
  const { config } = ctx;
  const days = topic === 'transactions' ? config.transactionDays : config.networkLogDays;
  const r = random(77);
  const url = `${ctx.stack.services.get(STORES[topic].service).url}/${STORES[topic].resource}`;
  const internal = { headers: ctx.stack.internalHeaders(STORES[topic].service) };
  const ids = new Set();
  const values = new Set();
  for (let attempt = 0; attempt < 40 && ids.size < 200; attempt++) {
    const from = end - days * 24 * HOUR_MS + r.next() * (days * 24 - 6) * HOUR_MS;
    const page = await json(
      `${url}?limit=50&from=${new Date(from).toISOString()}&to=${new Date(from + 6 * HOUR_MS).toISOString()}`,
      internal,
    );
    for (const item of page.items) {
      ids.add(item.id);
      if (item[FILTER[topic]] !== undefined) values.add(item[FILTER[topic]]);
    }
  }
  if (!ids.size) throw new Error(`no ${topic} found in the last ${days} days: is the storage empty?`);
  const first = await json(`${url}?limit=50`, internal);
  return { ids: [...ids], values: [...values], cursor: first.nextCursor, end, days };
}

/** The reads of one resource, each a function of a seeded random giving the path + query. */
function readsOf(topic, sample) {
  const resource = STORES[topic].resource;
  const span = sample.days * 24 * HOUR_MS;
  const pick = (r, list) => list[Math.floor(r.next() * list.length)];
  const reads = [
    { name: 'list, limit 50', path: () => `/${resource}?limit=50` },
    {
      name: 'next page (cursor)',
      path: () => `/${resource}?limit=50&cursor=${encodeURIComponent(sample.cursor)}`,
      skip: !sample.cursor && 'fewer than 50 records',
    },
    {
      name: `${FILTER[topic]} filter`,
      path: (r) => `/${resource}?limit=50&${FILTER[topic]}=${encodeURIComponent(pick(r, sample.values))}`,
    },
    {
      name: 'one-hour from/to',
      path: (r) => {
        const from = sample.end - span + r.next() * (span - HOUR_MS);
        return `/${resource}?limit=50&from=${new Date(from).toISOString()}&to=${new Date(from + HOUR_MS).toISOString()}`;
      },
    },
    { name: 'by id', path: (r) => `/${resource}/${encodeURIComponent(pick(r, sample.ids))}` },
  ];
  return reads;
}

/** Sequential requests: warm-up, then `count` timed ones. Same query sequence for every target. */
async function measure(baseUrl, headers, path, { warmup, count, seed }) {
  const r = random(seed);
  const times = [];
  const statuses = {};
  for (let i = 0; i < warmup + count; i++) {
    const answer = await timed(`${baseUrl}${path(r)}`, { headers });
    if (i < warmup) continue;
    times.push(answer.ms);
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  }
  const errors = Object.entries(statuses)
    .filter(([status]) => status !== '200')
    .reduce((sum, [, n]) => sum + n, 0);
  return { p50: percentile(times, 50), p99: percentile(times, 99), n: times.length, errors, statuses };
}

/** Issue 11's statistics of a resource: the last day by hour, and its whole span by day. */
function statsReadsOf(topic, sample) {
  const resource = STORES[topic].resource;
  const iso = (time) => new Date(time).toISOString();
  const lastDay = `from=${iso(sample.end - 24 * HOUR_MS)}&to=${iso(sample.end)}`;
  const span = `from=${iso(sample.end - sample.days * 24 * HOUR_MS)}&to=${iso(sample.end)}`;
  return [
    { name: 'stats, last 24 h by hour', path: () => `/${resource}/stats?interval=hour&${lastDay}` },
    { name: `stats, ${sample.days} days by day`, path: () => `/${resource}/stats?interval=day&${span}` },
  ];
}

async function readFigures(ctx, topic, sample, accessToken, reads = readsOf(topic, sample)) {
  const { config } = ctx;
  const gateway = ctx.stack.services.get('api-gateway').url;
  const direct = ctx.stack.services.get(STORES[topic].service).url;
  const figures = [];
  for (const [index, read] of reads.entries()) {
    if (read.skip) {
      figures.push({ read: read.name, skipped: read.skip });
      continue;
    }
    const options = { warmup: config.warmup, count: config.readRequests, seed: 100 + index };
    const directFigure = await measure(direct, ctx.stack.internalHeaders(STORES[topic].service), read.path, options);
    const gatewayFigure = await measure(gateway, bearer(accessToken), read.path, options);
    figures.push({
      read: read.name,
      gateway: gatewayFigure,
      direct: directFigure,
      overheadMs: gatewayFigure.p50 - directFigure.p50,
    });
    ctx.log(
      `  ${STORES[topic].resource} ${read.name}: gateway p50 ${gatewayFigure.p50.toFixed(1)} / p99 ${gatewayFigure.p99.toFixed(1)} ms, ` +
        `direct p50 ${directFigure.p50.toFixed(1)} / p99 ${directFigure.p99.toFixed(1)} ms` +
        (gatewayFigure.errors + directFigure.errors ? ` (${gatewayFigure.errors + directFigure.errors} non-200)` : ''),
    );
  }
  return figures;
}

/**
 * Brings each topic to `size` records seeded over its time span: from empty storage when allowed
 * (exactly `size` stored), else by adding to what this run seeded before (at least `size` stored).
 */
async function fillTo(ctx, size, end) {
  if (ctx.fresh) {
    await freshStorage(ctx.mongo, ctx.stack, TOPICS, ctx.log);
    for (const topic of TOPICS) ctx.seeded[topic] = 0;
  }
  ctx.sampler.setPhase('seeding');
  const seeds = await Promise.all(
    TOPICS.map(async (topic, index) => {
      const count = Math.max(0, size - (ctx.seeded[topic] ?? 0));
      const seed = await seedTopic(ctx, topic, { count, end, idPrefix: `${ctx.runId}-s${size}`, seed: size + index });
      ctx.seeded[topic] = (ctx.seeded[topic] ?? 0) + seed.produced;
      return seed;
    }),
  );
  ctx.sampler.setPhase('between');
  return seeds;
}

async function runReads(ctx) {
  const { config, log } = ctx;
  const accessToken = await token(ctx.stack.services.get('api-gateway').url, ctx.stack.admin);
  const sizes = [];
  for (const size of config.sizes) {
    const end = Date.now();
    log(`reads at ${size}: seeding transactions and network logs through Kafka`);
    const seeds = await fillTo(ctx, size, end);
    for (const seed of seeds)
      log(
        `  ${seed.topic}: ${seed.produced} produced, ${seed.total} stored, ${Math.round(seed.recordsPerSecond)} records/s`,
      );
    ctx.sampler.setPhase('reads');
    const byTopic = {};
    for (const topic of TOPICS) {
      const sample = await sampleRecords(ctx, topic, end);
      byTopic[topic] = {
        stored: await storedCount(ctx.mongo, topic),
        figures: await readFigures(ctx, topic, sample, accessToken),
        statsFigures: await readFigures(ctx, topic, sample, accessToken, statsReadsOf(topic, sample)),
      };
      ctx.samples[topic] = sample;
    }
    ctx.sampler.setPhase('between');
    sizes.push({ size, seeds, byTopic });
  }
  return { sizes };
}

module.exports = { runReads, sampleRecords, fillTo };
