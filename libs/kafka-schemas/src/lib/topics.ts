import type { TopicCatalogue } from './catalogue/topic-catalogue';
import { TOPIC_DEFINITIONS, type TopicDefinitionEntry } from './topic-registry';

/** Kafka topics carrying DataLake records, by key; each has a dead-letter topic `<topic>.dlq`. */
export const TOPICS = Object.fromEntries(
  TOPIC_DEFINITIONS.map(({ catalogue }) => [catalogue.key, catalogue.topic]),
) as { readonly [D in TopicDefinitionEntry as D['catalogue']['key']]: D['catalogue']['topic'] };

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

/** The catalogue of a topic (fields, aliases, enums, natural key, example, resource, storage). */
export type CatalogueOf<T extends Topic> = (typeof TOPIC_CATALOGUE)[T];

/** Every topic's catalogue, by topic name. */
export const TOPIC_CATALOGUE = Object.fromEntries(
  TOPIC_DEFINITIONS.map(({ catalogue }) => [catalogue.topic, catalogue]),
) as { readonly [D in TopicDefinitionEntry as D['catalogue']['topic']]: D['catalogue'] };

/** Catalogues in topic order (network_logs, social_posts, transactions). */
export const ALL_CATALOGUES: readonly TopicCatalogue[] = TOPIC_DEFINITIONS.map(({ catalogue }) => catalogue);

/** The catalogue of a topic, typed for generic code (`TOPIC_CATALOGUE[topic]` keeps the literal types). */
export function catalogueOf(topic: Topic): TopicCatalogue {
  return TOPIC_CATALOGUE[topic];
}

/** A value for every topic, e.g. `mapTopics((topic) => requiredFieldsOf(catalogueOf(topic)))`. */
export function mapTopics<V>(value: (topic: Topic) => V): Record<Topic, V> {
  return Object.fromEntries(ALL_TOPICS.map((topic) => [topic, value(topic)])) as Record<Topic, V>;
}
