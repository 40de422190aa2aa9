'use strict';
/** The goals of issue 10 and the figures measured before it ("before" columns of the report). */

const GOALS = {
  pipelineRatio: 0.7,
  connectRatio: 0.7,
  readP50Ms: 50,
  readP99Ms: 250,
  growth: 2,
  gatewayOverheadMs: 2,
  putP50Ms: 50,
  redeliveryRatio: 0.5,
  serviceRssMiB: 200,
  /** Issue 11: `GET /<resource>/stats` at a million records, p50 through the gateway. */
  statsP50Ms: 200,
};

/** Issue 10's measurements on this machine before the work (local stack, FerretDB on SQLite). */
const BEFORE = {
  pipelineHttp: '2,540 records/s',
  pipelineCsv: '2,991 records/s',
  pipelineRatio: '0.59 (0.32–0.78)',
  ceiling: '8,048 records/s (SQLite), 8,676 (PostgreSQL)',
  connectInsert: '5,922 records/s with equivalent indexes (10,188 without)',
  connectUpsert: '~14 records/s',
  reads: {
    transactions: {
      'list, limit 50': { 10000: '1,406 ms (direct)', 100000: '9,760–14,831 ms (direct; 504 through the gateway)' },
      'customerId filter': { 100000: '7–15 s' },
      'one-hour from/to': { 100000: '7–15 s' },
      'by id': { any: '217 ms through the gateway, 2 ms direct' },
    },
  },
  redelivery: 'never settled (100k into 100k: the consumer livelocked)',
  ingestRss: '286 MB peak (ingest service)',
};

function beforeRead(topic, read, size) {
  const entry = BEFORE.reads[topic]?.[read];
  if (!entry) return '';
  return entry[size] ?? entry.any ?? '';
}

module.exports = { GOALS, BEFORE, beforeRead };
