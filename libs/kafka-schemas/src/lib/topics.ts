/** Kafka topics carrying DataLake records; each has a dead-letter topic `<topic>.dlq`. */
export const TOPICS = {
  networkLogs: 'network_logs',
  socialPosts: 'social_posts',
  transactions: 'transactions',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly Topic[] = Object.values(TOPICS);

export type DlqTopic = `${Topic}.dlq`;

/** The dead-letter topic of a topic (also of a renamed test copy of one). */
export function dlqTopicOf<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}.dlq`;
}

export function isTopic(value: unknown): value is Topic {
  return typeof value === 'string' && (ALL_TOPICS as readonly string[]).includes(value);
}
