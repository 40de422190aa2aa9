import type { ClassConstructor } from 'class-transformer';
import { TOPIC_DEFINITIONS, type TopicDefinitionEntry } from './topic-registry';
import type { Topic } from './topics';

export interface PayloadSchema<P extends object> {
  /** Value of the envelope's `schema` field. */
  schema: string;
  payloadClass: ClassConstructor<P>;
  naturalKey: (payload: P) => string;
}

/** One entry per topic: payload class, schema name and natural key (from the topic folders). */
export const PAYLOAD_SCHEMAS = Object.fromEntries(
  TOPIC_DEFINITIONS.map(({ catalogue, payloadClass, naturalKey }) => [
    catalogue.topic,
    { schema: catalogue.schema, payloadClass, naturalKey },
  ]),
) as unknown as { readonly [T in Topic]: PayloadSchema<PayloadOf<T>> };

type PayloadClasses = { [D in TopicDefinitionEntry as D['catalogue']['topic']]: D['payloadClass'] };

/** The payload type a topic carries, so a handler cannot drift from its topic. */
export type PayloadOf<T extends Topic> = InstanceType<PayloadClasses[T]>;

export function payloadSchemaOf<T extends Topic>(topic: T): PayloadSchema<PayloadOf<T>> {
  return PAYLOAD_SCHEMAS[topic];
}
