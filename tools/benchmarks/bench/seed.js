'use strict';
/**
 * Seeding through the real write path: events produced to the services' Kafka topics (oldest
 * first), timed until the consumer services have stored them all.
 */
const { performance } = require('node:perf_hooks');
const { eventChunks } = require('./events');
const { produceAll, waitUntilConsumed } = require('./kafka');
const { storedCount, waitForStored } = require('./storage');

const SPANS = { transactions: 'transactionDays', network_logs: 'networkLogDays' };

/**
 * Produces `count` new records of `topic`, evenly over its span ending at `end`, and waits until
 * they are stored. `keep` collects the messages (for a redelivery). Returns records/s.
 */
async function seedTopic(ctx, topic, { count, end, idPrefix, seed, keep }) {
  const { config } = ctx;
  const before = await storedCount(ctx.mongo, topic);
  const started = performance.now();
  let produced = 0;
  if (count > 0) {
    for (const chunk of eventChunks({
      topic,
      count,
      days: config[SPANS[topic]],
      end,
      idPrefix,
      seed,
      customers: config.customers,
    })) {
      await produceAll(ctx.kafka.producer, ctx.topic(topic), chunk);
      produced += chunk.length;
      if (keep) keep.push(...chunk);
    }
  }
  const producedSeconds = (performance.now() - started) / 1000;
  await waitUntilConsumed(ctx.kafka.inspector, ctx.groupId(topic), ctx.topic(topic), {
    timeoutMs: config.storeTimeoutSeconds * 1000,
  });
  const seconds = (performance.now() - started) / 1000;
  // Consumed means stored (offsets are committed after the write); the catalogue's counts follow.
  const after = await waitForStored(ctx.mongo, topic, before + produced);
  return {
    topic,
    produced,
    stored: after - before,
    total: after,
    seconds,
    producedSeconds,
    recordsPerSecond: produced / seconds,
  };
}

/** Re-produces already-stored messages and waits until they are consumed; the count must not move. */
async function redeliver(ctx, topic, messages) {
  const before = await storedCount(ctx.mongo, topic);
  const started = performance.now();
  await produceAll(ctx.kafka.producer, ctx.topic(topic), messages);
  await waitUntilConsumed(ctx.kafka.inspector, ctx.groupId(topic), ctx.topic(topic), {
    timeoutMs: ctx.config.storeTimeoutSeconds * 1000,
  });
  const seconds = (performance.now() - started) / 1000;
  // No target to wait for (a duplicate would raise it): the count once 5 s of count flushes have run.
  const after = await waitForStored(ctx.mongo, topic, Number.POSITIVE_INFINITY, 5_000);
  return {
    produced: messages.length,
    seconds,
    recordsPerSecond: messages.length / seconds,
    countBefore: before,
    countAfter: after,
    duplicates: after - before,
  };
}

module.exports = { seedTopic, redeliver };
