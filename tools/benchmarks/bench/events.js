'use strict';
/**
 * Realistic events for the topics, built like the ingest service builds them (libs/kafka-schemas
 * createEvent: validated payload, envelope, natural key): rows of tools/sample-data/generate.js
 * with timestamps spread evenly over the last N days in time order, and (transactions) over a
 * fixed set of customerIds.
 */
const { GENERATORS, random } = require('../../sample-data/generate.js');
const { createEvent, encodeEvent } = require('./ts-libs').kafkaSchemas();

const DAY_MS = 24 * 3600 * 1000;
const CHUNK = 1_000;

/**
 * Yields arrays of Kafka messages ({key, value, headers}) for `count` records of `topic`, oldest
 * first, timestamps evenly over [end - days, end).
 * @param {{topic: 'transactions'|'network_logs', count: number, days: number, end: number,
 *   idPrefix: string, seed: number, customers?: number}} spec
 */
function* eventChunks(spec) {
  const r = random(spec.seed);
  const generator = GENERATORS[spec.topic];
  const start = spec.end - spec.days * DAY_MS;
  const step = (spec.days * DAY_MS) / spec.count;
  const source = { kind: 'kafka', name: 'datalake-bench' };
  const now = new Date();
  let chunk = [];
  for (let n = 0; n < spec.count; n++) {
    const row = generator.row(r, n, spec.idPrefix);
    row.timestamp = new Date(Math.floor(start + n * step)).toISOString();
    if (spec.topic === 'transactions') row.customerId = customerId(r.int(1, spec.customers));
    const event = createEvent(spec.topic, row, source, now);
    if (!event.ok) throw new Error(`generated ${spec.topic} row ${n} is invalid: ${event.error.message}`);
    chunk.push({
      key: event.value.key,
      value: encodeEvent(event.value.envelope),
      headers: { 'content-type': 'application/json' },
    });
    if (chunk.length === CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

const customerId = (n) => `cust-${String(n).padStart(6, '0')}`;

/** Transaction rows for the HTTP push (the payloads, as a client sends them). */
function transactionRows(count, idPrefix, seed) {
  const r = random(seed);
  return Array.from({ length: count }, (_, n) => GENERATORS.transactions.row(r, n + 1, idPrefix));
}

module.exports = { eventChunks, transactionRows, customerId, DAY_MS };
