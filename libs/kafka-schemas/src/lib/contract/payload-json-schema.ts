import { inputSchemaOf, type JsonSchema } from '../catalogue/topic-catalogue';
import { ALL_TOPICS, catalogueOf, type Topic } from '../topics';

/**
 * JSON Schema of a topic's payload, from its topic catalogue (the fields' types, limits, enums
 * and examples, written once in the topic's folder): what producers may put on the topic. The
 * catalogue spec checks the catalogue against the payload class's validators.
 */
export function payloadJsonSchema(topic: Topic): JsonSchema {
  return { ...inputSchemaOf(catalogueOf(topic)), additionalProperties: false };
}

export function payloadJsonSchemas(): Record<Topic, JsonSchema> {
  return Object.fromEntries(ALL_TOPICS.map((topic) => [topic, payloadJsonSchema(topic)])) as Record<Topic, JsonSchema>;
}

/** `network_logs` → `NetworkLogs`: the name part of the topic's schemas and operationIds. */
export function topicTypeName(topic: Topic): string {
  return topic.replace(/(^|_)(\w)/g, (_match, _sep, letter: string) => letter.toUpperCase());
}
