#!/usr/bin/env node
/**
 * The peer a user would pick instead of DataLake's pipeline: the MongoDB Kafka sink connector
 * (org.mongodb.kafka:mongo-kafka-connect 1.13.0) on a Kafka Connect 4.1.1 standalone worker,
 * writing one topic into one collection. Times it and prints ONE JSON line on stdout:
 *
 *   {"mode":"insert","records":N,"seconds":…,"recordsPerSecond":…,"connectRssPeakMb":…, …}
 *
 *   node tools/benchmarks/connect-sink/produce.js --kafka 127.0.0.1:9092 --topic T --count 20000
 *   node tools/benchmarks/connect-sink/run.js --kafka 127.0.0.1:9092 --topic T \
 *     --mongo-uri mongodb://127.0.0.1:27017 --database D --collection C --mode insert|upsert \
 *     --expect 20000 [--indexes consumer|customerId,status,…]
 *
 * Options:
 *   --mode insert   InsertOne per record (the connector's fastest write; not idempotent)
 *   --mode upsert   replace by _id = the record's key (the natural key), upsert: idempotent
 *   --expect N      documents the collection must hold at the end (checked)
 *   --indexes LIST  created before the run: `consumer` = the transactions consumer's indexes
 *                   (apps/transactions-consumer/src/app/transactions.definition.ts), or some of
 *                   them by field: transactionId,customerId,status,currency,amountValue
 *   --tasks N       connector tasks (1)          --batch-size N   max.batch.size (insert 0, upsert 40)
 *   --timeout S     give up after S seconds (900) --heap "FLAGS"  JVM heap ("-Xms256M -Xmx2G", as connect-standalone.sh)
 *   --keep          keep the temporary folder (properties, offsets, connect.log)
 *
 * The time runs from the moment the connector's task is RUNNING until its consumer group has
 * committed the topic's end offsets (every record written: the sink commits only what it wrote)
 * and the collection holds --expect documents. The worker's start (JVM, plugin scan) is reported
 * apart as startupSeconds. Logs go to stderr; the worker's own log to <temp>/connect.log, whose
 * tail is shown when it fails. Exits 1 with a message when anything cannot start or finish.
 */
'use strict';

const { spawn } = require('node:child_process');
const { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync, existsSync } = require('node:fs');
const { request } = require('node:http');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { kafkaCore } = require('../bench/ts-libs');
const { MongoClient } = require('mongodb');
const { ensureConnectJars } = require('./jars');
const { connectorProperties, defaultBatchSize, workerProperties } = require('./properties');

const log = (line) => process.stderr.write(`connect-sink: ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The transactions consumer's indexes, by the field they lead with. */
const byTime = { timestamp: -1, _id: -1 };
const CONSUMER_INDEXES = {
  transactionId: { key: { transactionId: 1 }, name: 'transactionId' },
  customerId: { key: { customerId: 1, ...byTime }, name: 'customerId_time' },
  status: { key: { status: 1, ...byTime }, name: 'status_time' },
  currency: { key: { currency: 1, ...byTime }, name: 'currency_time' },
  amountValue: { key: { amountValue: 1 }, name: 'amountValue' },
};

function optionsOf(argv) {
  const text = { type: 'string' };
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kafka: text,
      topic: text,
      'mongo-uri': text,
      database: text,
      collection: text,
      mode: text,
      expect: text,
      indexes: text,
      tasks: { type: 'string', default: '1' },
      'batch-size': text,
      timeout: { type: 'string', default: '900' },
      heap: { type: 'string', default: '-Xms256M -Xmx2G' },
      keep: { type: 'boolean', default: false },
    },
  });
  const options = {
    ...values,
    mongoUri: values['mongo-uri'],
    expect: Number(values.expect),
    indexes: values.indexes === undefined ? [] : indexesOf(values.indexes),
    tasks: Number(values.tasks),
    batchSize: values['batch-size'] === undefined ? undefined : Number(values['batch-size']),
    timeout: Number(values.timeout),
  };
  for (const name of ['kafka', 'topic', 'mongoUri', 'database', 'collection', 'mode']) {
    if (!options[name]) throw new Error(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is required`);
  }
  if (options.mode !== 'insert' && options.mode !== 'upsert') throw new Error('--mode must be insert or upsert');
  if (!Number.isInteger(options.expect) || options.expect < 1) throw new Error('--expect must be a positive integer');
  if (!Number.isInteger(options.tasks) || options.tasks < 1) throw new Error('--tasks must be a positive integer');
  options.batchSize ??= defaultBatchSize(options.mode);
  return options;
}

