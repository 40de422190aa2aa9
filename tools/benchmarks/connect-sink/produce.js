#!/usr/bin/env node
/**
 * Fills a topic with transaction events in the shape the ingest service produces: the JSON
 * envelope of DESIGN.md "Event contract" (eventId, schema, source, occurredAt, ingestedAt,
 * payload), keyed by the natural key (transactionId). Rows come from tools/sample-data, so the
 * connector benchmark and the pipeline benchmarks store the same kind of records.
 *
 *   node tools/benchmarks/connect-sink/produce.js --topic bench-connect-tx --count 20000
 *
 * Options: --kafka HOST:PORT (KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:9092) --topic T (required)
 *          --count N (20000; 200k, 1m accepted) --partitions N (3, as the services create theirs)
 *          --prefix ID (ids are <prefix>-tx-<n>; default time based) --seed N (42)
 * Creates the topic when missing. Prints one JSON line: {"topic","records","seconds"}.
 */
'use strict';

const { randomUUID } = require('node:crypto');
const { parseArgs } = require('node:util');
const { kafkaCore } = require('../bench/ts-libs');
const { GENERATORS, parseCount, random } = require('../../sample-data/generate.js');

const BATCH = 1000;

function args(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kafka: { type: 'string', default: process.env.KAFKA_BOOTSTRAP_SERVERS ?? '127.0.0.1:9092' },
      topic: { type: 'string' },
      count: { type: 'string', default: '20000' },
      partitions: { type: 'string', default: '3' },
      prefix: { type: 'string', default: `bench${Date.now().toString(36)}` },
      seed: { type: 'string', default: '42' },
    },
  });
  const options = {
    ...values,
    count: parseCount(values.count),
    partitions: Number(values.partitions),
    seed: Number(values.seed),
  };
  if (!options.topic) throw new Error('--topic is required');
  if (!(options.count > 0)) throw new Error('--count must be a positive number');
  return options;
}

/** The envelope the ingest service would produce for this row (blank optional fields dropped). */
function transactionEvent(row, now) {
  const payload = Object.fromEntries(Object.entries(row).filter(([, value]) => value !== ''));
  return {
    key: row.transactionId,
    value: JSON.stringify({
      eventId: randomUUID(),
      schema: 'transactions.v1',
      source: { kind: 'http', name: 'connect-bench' },
      occurredAt: row.timestamp,
      ingestedAt: now.toISOString(),
      payload,
    }),
  };
}

async function main() {
  const options = args(process.argv.slice(2));
  const { createKafkaClient, ensureTopics, PlainProducer } = kafkaCore();
  const kafka = createKafkaClient({ clientId: 'connect-bench-producer', brokers: options.kafka.split(',') });
  await ensureTopics(kafka, [{ topic: options.topic, numPartitions: options.partitions }]);

  // Uncompressed, idempotent, acks=all, murmur2 partitioning.
  const producer = new PlainProducer(kafka, { idempotent: true });
  await producer.connect();
  const r = random(options.seed);
  const generator = GENERATORS.transactions;
  const started = process.hrtime.bigint();
  try {
    for (let n = 0; n < options.count; n += BATCH) {
      const now = new Date();
      const messages = [];
      for (let i = n; i < Math.min(n + BATCH, options.count); i++)
        messages.push(transactionEvent(generator.row(r, i, options.prefix), now));
      await producer.send(options.topic, messages);
    }
  } finally {
    await producer.disconnect();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(JSON.stringify({ topic: options.topic, records: options.count, seconds: Number(seconds.toFixed(2)) }));
}

main().catch((error) => {
  console.error(`produce: ${error.message ?? error}`);
  process.exit(1);
});
