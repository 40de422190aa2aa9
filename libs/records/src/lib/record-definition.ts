import type { ClassConstructor } from 'class-transformer';
import type { Filter, IndexDescription } from 'mongodb';
import type { EventSource, KeyedEvent, Topic } from '@datalake/kafka-schemas';
import type { ListQueryDto } from '@datalake/dto';
import type { StatsSpec } from './stats/record-stats';

/** What every stored record holds besides its own normalised and derived fields. */
export interface RecordDocument {
  /** The natural key: one document per record, whatever the number of deliveries. */
  _id: string;
  timestamp: Date;
  ingestedAt: Date;
  source: EventSource;
  eventId: string;
  [field: string]: unknown;
}

/** A transform refused a record for good (it goes to the DLQ, it is not retried). */
export class TransformError extends Error {
  override readonly name = 'TransformError';
}

/**
 * Everything that differs between the record services: topic, storage, transform, filters and
 * mutable fields. The query, storage and consumer machinery is shared.
 */
export interface RecordDefinition<T extends Topic = Topic> {
  topic: T;
  /** URL path of the resource, e.g. `transactions`. */
  resource: string;
  database: string;
  collection: string;
  /** Normalises and enriches one validated event; throws TransformError to dead-letter it. */
  toDocument(event: KeyedEvent<T>): RecordDocument;
  listQuery: ClassConstructor<ListQueryDto>;
  /** The list filters plus `format`, for `GET /<resource>/export`. */
  exportQuery: ClassConstructor<ListQueryDto>;
  updateBody: ClassConstructor<object>;
  /** Query parameter → condition on stored fields; values arrive validated as strings. */
  filters: Record<string, (value: string) => Filter<RecordDocument>>;
  /**
   * Filters whose value selects few records (an id, a customer, an address): a list with one of
   * them reads all its matches at once through the filter's index and sorts them, instead of
   * walking the time partitions newest first (which suits filters that match many records).
   */
  narrowFilters?: readonly string[];
  /** Fields to `$set` for a validated update, derived fields recomputed. */
  applyUpdate(current: RecordDocument, patch: Record<string, unknown>): Record<string, unknown>;
  /** Indexes for the filters (each should end with the cursor sort `timestamp, _id`). */
  indexes: IndexDescription[];
  /** Stored fields that are not part of the public record. */
  hiddenFields?: string[];
  /** What `GET /<resource>/stats` breaks counts down by, besides time and `source.kind`. */
  stats?: StatsSpec;
}
