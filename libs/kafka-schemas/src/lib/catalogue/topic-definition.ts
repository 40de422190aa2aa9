import type { ClassConstructor } from 'class-transformer';
import type { TopicCatalogue } from './topic-catalogue';

/** A topic folder's whole contribution: its catalogue, the payload class that validates input, the natural key. */
export interface TopicDefinition<P extends object> {
  catalogue: TopicCatalogue;
  payloadClass: ClassConstructor<P>;
  naturalKey: (payload: P) => string;
}
