'use strict';
/** docs/BENCHMARKS.md from the results of one run: every figure beside its goal and its baseline. */
const { GOALS, BEFORE, beforeRead } = require('./goals');
const { STORES } = require('./storage');

const int = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–');
const ms = (value) => (!Number.isFinite(value) ? '–' : value < 10 ? value.toFixed(1) : int(value));
const ratio = (value) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const mib = (value) => (Number.isFinite(value) ? int(value) : '–');
const met = (ok) => (ok === undefined ? '–' : ok ? 'met' : '**not met**');
const sizeName = (size) =>
  size >= 1e6 && size % 1e6 === 0
    ? `${size / 1e6}M`
    : size >= 1e3 && size % 1e3 === 0
      ? `${size / 1e3}k`
      : String(size);
const spreadText = (s, format) =>
  s.n > 1 ? `${format(s.median)} (${format(s.min)}–${format(s.max)})` : format(s.median);

/** "3 × 504, 2 × no answer" from {status: count}; status 0 is a request that got no HTTP answer. */
const statusText = (statuses) =>
  Object.entries(statuses)
    .filter(([status]) => status !== '200')
    .map(([status, n]) => `${n} × ${status === '0' ? 'no answer (timeout or connection error)' : status}`)
    .join(', ');

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function machineSection(results) {
  const { machine, infra } = results;
  return [
    '## Machine',
    '',
    table(
      ['what', 'value'],
      [
        ['date', machine.date],
        ['CPUs (nproc)', String(machine.cpus)],
        ['CPU model', machine.cpuModel],
        ['memory', `${machine.memoryGiB.toFixed(1)} GiB`],
        ['kernel', machine.kernel],
        ['Node.js', machine.node],
        ['checkout', `${machine.branch} @ ${machine.commit}`],
        ['Kafka', `${infra.kafka} (${infra.origin})`],
        ['MongoDB wire server', `${infra.mongoUri}: ${machine.server}${infra.postgres ? ', PostgreSQL backend' : ''}`],
        [
          'storage between phases',
          infra.fresh
            ? 'fresh (consumers stopped, their databases dropped, started again)'
            : 'kept (shared servers: records are added, never dropped)',
        ],
        ['run took', `${(results.durationSeconds / 60).toFixed(1)} min`],
      ],
    ),
  ];
}

function commandsSection(results) {
  const { config } = results;
  return [
    '## How it was run',
    '',
    '```sh',
    'npm run build   # dist/apps/*/main.js, the bundles `npm start` runs',
    `${results.environment.length ? `${results.environment.join(' ')} ` : ''}npm run bench`,
    '```',
    '',
    table(
      ['setting', 'value'],
      [
        ['phases', config.phases.join(', ')],
        ['sizes (BENCH_SIZES)', config.sizes.map(sizeName).join(', ')],
        ['repeats (BENCH_REPEATS)', String(config.repeats)],
        ['pipeline records (BENCH_PIPELINE_RECORDS)', int(config.pipelineRecords)],
        [
          'HTTP push',
          `${config.httpClients} concurrent clients (BENCH_HTTP_CLIENTS), ${int(config.httpBatch)} records per request (BENCH_HTTP_BATCH), admin user`,
        ],
        [
          'ceiling',
          `insertMany by one process, batches of ${int(config.ceilingBatch)} (BENCH_CEILING_BATCH), unordered`,
        ],
        [
          'reads',
          `${config.readRequests} sequential requests per read and target after ${config.warmup} warm-up (BENCH_READ_REQUESTS, BENCH_WARMUP)`,
        ],
        [
          'quota',
          `QUOTA_PER_HOUR=${int(results.raisedQuota)} on the gateway of the pipeline and read figures (every request still counted); a second gateway with the default QUOTA_PER_HOUR=100 for the exactness figure`,
        ],
        [
          'seed data',
          `transactions over the last ${config.transactionDays} days and ${int(config.customers)} customerIds, network logs over the last ${config.networkLogDays} days, produced to Kafka in time order`,
        ],
        ['redelivery', `${int(config.redeliveryRecords)} records (BENCH_REDELIVERY_RECORDS)`],
        [
          'services',
          'the six built bundles with the .env.example defaults (LOG_LEVEL=info, KAFKA_TOPIC_PARTITIONS=3, …), a fresh KAFKA_TOPIC_PREFIX, a random JWT secret; ' +
            (config.serviceNodeOptions
              ? `NODE_OPTIONS=\`${config.serviceNodeOptions}\` (BENCH_NODE_OPTIONS)`
              : "Node's default heap sizing (BENCH_NODE_OPTIONS unset)"),
        ],
      ],
    ),
  ];
}

