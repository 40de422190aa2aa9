#!/usr/bin/env node
// The record consumers' storage, measured on the code itself, against one server:
//   baseline          every record as a replaceOne upsert (one bulkWrite per step), for reference
//   RecordRepository  libs/records' upsertMany, as a consumer step calls it (insert first,
//                     replace only what exists, partition catalogue, the write limits)
// Each writes N new transactions in consumer steps (DEFAULT_STEP_MESSAGES of libs/kafka-core),
// then the same N again (a redelivery). Prints records/s and the process's peak RSS.
//
//   node tools/benchmarks/record-storage.js [N=2000] [MONGO_URI=mongodb://127.0.0.1:27017]
const { MongoClient } = require('mongodb');
const { kafkaCore, records, transactionsDefinition } = require('./bench/ts-libs');

const N = Number(process.argv[2] ?? 2000);
const uri = process.env.MONGO_URI ?? 'mongodb://127.0.0.1:27017';
const STEP = kafkaCore().DEFAULT_STEP_MESSAGES;
const database = `bench_storage_${process.pid}`;

const record = (i) => ({
  _id: `tx-${i}`,
  transactionId: `tx-${i}`,
  customerId: `c-${i % 97}`,
  amount: `${i}.50`,
  amountMinor: i * 100 + 50,
  currency: 'USD',
  timestamp: new Date(Date.UTC(2026, 10, 24) + i * 1000),
  status: 'completed',
  riskFlags: [],
  source: { kind: 'http', name: 'bench' },
  ingestedAt: new Date(),
});

/** A plain strategy for comparison: no partitions, no catalogue. */
function baseline(db) {
  const collection = db.collection('baseline');
  return {
    collection,
    write: (docs) =>
      collection.bulkWrite(
        docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
        { ordered: false },
      ),
  };
}

/** The consumers' own storage. */
async function repository(db) {
  const { RecordRepository } = records();
  const definition = { ...transactionsDefinition(), collection: 'repository' };
  const repo = new RecordRepository(db, definition);
  await repo.ensureIndexes();
  return {
    collection: db.collection(definition.collection),
    write: async (docs) => {
      const refused = await repo.upsertMany(docs);
      if (refused.length > 0)
        throw new Error(`the repository refused ${refused.length} record(s): ${refused[0].message}`);
    },
  };
}

async function run(name, store) {
  const docs = Array.from({ length: N }, (_, i) => record(i));
  const rates = [];
  for (const pass of ['new', 'redelivered']) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i += STEP) await store.write(docs.slice(i, i + STEP));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(`${pass}: ${Math.round(N / seconds)} records/s`);
  }
  const count = await store.collection.countDocuments();
  return `${name.padEnd(16)} ${rates.join(', ')}  (stored ${count})`;
}

(async () => {
  const client = await MongoClient.connect(uri);
  const db = client.db(database);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    console.log(`record storage, N=${N}, steps of ${STEP}, server ${uri}`);
    console.log(await run('baseline', baseline(db)));
    console.log(await run('RecordRepository', await repository(db)));
    console.log(`peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB`);
  } finally {
    clearInterval(sampler);
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
