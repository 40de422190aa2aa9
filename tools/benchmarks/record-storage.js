#!/usr/bin/env node
// Storage strategies of the record consumers, side by side in one run against the same server:
//   baseline     every record as a replaceOne upsert (bulkWrite, chunks of 50)
//   insert-first insertMany, then replaceOne only for the duplicates (what RecordRepository does)
// Each strategy writes N new records, then the same N again (a redelivery). Prints records/s
// and the process's peak RSS.
//
//   node tools/benchmarks/record-storage.js [N=2000] [MONGO_URI=mongodb://127.0.0.1:27017]
const { MongoClient } = require('mongodb');

const N = Number(process.argv[2] ?? 2000);
const uri = process.env.MONGO_URI ?? 'mongodb://127.0.0.1:27017';
const CHUNK = 50;

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

async function upsertAll(collection, docs) {
  await collection.bulkWrite(docs.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })), { ordered: false });
}

async function insertFirst(collection, docs) {
  try {
    await collection.insertMany(docs, { ordered: false });
  } catch (error) {
    const existing = (error.writeErrors ?? []).filter((e) => e.code === 11000).map((e) => docs[e.index]);
    if (existing.length) await upsertAll(collection, existing);
  }
}

async function run(client, name, write) {
  const collection = client.db(`bench_storage_${process.pid}`).collection(name);
  await collection.drop().catch(() => undefined);
  const docs = Array.from({ length: N }, (_, i) => record(i));
  const rates = [];
  for (const pass of ['new', 'redelivered']) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < docs.length; i += CHUNK) await write(collection, docs.slice(i, i + CHUNK));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    rates.push(`${pass}: ${Math.round(N / seconds)} records/s`);
  }
  const count = await collection.countDocuments();
  return `${name.padEnd(12)} ${rates.join(', ')}  (stored ${count})`;
}

(async () => {
  const client = await MongoClient.connect(uri);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  console.log(`record storage, N=${N}, server ${uri}`);
  console.log(await run(client, 'baseline', upsertAll));
  console.log(await run(client, 'insert-first', insertFirst));
  clearInterval(sampler);
  console.log(`peak RSS ${(peak / 1024 / 1024).toFixed(0)} MiB`);
  await client.db(`bench_storage_${process.pid}`).dropDatabase();
  await client.close();
})();
