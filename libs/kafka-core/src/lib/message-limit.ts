import { ConfigResourceTypes, type Kafka } from 'kafkajs';

/**
 * The smallest `max.message.bytes` of the given topics as the cluster reports it (the topic's own
 * value, or the broker default it inherits), or undefined when there is nothing to read. One
 * DescribeConfigs request; callers treat a failure (e.g. no DescribeConfigs permission on a
 * managed cluster) as "keep the configured limit".
 */
export async function readTopicMessageLimit(kafka: Kafka, topics: readonly string[]): Promise<number | undefined> {
  if (topics.length === 0) return undefined;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
    });
    const limits = described.resources
      .flatMap((resource) => resource.configEntries)
      .filter((entry) => entry.configName === 'max.message.bytes')
      .map((entry) => Number(entry.configValue))
      .filter((value) => Number.isInteger(value) && value > 0);
    return limits.length > 0 ? Math.min(...limits) : undefined;
  } finally {
    await admin.disconnect();
  }
}
