'use strict';
/**
 * MongoDB side of the benchmark: how many records a service has stored (its database and
 * collection per DESIGN.md), a fresh start of a service's storage, and the raw-ceiling insert.
 */
const { MongoClient } = require('mongodb');
const { performance } = require('node:perf_hooks');

/** topic -> the owning service, its database and collection (DESIGN.md). */
const STORES = {
  transactions: {
    service: 'transactions-consumer',
    database: 'transactions',
    collection: 'transactions',
    resource: 'transactions',
  },
  network_logs: {
    service: 'network-logs-consumer',
    database: 'network_logs',
    collection: 'network_logs',
    resource: 'network-logs',
  },
};

async function connectMongo(uri) {
  return MongoClient.connect(uri, { serverSelectionTimeoutMS: 10_000 });
}

function storeOf(client, topic) {
  const { database, collection } = STORES[topic];
  return client.db(database).collection(collection);
}

/**
 * Records stored, from the service's partition catalogue (the sum of its year partitions' counts):
 * counting a million documents with countDocuments took FerretDB more than 10 minutes under load,
 * and the catalogue is what the reads walk anyway. The consumer writes count changes after the
 * records (gathered for a second, then one upsert per touched partition, serialized), so right
 * after a backfill the counts can trail the records by several seconds: see waitForStored.
 */
async function storedCount(client, topic) {
  const { database, collection } = STORES[topic];
  const years = await client
    .db(database)
    .collection(`${collection}_partitions`)
    .find({ level: 'year' }, { projection: { count: 1 } })
    .toArray();
  return years.reduce((sum, year) => sum + (year.count ?? 0), 0);
}

/** The stored count once it reaches `expected` (records already consumed), or what it is at the timeout. */
async function waitForStored(client, topic, expected, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let count = await storedCount(client, topic);
  while (count < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    count = await storedCount(client, topic);
  }
  return count;
}

/**
 * Empty storage for these topics: their consumer services are stopped, their databases dropped
 * and the services started again (they create their indexes at start). Kafka offsets are kept.
 */
async function freshStorage(client, stack, topics, log) {
  const services = topics.map((topic) => stack.services.get(STORES[topic].service));
  await Promise.all(services.map((service) => service.stop()));
  for (const topic of topics) {
    log(`dropping database ${STORES[topic].database} (fresh storage)`);
    await client.db(STORES[topic].database).dropDatabase();
  }
  await Promise.all(services.map((service) => service.start()));
}

/** The first `count` stored documents of a topic, in batches as they will be inserted. */
async function storedDocuments(client, topic, count, batchSize) {
  const batches = [];
  let batch = [];
  for await (const document of storeOf(client, topic).find({}, { batchSize: 1_000 }).limit(count)) {
    batch.push(document);
    if (batch.length === batchSize) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length) batches.push(batch);
  return batches;
}

/**
 * The raw ceiling: the documents insertMany-ed by this one process, batch after batch, into an
 * empty collection (with `indexes`, the service's secondary indexes created first). Records/s.
 */
async function ceilingRate(client, batches, { database, collection, indexes = [] }) {
  const target = client.db(database).collection(collection);
  await target.drop().catch(() => undefined);
  if (indexes.length) await target.createIndexes(indexes);
  let count = 0;
  const started = performance.now();
  for (const batch of batches) {
    await target.insertMany(batch, { ordered: false });
    count += batch.length;
  }
  const seconds = (performance.now() - started) / 1000;
  await target.drop().catch(() => undefined);
  return { records: count, seconds, recordsPerSecond: count / seconds };
}

/** The secondary indexes of a topic's collection, as createIndexes specs. */
async function secondaryIndexes(client, topic) {
  const indexes = await storeOf(client, topic).listIndexes().toArray();
  return indexes
    .filter((index) => index.name !== '_id_')
    .map(({ key, name, unique }) => ({ key, name, ...(unique ? { unique } : {}) }));
}

module.exports = {
  STORES,
  connectMongo,
  storedCount,
  waitForStored,
  freshStorage,
  storedDocuments,
  ceilingRate,
  secondaryIndexes,
};

/**
 * On shared servers: removes the records of this run (ids and connection tags carry the run id),
 * so other users of the servers do not read through them afterwards.
 */
async function removeRunRecords(client, runId, { transactionsOnly = false, idPattern = '' } = {}) {
  const escaped = runId.replace(/[^A-Za-z0-9]/g, '\\$&');
  const removed = {};
  removed.transactions = (
    await storeOf(client, 'transactions').deleteMany({ transactionId: { $regex: `^${escaped}-${idPattern}` } })
  ).deletedCount;
  if (transactionsOnly) return removed;
  removed.network_logs = (
    await storeOf(client, 'network_logs').deleteMany({ message: { $regex: `conn=${escaped}-` } })
  ).deletedCount;
  return removed;
}

module.exports.removeRunRecords = removeRunRecords;
