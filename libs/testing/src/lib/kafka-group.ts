import type { Kafka } from 'kafkajs';

/**
 * Commits a consumer group's offsets at the current end of a topic, so a test's consumer starts
 * after the records earlier runs left on a shared topic. (kafkajs's admin.resetOffsets does not
 * persist offsets for a brand-new group on Kafka 4, so a member joins and commits itself.)
 */
export async function commitGroupAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    consumer.pause([{ topic }]);
    await joined;
    await consumer.commitOffsets(ends.map(({ partition, offset }) => ({ topic, partition, offset })));
  } finally {
    await consumer.disconnect();
  }
}