function goalRows(results) {
  const rows = [];
  const { pipeline, connect, reads, quota, writes, rss } = results;
  if (pipeline) {
    rows.push([
      'pipeline / ceiling, HTTP push',
      `≥ ${GOALS.pipelineRatio}`,
      spreadText(pipeline.httpRatio, ratio),
      BEFORE.pipelineRatio,
      met(pipeline.httpRatio.median >= GOALS.pipelineRatio),
    ]);
    rows.push([
      'pipeline / ceiling, CSV inbox',
      `≥ ${GOALS.pipelineRatio}`,
      spreadText(pipeline.csvRatio, ratio),
      BEFORE.pipelineRatio,
      met(pipeline.csvRatio.median >= GOALS.pipelineRatio),
    ]);
  }
  if (connect?.insert?.available && pipeline) {
    for (const [name, rate, before] of [
      ['HTTP push', pipeline.http.median, '0.43'],
      ['CSV inbox', pipeline.csv.median, '0.51'],
    ]) {
      const value = rate / connect.insert.recordsPerSecond;
      rows.push([
        `pipeline (${name}) / Kafka Connect sink InsertOne`,
        `≥ ${GOALS.connectRatio}`,
        ratio(value),
        before,
        met(value >= GOALS.connectRatio),
      ]);
    }
  } else if (connect) {
    rows.push([
      'pipeline / Kafka Connect sink InsertOne',
      `≥ ${GOALS.connectRatio}`,
      `not available: ${connect.insert.why}`,
      '0.43–0.51',
      '–',
    ]);
  }
  if (reads?.sizes.length) {
    const largest = reads.sizes[reads.sizes.length - 1];
    const first = reads.sizes[0];
    const all = Object.values(largest.byTopic).flatMap(({ figures }) => figures.filter((figure) => !figure.skipped));
    const worstP50 = Math.max(...all.map((figure) => figure.gateway.p50));
    const worstP99 = Math.max(...all.map((figure) => figure.gateway.p99));
    const failed = all.reduce((sum, figure) => sum + figure.gateway.errors + figure.direct.errors, 0);
    const failedText = failed ? `; **${failed} requests not answered 200**` : '';
    rows.push([
      `every read at ${sizeName(largest.size)}, through the gateway, p50`,
      `≤ ${GOALS.readP50Ms} ms`,
      `worst ${ms(worstP50)} ms${failedText}`,
      '1,406 ms at 10k, 9,760+ ms at 100k',
      met(!failed && worstP50 <= GOALS.readP50Ms),
    ]);
    rows.push([
      `every read at ${sizeName(largest.size)}, through the gateway, p99`,
      `≤ ${GOALS.readP99Ms} ms`,
      `worst ${ms(worstP99)} ms${failedText}`,
      '',
      met(!failed && worstP99 <= GOALS.readP99Ms),
    ]);
    if (reads.sizes.length > 1) {
      const growths = growthRows(reads)
        .map((row) => row.growth)
        .filter(Number.isFinite);
      const worst = Math.max(...growths);
      rows.push([
        `p50 at ${sizeName(largest.size)} / p50 at ${sizeName(first.size)} (gateway)`,
        `≤ ${GOALS.growth}×`,
        `worst ${ratio(worst)}×`,
        '~7× from 10k to 100k',
        met(worst <= GOALS.growth),
      ]);
    }
    const overheads = all.map((figure) => figure.overheadMs);
    const worstOverhead = Math.max(...overheads);
    rows.push([
      `gateway overhead at p50 (gateway − direct), at ${sizeName(largest.size)}`,
      `≤ ${GOALS.gatewayOverheadMs} ms`,
      `worst ${ms(worstOverhead)} ms, median ${ms(median(overheads))} ms`,
      '215 ms on GET /:id',
      met(worstOverhead <= GOALS.gatewayOverheadMs),
    ]);
  }
  if (quota) {
    const exact = quota.runs.every(
      (run) => run.ok === quota.expectedOk && run.refused === quota.expectedRefused && run.other === 0,
    );
    rows.push([
      `quota: ${quota.concurrent} concurrent requests of one user`,
      `exactly ${quota.expectedOk} × 200, ${quota.expectedRefused} × 429`,
      quota.runs.map((run) => `${run.ok}/${run.refused}${run.other ? ` (+${run.other} other)` : ''}`).join(', '),
      '',
      met(exact),
    ]);
  }
  if (writes) {
    const putErrors = writes.put.gateway.errors ? ` (**${statusText(writes.put.gateway.statuses)}**)` : '';
    rows.push([
      '`PUT /transactions/:id` p50 through the gateway',
      `≤ ${GOALS.putP50Ms} ms`,
      `${ms(writes.put.gateway.p50)} ms${putErrors}`,
      '',
      met(!writes.put.gateway.errors && writes.put.gateway.p50 <= GOALS.putP50Ms),
    ]);
    const { redelivery } = writes;
    rows.push([
      `redelivery of ${int(redelivery.records)} stored records / new-record rate`,
      `≥ ${GOALS.redeliveryRatio}`,
      ratio(redelivery.ratio),
      BEFORE.redelivery,
      met(redelivery.ratio >= GOALS.redeliveryRatio),
    ]);
    rows.push([
      'duplicates after the redelivery',
      '0',
      String(redelivery.again.duplicates),
      '',
      met(redelivery.again.duplicates === 0),
    ]);
  }
  if (rss) {
    const services = rss.filter((entry) => entry.kind === 'service');
    const worst = services.reduce((top, entry) => (entry.peak > (top?.peak ?? -1) ? entry : top), undefined);
    if (worst)
      rows.push([
        'RSS of each service, peak under load',
        `< ${GOALS.serviceRssMiB} MB`,
        `worst ${mib(worst.peak)} MiB (${worst.name})`,
        BEFORE.ingestRss,
        met(worst.peak < GOALS.serviceRssMiB),
      ]);
  }
  return rows;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

function pipelineSection({ pipeline }) {
  const rows = pipeline.repeats.map((r) => [
    String(r.repeat),
    `${int(r.http.recordsPerSecond)} (${r.http.seconds.toFixed(1)} s${r.http.retries ? `, ${r.http.retries} retries` : ''}${r.http.stored !== r.http.records ? `, **${int(r.http.stored)} stored**` : ''})`,
    `${int(r.csv.recordsPerSecond)} (${r.csv.seconds.toFixed(1)} s${r.csv.stored !== r.csv.records ? `, **${int(r.csv.stored)} stored**` : ''})`,
    int(r.ceiling.raw.recordsPerSecond),
    int(r.ceiling.indexed.recordsPerSecond),
    ratio(r.httpRatio),
    ratio(r.csvRatio),
  ]);
  rows.push([
    '**median (min–max)**',
    spreadText(pipeline.http, int),
    spreadText(pipeline.csv, int),
    spreadText(pipeline.ceiling, int),
    spreadText(pipeline.ceilingIndexed, int),
    spreadText(pipeline.httpRatio, ratio),
    spreadText(pipeline.csvRatio, ratio),
  ]);
  rows.push([
    'before (issue 10)',
    BEFORE.pipelineHttp,
    BEFORE.pipelineCsv,
    BEFORE.ceiling,
    '',
    BEFORE.pipelineRatio,
    BEFORE.pipelineRatio,
  ]);
  const failures = pipeline.repeats.flatMap((r) => r.http.failures);
  return [
    '## Pipeline vs ceiling',
    '',
    `${int(pipeline.records)} transactions end to end, timed from the first request (HTTP) or the file's arrival in the inbox (CSV) until the ` +
      'transactions consumer has committed every record (it commits only what is stored; the stored count is checked after). ' +
      'Ceiling: the same stored documents `insertMany`-ed into an empty collection of the same server by this one process; ' +
      '"with indexes" first creates the service collection\'s secondary indexes. Ratios use the plain ceiling. Records/s:',
    '',
    table(
      [
        'repeat',
        'HTTP push via gateway',
        'CSV file inbox',
        'ceiling',
        'ceiling with indexes',
        'HTTP / ceiling',
        'CSV / ceiling',
      ],
      rows,
    ),
    ...(failures.length ? ['', `Refused pushes: ${failures.slice(0, 5).join('; ')}`] : []),
  ];
}

function connectSection({ connect, pipeline }) {
  const row = (run, before) => {
    if (!run.available) return [run.mode, int(run.expect), `not available: ${run.why}`, '', '', '', before];
    return [
      run.mode === 'insert' ? 'InsertOne (not idempotent)' : 'upsert by _id = transactionId (idempotent)',
      int(run.records ?? run.expect),
      `${int(run.recordsPerSecond)}${run.seconds ? ` (${Number(run.seconds).toFixed(1)} s)` : ''}`,
      pipeline ? ratio(pipeline.http.median / run.recordsPerSecond) : '–',
      pipeline ? ratio(pipeline.csv.median / run.recordsPerSecond) : '–',
      mib(run.connectRssPeakMb),
      before,
    ];
  };
  return [
    '## The peer: MongoDB Kafka sink connector',
    '',
    '`tools/benchmarks/connect-sink/run.js` (mongo-kafka-connect on a Kafka Connect standalone worker, `--indexes consumer`: the transactions ' +
      "consumer's indexes created first) into the same server and Kafka, on topics shaped like the services' own (the same event envelopes keyed by " +
      'transactionId, 3 partitions): InsertOne over as many transactions as a pipeline run, upsert over BENCH_CONNECT_UPSERT_RECORDS. ' +
      "Timed from the task running until its group has committed the topic's end. Records/s, and this pipeline's median rate divided by it:",
    '',
    table(
      ['mode', 'records', 'records/s', 'our HTTP / it', 'our CSV / it', 'worker RSS peak (MiB)', 'before (issue 10)'],
      [row(connect.insert, BEFORE.connectInsert), row(connect.upsert, BEFORE.connectUpsert)],
    ),
  ];
}

function growthRows(reads) {
  const first = reads.sizes[0];
  const rows = [];
  for (const [topic, { figures }] of Object.entries(first.byTopic)) {
    for (const figure of figures) {
      if (figure.skipped) continue;
      const bySize = reads.sizes.map((size) => size.byTopic[topic].figures.find((other) => other.read === figure.read));
      const last = bySize[bySize.length - 1];
      rows.push({
        topic,
        read: figure.read,
        bySize,
        growth: last?.gateway ? last.gateway.p50 / figure.gateway.p50 : NaN,
      });
    }
  }
  return rows;
}

function readsSection({ reads }) {
  const lines = ['## Reads as the lake grows', ''];
  lines.push(
    'Each read timed one request after the other, through the gateway (JWT, session check, quota) and straight to the owning service. ' +
      `Goal through the gateway: p50 ≤ ${GOALS.readP50Ms} ms, p99 ≤ ${GOALS.readP99Ms} ms, p50 within ${GOALS.growth}× of the same read at the smallest size; ` +
      `gateway overhead (gateway p50 − direct p50) ≤ ${GOALS.gatewayOverheadMs} ms. Milliseconds:`,
  );
  const first = reads.sizes[0];
  for (const size of reads.sizes) {
    lines.push('', `### ${sizeName(size.size)} records per topic`, '');
    const stored = Object.entries(size.byTopic)
      .map(([topic, { stored }]) => `${int(stored)} ${topic}`)
      .join(', ');
    const seeded = size.seeds
      .map((seed) =>
        seed.produced
          ? `${seed.topic} ${int(seed.produced)} produced, stored at ${int(seed.recordsPerSecond)} records/s`
          : `${seed.topic} none needed`,
      )
      .join('; ');
    lines.push(`Stored: ${stored}. Seeding through Kafka: ${seeded}.`, '');
    const rows = [];
    for (const [topic, { figures }] of Object.entries(size.byTopic)) {
      for (const figure of figures) {
        const resource = STORES[topic].resource;
        if (figure.skipped) {
          rows.push([resource, figure.read, `skipped: ${figure.skipped}`, '', '', '', '', '', '', '']);
          continue;
        }
        const base = first.byTopic[topic].figures.find((other) => other.read === figure.read);
        const growth = base?.gateway ? figure.gateway.p50 / base.gateway.p50 : NaN;
        const errors = figure.gateway.errors + figure.direct.errors;
        const ok =
          !errors &&
          figure.gateway.p50 <= GOALS.readP50Ms &&
          figure.gateway.p99 <= GOALS.readP99Ms &&
          (size === first || growth <= GOALS.growth);
        rows.push([
          resource,
          figure.read +
            (errors
              ? ` (**non-200**: gateway ${statusText(figure.gateway.statuses) || 'none'}; direct ${statusText(figure.direct.statuses) || 'none'})`
              : ''),
          ms(figure.gateway.p50),
          ms(figure.gateway.p99),
          ms(figure.direct.p50),
          ms(figure.direct.p99),
          ms(figure.overheadMs),
          size === first ? '1.00' : ratio(growth),
          beforeRead(topic, figure.read, size.size),
          met(ok),
        ]);
      }
    }
    lines.push(
      table(
        [
          'resource',
          'read',
          'gateway p50',
          'gateway p99',
          'direct p50',
          'direct p99',
          'overhead p50',
          `p50 / p50 at ${sizeName(first.size)}`,
          'before (issue 10)',
          'goal',
        ],
        rows,
      ),
    );
  }
  if (reads.sizes.length > 1) {
    lines.push('', '### Growth (gateway p50, ms)', '');
    const rows = growthRows(reads).map((row) => [
      STORES[row.topic].resource,
      row.read,
      ...row.bySize.map((figure) => ms(figure?.gateway?.p50)),
      `${ratio(row.growth)}×`,
      met(row.growth <= GOALS.growth),
    ]);
    lines.push(
      table(
        [
          'resource',
          'read',
          ...reads.sizes.map((size) => sizeName(size.size)),
          `${sizeName(reads.sizes[reads.sizes.length - 1].size)} / ${sizeName(first.size)}`,
          `≤ ${GOALS.growth}×`,
        ],
        rows,
      ),
    );
  }
  return lines;
}

/** Issue 11's statistics reads at each size, beside their goal (p50 ≤ 200 ms through the gateway). */
function statsSection({ reads }) {
  const rows = [];
  for (const size of reads.sizes) {
    for (const [topic, { statsFigures }] of Object.entries(size.byTopic)) {
      for (const figure of statsFigures ?? []) {
        const errors = figure.gateway.errors + figure.direct.errors;
        rows.push([
          sizeName(size.size),
          STORES[topic].resource,
          figure.read + (errors ? ` (**${errors} non-200**)` : ''),
          ms(figure.gateway.p50),
          ms(figure.gateway.p99),
          ms(figure.direct.p50),
          ms(figure.direct.p99),
          met(!errors && figure.gateway.p50 <= GOALS.statsP50Ms),
        ]);
      }
    }
  }
  if (!rows.length) return [];
  return [
    '## Statistics (issue 11)',
    '',
    `\`GET /<resource>/stats\` answered from the counts pre-aggregated at write time, at each size. Goal through the gateway: p50 ≤ ${GOALS.statsP50Ms} ms at a million records. Milliseconds:`,
    '',
    table(['stored', 'resource', 'read', 'gateway p50', 'gateway p99', 'direct p50', 'direct p99', 'goal'], rows),
  ];
}

function quotaSection({ quota }) {
  return [
    '## Quota exactness under concurrency',
    '',
    `A fresh user of the gateway with QUOTA_PER_HOUR=${quota.limit} sends ${quota.concurrent} \`${quota.path}\` at once (one repeat per row):`,
    '',
    table(
      ['repeat', '200', '429', 'other', 'goal'],
      quota.runs.map((run) => [
        String(run.repeat),
        String(run.ok),
        String(run.refused),
        run.other
          ? `${run.other}: ${statusText(Object.fromEntries(Object.entries(run.statuses).filter(([status]) => status !== '429')))}`
          : '0',
        met(run.ok === quota.expectedOk && run.refused === quota.expectedRefused && run.other === 0),
      ]),
    ),
  ];
}

function writesSection({ writes }) {
  const { put, redelivery } = writes;
  return [
    '## Writes: PUT and redelivery',
    '',
    table(
      ['figure', 'through the gateway', 'direct', 'goal', ''],
      [
        [
          '`PUT /transactions/:id` p50 / p99 (ms)',
          `${ms(put.gateway.p50)} / ${ms(put.gateway.p99)}${put.gateway.errors ? ` (**${statusText(put.gateway.statuses)}**)` : ''}`,
          `${ms(put.direct.p50)} / ${ms(put.direct.p99)}${put.direct.errors ? ` (**${statusText(put.direct.statuses)}**)` : ''}`,
          `p50 ≤ ${GOALS.putP50Ms} ms`,
          met(!put.gateway.errors && put.gateway.p50 <= GOALS.putP50Ms),
        ],
      ],
    ),
    '',
    `Redelivery, with ${int(redelivery.storedBefore)} transactions stored: ${int(redelivery.records)} new records produced to the topic and timed until the consumer group has committed them all; then the very same messages produced again:`,
    '',
    table(
      ['', 'records/s', 'seconds', 'stored count', 'goal'],
      [
        [
          'new records',
          int(redelivery.fresh.recordsPerSecond),
          redelivery.fresh.seconds.toFixed(1),
          `${int(redelivery.fresh.total - redelivery.fresh.stored)} → ${int(redelivery.fresh.total)}`,
          '',
        ],
        [
          'the same records again',
          int(redelivery.again.recordsPerSecond),
          redelivery.again.seconds.toFixed(1),
          `${int(redelivery.again.countBefore)} → ${int(redelivery.again.countAfter)} (${redelivery.again.duplicates} duplicates)`,
          met(redelivery.again.duplicates === 0),
        ],
        [
          'redelivered / new',
          ratio(redelivery.ratio),
          '',
          '',
          `≥ ${GOALS.redeliveryRatio}: ${met(redelivery.ratio >= GOALS.redeliveryRatio)}`,
        ],
      ],
    ),
  ];
}

function overheadSection({ overhead }) {
  if (!overhead.available)
    return ['## Gateway overhead (quota benchmark)', '', `\`${overhead.command}\`: not available: ${overhead.why}`];
  return [
    '## Gateway overhead (quota benchmark)',
    '',
    `\`${overhead.command}\` (its own services, ${overhead.seconds.toFixed(0)} s):`,
    '',
    '```',
    overhead.output,
    '```',
  ];
}

function rssSection({ rss, rssPhases }) {
  const rows = rss.map((entry) => [
    entry.name,
    entry.kind,
    mib(entry.peaks.idle),
    ...rssPhases.map((phase) => mib(entry.peaks[phase])),
    mib(entry.peak),
    entry.kind === 'service' ? `< ${GOALS.serviceRssMiB}: ${met(entry.peak < GOALS.serviceRssMiB)}` : 'reported',
  ]);
  return [
    '## Memory (RSS, MiB)',
    '',
    'VmRSS sampled every 500 ms. PostgreSQL: the postmaster and all its children, summed; as every backend maps the shared buffers, ' +
      'the RSS sum counts them once per backend, the PSS sum (shared pages split between their users) does not. "idle": after the stack started, before any load; ' +
      'then the peak of each phase, and the peak under load over all of them.',
    '',
    table(['process', 'kind', 'idle', ...rssPhases, 'peak under load', 'goal'], rows),
  ];
}

function renderReport(results) {
  const lines = ['# Benchmarks', ''];
  if (results.config.quick) {
    lines.push(
      '> **Quick run (BENCH_QUICK=1): an example of the report at small scale, not the goal figures.** ' +
        'The full run (`npm run bench`: 10k / 100k / 1M records, 3 repeats) regenerates this file.',
      '',
    );
  }
  lines.push(
    `Generated by \`npm run bench\` (tools/benchmarks/bench.js) on ${results.machine.date.slice(0, 10)}. The goals are issue 10's; ` +
      '"before" quotes the figures the issue measured on this machine before the work.',
    '',
  );
  lines.push(...machineSection(results), '', ...commandsSection(results), '');
  lines.push('## Goals', '', table(['figure', 'goal', 'measured', 'before (issue 10)', ''], goalRows(results)), '');
  if (results.pipeline) lines.push(...pipelineSection(results), '');
  if (results.connect) lines.push(...connectSection(results), '');
  if (results.reads) lines.push(...readsSection(results), '', ...statsSection(results), '');
  if (results.quota) lines.push(...quotaSection(results), '');
  if (results.writes) lines.push(...writesSection(results), '');
  if (results.overhead) lines.push(...overheadSection(results), '');
  if (results.rss) lines.push(...rssSection(results), '');
  if (results.notes.length) lines.push('## Notes', '', ...results.notes.map((note) => `- ${note}`), '');
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

module.exports = { renderReport };
