'use strict';
/**
 * Kafka side of the benchmark: producing events in time order, and a consumer group's progress
 * (committed offsets vs end offsets) — the services commit only what they have stored, so a lag
 * of 0 means every produced record is stored. Through libs/kafka-core, as the services.
 */
const { kafkaCore } = require('./ts-libs');

const SEND_CHUNK = 1_000;

function connectKafka(brokers) {
  const { createKafkaClient, ensureTopics, KafkaInspector, PlainProducer, silentLogger } = kafkaCore();
  const client = createKafkaClient({ clientId: 'datalake-bench', brokers: brokers.split(','), logger: silentLogger });
  const inspector = new KafkaInspector(client);
  const producer = new PlainProducer(client, { idempotent: true });
  return {
    inspector,
    producer,
    /** Creates the topics that do not exist yet. */
    createTopics: (topics) => ensureTopics(client, topics),
    connect: () => Promise.all([inspector.connect(), producer.connect()]),
    disconnect: () => Promise.allSettled([inspector.disconnect(), producer.disconnect()]),
  };
}

/** Produces `messages` ({key, value}) in order, in sends of SEND_CHUNK; yields between sends. */
async function produceAll(producer, topic, messages) {
  for (let i = 0; i < messages.length; i += SEND_CHUNK) {
    await producer.send(topic, messages.slice(i, i + SEND_CHUNK));
  }
}

async function endOffsets(inspector, topic) {
  const offsets = await inspector.topicEndOffsets(topic);
  return new Map(offsets.map(({ partition, high, low }) => [partition, { high: Number(high), low: Number(low) }]));
}

async function messageCount(inspector, topic) {
  let total = 0;
  for (const { high, low } of (await endOffsets(inspector, topic)).values()) total += high - low;
  return total;
}

/** Messages of the topic the group has not committed yet. */
async function groupLag(inspector, groupId, topic) {
  const [ends, committed] = await Promise.all([
    endOffsets(inspector, topic),
    inspector.committedOffsets(groupId, topic),
  ]);
  const committedBy = new Map(committed.map(({ partition, offset }) => [partition, Number(offset)]));
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
async function waitUntilConsumed(
  inspector,
  groupId,
  topic,
  { timeoutMs, alsoDone = async () => true, intervalMs = 200 },
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The other condition first: records produced before it holds are then in the end offsets read next.
    const done = await alsoDone();
    const lag = await groupLag(inspector, groupId, topic).catch(() => Infinity);
    if (done && lag === 0) return Date.now();
    if (Date.now() > deadline)
      throw new Error(`${groupId} still ${lag} messages behind on ${topic} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

module.exports = { connectKafka, produceAll, messageCount, groupLag, waitUntilConsumed };
