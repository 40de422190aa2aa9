#!/usr/bin/env node
/*
 * Waits until the local Kafka and/or MongoDB-compatible server really answer.
 *
 *   node tools/infra/wait-ready.js [--kafka HOST:PORT] [--mongo MONGO_URI] [--timeout SECONDS] [--quiet]
 *
 * Kafka: admin createTopics on a scratch topic, then an idempotent produce (acks=all,
 * maxInFlightRequests 1) and a consumer-group join + consume + commitOffsets of that very
 * message. Mongo: a `ping` command (and `hello` for the reported version).
 * Exit 0 when every requested server passed, 1 on timeout (with the last error), 2 on bad use.
 *
 * Plain CommonJS; `kafkajs` and `mongodb` come from the repository's root node_modules.
 */
'use strict';

const SCRATCH_TOPIC = '__datalake_ready_check';
const SCRATCH_GROUP = 'datalake-ready-check';

function parseArgs(argv) {
  const opts = { kafka: null, mongo: null, timeout: 90, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value after ${a}`);
      return argv[++i];
    };
    if (a === '--kafka') opts.kafka = next();
    else if (a === '--mongo') opts.mongo = next();
    else if (a === '--timeout') opts.timeout = Number(next());
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '-h' || a === '--help') usage(null);
    else usage(`unknown argument ${a}`);
  }
  if (!opts.kafka && !opts.mongo) usage('nothing to check: give --kafka and/or --mongo');
  if (!Number.isFinite(opts.timeout) || opts.timeout <= 0) usage('--timeout must be a positive number of seconds');
  return opts;
}

function usage(err) {
  const text =
    'usage: node tools/infra/wait-ready.js [--kafka HOST:PORT[,HOST:PORT]] [--mongo MONGO_URI] [--timeout SECONDS] [--quiet]';
  if (err) {
    console.error(`wait-ready: ${err}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

function load(name) {
  try {
    return require(name);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND') {
      console.error(
        `wait-ready: cannot load the npm package '${name}'. Install the workspace dependencies first ` +
          '(run `npm ci` at the repository root), or point NODE_PATH at a node_modules that has it.',
      );
      process.exit(2);
    }
    throw e;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errText = (e) => (e && (e.message || String(e))) || 'unknown error';

/** Retries `attempt` until it resolves or the deadline passes; returns the result or throws the last error. */
async function retryUntil(name, deadline, attempt, log) {
  let last = null;
  let lastShown = '';
  let tries = 0;
  for (;;) {
    tries++;
    try {
      return await attempt(deadline);
    } catch (e) {
      last = e;
      const msg = errText(e);
      if (msg !== lastShown) {
        log(`${name}: not ready yet (${msg}), retrying...`);
        lastShown = msg;
      }
    }
    if (Date.now() + 1000 >= deadline) {
      const err = new Error(`${name}: still not ready after ${tries} attempts; last error: ${errText(last)}`);
      err.cause = last;
      throw err;
    }
    await sleep(1000);
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function kafkaRoundTrip(brokers, deadline) {
  const { Kafka, logLevel, Partitioners } = load('kafkajs');
  const started = Date.now();
  const kafka = new Kafka({
    clientId: 'datalake-wait-ready',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 1000 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({
    groupId: SCRATCH_GROUP,
    sessionTimeout: 10000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 10000,
    // disconnect() waits for the fetch in flight: keep long polls short (default 5 s)
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  const marker = `ready-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  try {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: SCRATCH_TOPIC,
          numPartitions: 1,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: String(60 * 60 * 1000) }],
        },
      ],
    });

    await producer.connect();
    const [meta] = await producer.send({
      topic: SCRATCH_TOPIC,
      acks: -1,
      messages: [{ key: 'ready', value: marker, headers: { 'x-datalake-check': 'wait-ready' } }],
    });
    if (!meta || meta.errorCode !== 0) throw new Error(`produce answered ${JSON.stringify(meta)}`);

    await consumer.connect();
    await consumer.subscribe({ topics: [SCRATCH_TOPIC], fromBeginning: true });
    let resolveSeen;
    let rejectSeen;
    const seen = new Promise((res, rej) => {
      resolveSeen = res;
      rejectSeen = rej;
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (message.value && message.value.toString() === marker) {
          try {
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            resolveSeen(message.offset);
          } catch (e) {
            rejectSeen(e);
          }
        }
      },
    });
    const remaining = Math.max(2000, deadline - Date.now());
    const offset = await withTimeout(seen, Math.min(remaining, 30000), 'consumer group join + consume');

    const committed = await admin.fetchOffsets({ groupId: SCRATCH_GROUP, topics: [SCRATCH_TOPIC] });
    const got = committed[0] && committed[0].partitions.find((p) => p.partition === 0);
    if (!got || BigInt(got.offset) <= BigInt(offset)) {
      throw new Error(`committed offset not visible (got ${got ? got.offset : 'none'}, wanted > ${offset})`);
    }
    return { ms: Date.now() - started, offset };
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  }
}

async function mongoPing(uri, deadline) {
  const { MongoClient } = load('mongodb');
  const started = Date.now();
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: Math.max(1000, Math.min(3000, deadline - Date.now())),
    connectTimeoutMS: 3000,
    directConnection: true,
  });
  try {
    await client.connect();
    const admin = client.db('admin');
    const ping = await admin.command({ ping: 1 });
    if (!ping || ping.ok !== 1) throw new Error(`ping answered ${JSON.stringify(ping)}`);
    const build = await admin.command({ buildInfo: 1 }).catch(() => ({}));
    return { ms: Date.now() - started, version: build.version, ferretdb: build.ferretdbVersion };
  } finally {
    await client.close().catch(() => {});
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = opts.quiet ? () => {} : (m) => console.log(`wait-ready: ${m}`);
  const deadline = Date.now() + opts.timeout * 1000;
  const checks = [];

  if (opts.kafka) {
    const brokers = opts.kafka
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    checks.push(
      retryUntil(`kafka ${brokers.join(',')}`, deadline, (d) => kafkaRoundTrip(brokers, d), log).then((r) =>
        console.log(
          `wait-ready: kafka ${brokers.join(',')} ready (admin createTopics + idempotent produce + group consume/commit in ${r.ms} ms)`,
        ),
      ),
    );
  }
  if (opts.mongo) {
    const shown = opts.mongo.replace(/\/\/[^@/]*@/, '//***@');
    checks.push(
      retryUntil(`mongo ${shown}`, deadline, (d) => mongoPing(opts.mongo, d), log).then((r) => {
        const what = r.ferretdb ? `FerretDB ${r.ferretdb}, ` : '';
        console.log(
          `wait-ready: mongo ${shown} ready (${what}reports MongoDB ${r.version || '?'}; ping in ${r.ms} ms)`,
        );
      }),
    );
  }

  const results = await Promise.allSettled(checks);
  const failed = results.filter((r) => r.status === 'rejected');
  for (const f of failed) console.error(`wait-ready: FAILED ${errText(f.reason)}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`wait-ready: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
