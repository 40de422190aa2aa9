'use strict';
/**
 * Kafka side of the benchmark: producing events in time order, and a consumer group's progress
 * (committed offsets vs end offsets) — the services commit only what they have stored, so a lag
 * of 0 means every produced record is stored.
 */
const { Kafka, logLevel } = require('kafkajs');

const SEND_CHUNK = 1_000;

function connectKafka(brokers) {
  const kafka = new Kafka({ clientId: 'datalake-bench', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  return {
    admin,
    producer,
    connect: () => Promise.all([admin.connect(), producer.connect()]),
    disconnect: () => Promise.allSettled([admin.disconnect(), producer.disconnect()]),
  };
}

/** Produces `messages` ({key, value}) in order, in sends of SEND_CHUNK; yields between sends. */
async function produceAll(producer, topic, messages) {
  for (let i = 0; i < messages.length; i += SEND_CHUNK) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + SEND_CHUNK) });
  }
}

async function endOffsets(admin, topic) {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map(({ partition, high, low }) => [partition, { high: Number(high), low: Number(low) }]));
}

async function messageCount(admin, topic) {
  let total = 0;
  for (const { high, low } of (await endOffsets(admin, topic)).values()) total += high - low;
  return total;
}

/** Messages of the topic the group has not committed yet. */
async function groupLag(admin, groupId, topic) {
  const [ends, [committed]] = await Promise.all([endOffsets(admin, topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const committedBy = new Map((committed?.partitions ?? []).map(({ partition, offset }) => [partition, Number(offset)]));
  let lag = 0;
  for (const [partition, { high, low }] of ends) {
    const offset = committedBy.get(partition);
    lag += high - (offset === undefined || offset < 0 ? low : offset);
  }
  return lag;
}

/**
 * Polls until the group's lag is 0 and `alsoDone()` (e.g. "the file is processed") holds.
 * Returns the time it happened (ms since epoch, to the poll interval).
 */
async function waitUntilConsumed(admin, groupId, topic, { timeoutMs, alsoDone = async () => true, intervalMs = 200 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The other condition first: records produced before it holds are then in the end offsets read next.
    const done = await alsoDone();
    const lag = await groupLag(admin, groupId, topic).catch(() => Infinity);
    if (done && lag === 0) return Date.now();
    if (Date.now() > deadline) throw new Error(`${groupId} still ${lag} messages behind on ${topic} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

module.exports = { connectKafka, produceAll, messageCount, groupLag, waitUntilConsumed };