function indexesOf(list) {
  if (list === 'consumer') return Object.values(CONSUMER_INDEXES);
  return list
    .split(',')
    .filter(Boolean)
    .map((field) => {
      const index = CONSUMER_INDEXES[field];
      if (!index)
        throw new Error(
          `--indexes: no consumer index leads with "${field}" (known: consumer, ${Object.keys(CONSUMER_INDEXES).join(', ')})`,
        );
      return index;
    });
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function getJson(port, path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? JSON.parse(body) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Resident memory of a process, now and at its peak (MiB), from /proc; undefined once it is gone. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function tail(file, lines = 30) {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Offsets of every partition of the topic: its end, and what the group has committed. */
async function topicProgress(inspector, groupId, topic, ends) {
  const committed = await inspector.committedOffsets(groupId, topic);
  const byPartition = new Map(committed.map((p) => [p.partition, Number(p.offset)]));
  let written = 0;
  for (const { partition, low, high } of ends) {
    const offset = byPartition.get(partition) ?? -1;
    written += Math.max(0, Math.min(offset, high) - low);
  }
  return written;
}

/** Starts connect-standalone; returns the child process and the log files it writes. */
function startWorker({ jars, dir, heap, workerFile, connectorFile }) {
  const logFile = join(dir, 'connect.log');
  const stdoutFile = join(dir, 'connect.stdout.log');
  const out = openSync(stdoutFile, 'a');
  const args = [
    ...heap.split(/\s+/).filter(Boolean),
    // connect-standalone.sh's JVM options (kafka-run-class.sh)
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(__dirname, 'log4j2.properties')}`,
    `-Dconnect.logs.dir=${dir}`,
    '-cp',
    `${jars.libs}/*`,
    'org.apache.kafka.connect.cli.ConnectStandalone',
    workerFile,
    connectorFile,
  ];
  const child = spawn('java', args, { stdio: ['ignore', out, out] });
  closeSync(out);
  return { child, logFile, stdoutFile };
}

async function stopWorker(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
  if (!stopped) {
    log(`worker pid ${child.pid} still running 20 s after SIGTERM: SIGKILL`);
    child.kill('SIGKILL');
    await exited;
  }
}

async function prepareCollection(mongo, options) {
  await mongo.db(options.database).command({ ping: 1 });
  const collection = mongo.db(options.database).collection(options.collection);
  for (const index of options.indexes) await collection.createIndex(index.key, { name: index.name });
  if (options.indexes.length)
    log(
      `created indexes ${options.indexes.map((i) => i.name).join(', ')} on ${options.database}.${options.collection}`,
    );
  return collection;
}

async function topicEnds(inspector, topic) {
  const topics = await inspector.listTopics();
  if (!topics.includes(topic)) throw new Error(`topic ${topic} does not exist (fill it with produce.js first)`);
  const offsets = await inspector.topicEndOffsets(topic);
  const ends = offsets.map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
  const records = ends.reduce((sum, p) => sum + p.high - p.low, 0);
  if (records === 0) throw new Error(`topic ${topic} is empty`);
  return { ends, records };
}

async function run(options) {
  const jars = ensureConnectJars((line) => process.stderr.write(`${line}\n`));
  const { createKafkaClient, KafkaInspector, silentLogger } = kafkaCore();
  const admin = new KafkaInspector(
    createKafkaClient({ clientId: 'connect-bench-runner', brokers: options.kafka.split(','), logger: silentLogger }),
  );
  const mongo = new MongoClient(options.mongoUri, { serverSelectionTimeoutMS: 5000 });
  const dir = mkdtempSync(join(tmpdir(), 'connect-sink-'));
  const name = `connect-bench-${process.pid}-${Date.now().toString(36)}`;
  const groupId = `connect-${name}`; // a sink connector's consumer group: connect-<connector name>
  let worker;
  const stopOnSignal = () => {
    worker?.child.kill('SIGKILL');
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
  try {
    await admin.connect().catch((error) => {
      throw new Error(`cannot reach Kafka at ${options.kafka}: ${error.message}`);
    });
    const { ends, records } = await topicEnds(admin, options.topic);
    await mongo.connect().catch((error) => {
      throw new Error(`cannot reach MongoDB at ${options.mongoUri}: ${error.message}`);
    });
    const collection = await prepareCollection(mongo, options);
    const before = await collection.countDocuments();

    const restPort = await freePort();
    const workerFile = join(dir, 'worker.properties');
    const connectorFile = join(dir, 'mongo-sink.properties');
    writeFileSync(
      workerFile,
      workerProperties({
        kafka: options.kafka,
        restPort,
        offsetsFile: join(dir, 'connect.offsets'),
        pluginPath: jars.plugins,
      }),
    );
    writeFileSync(
      connectorFile,
      connectorProperties({
        name,
        topic: options.topic,
        mongoUri: options.mongoUri,
        database: options.database,
        collection: options.collection,
        mode: options.mode,
        tasks: options.tasks,
        batchSize: options.batchSize,
      }),
    );
    log(
      `${records} records in ${options.topic} (${ends.length} partitions), ${before} documents in ${options.database}.${options.collection}; mode ${options.mode}, max.batch.size ${options.batchSize}, tasks ${options.tasks}; worker files in ${dir}`,
    );

    const launched = process.hrtime.bigint();
    worker = startWorker({ jars, dir, heap: options.heap, workerFile, connectorFile });
    const fail = (message) => {
      throw new Error(
        `${message}\n---- last lines of ${worker.logFile} ----\n${tail(worker.logFile)}\n---- ${worker.stdoutFile} ----\n${tail(worker.stdoutFile, 10)}`,
      );
    };
    const seconds = (from) => Number(process.hrtime.bigint() - from) / 1e9;
    const deadline = Date.now() + options.timeout * 1000;
    let running; // when the task first reported RUNNING
    let startupSeconds;
    let startupPeakMb = 0; // VmHWM when the task started: the plugin scan's share of the peak
    let peakMb = 0; // VmHWM: the worker's peak over its life, start-up (plugin scan) included
    let runPeakMb = 0; // sampled VmRSS while the task writes
    let lastStatusAt = 0;
    let lastReport = Date.now();
    let written = 0;
    for (;;) {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null)
        fail(`the Kafka Connect worker exited (code ${worker.child.exitCode ?? worker.child.signalCode})`);
      const memory = memoryOf(worker.child.pid);
      if (memory) peakMb = Math.max(peakMb, memory.rss, memory.hwm);
      if (memory && running) runPeakMb = Math.max(runPeakMb, memory.rss);
      if (Date.now() > deadline) fail(`timed out after ${options.timeout} s: ${written} of ${records} records written`);
      if (Date.now() - lastStatusAt >= 500) {
        lastStatusAt = Date.now();
        const status = await getJson(restPort, `/connectors/${name}/status`);
        const broken = [status?.connector, ...(status?.tasks ?? [])].find((s) => s?.state === 'FAILED');
        if (broken) fail(`the connector failed:\n${broken.trace ?? JSON.stringify(broken)}`);
        if (!running && status?.tasks?.length && status.tasks.every((t) => t.state === 'RUNNING')) {
          running = process.hrtime.bigint();
          startupSeconds = seconds(launched);
          startupPeakMb = memory?.hwm ?? 0;
          log(`worker pid ${worker.child.pid} up, task RUNNING after ${startupSeconds.toFixed(1)} s`);
        }
      }
      if (running) {
        try {
          written = await topicProgress(admin, groupId, options.topic, ends);
        } catch (error) {
          // a broker restart or a coordinator move: the worker rides it out, so does the watch
          if (Date.now() - lastReport >= 5000) log(`cannot read the group's offsets yet: ${error.message}`);
        }
        if (written >= records) break;
        if (Date.now() - lastReport >= 5000) {
          lastReport = Date.now();
          log(
            `${written}/${records} records written (${(written / seconds(running)).toFixed(0)}/s), worker RSS ${memory?.rss.toFixed(0)} MB`,
          );
        }
      }
      await sleep(100);
    }
    // The group committed every record, so the collection must hold what was asked for. The
    // time stops here: a count on FerretDB reads every document and is not part of the writing.
    let elapsed = seconds(running);
    let documents = await collection.countDocuments();
    const settle = Date.now() + 10_000;
    while (documents < options.expect && Date.now() < settle) {
      await sleep(250);
      documents = await collection.countDocuments();
      elapsed = seconds(running);
    }
    const final = memoryOf(worker.child.pid);
    if (final) peakMb = Math.max(peakMb, final.hwm);
    if (documents < options.expect)
      fail(
        `the connector consumed all ${records} records but ${options.database}.${options.collection} holds ${documents} documents, not ${options.expect}`,
      );
    return {
      mode: options.mode,
      records,
      seconds: Number(elapsed.toFixed(2)),
      recordsPerSecond: Math.round(records / elapsed),
      connectRssPeakMb: Math.round(peakMb),
      connectRssStartupPeakMb: Math.round(startupPeakMb),
      connectRssRunPeakMb: Math.round(runPeakMb),
      startupSeconds: Number(startupSeconds.toFixed(2)),
      documents,
      documentsBefore: before,
      indexes: options.indexes.map((i) => i.name),
      maxBatchSize: options.batchSize,
      tasks: options.tasks,
      connector: `mongo-kafka-connect ${jars.connectorVersion}`,
      kafkaConnect: jars.kafkaVersion,
    };
  } finally {
    if (worker) await stopWorker(worker.child);
    await admin.deleteGroups([groupId]);
    await admin.disconnect().catch(() => undefined);
    await mongo.close().catch(() => undefined);
    if (options.keep) log(`worker files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  let options;
  try {
    options = optionsOf(process.argv.slice(2));
  } catch (error) {
    log(
      `${error.message}\nusage: run.js --kafka HOST:PORT --topic T --mongo-uri URI --database D --collection C --mode insert|upsert --expect N [--indexes consumer|customerId,…] [--tasks N] [--batch-size N] [--timeout S] [--heap FLAGS] [--keep]`,
    );
    return 2;
  }
  const result = await run(options);
  console.log(JSON.stringify(result));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(`ERROR: ${error.message}`);
    process.exit(1);
  },
);
