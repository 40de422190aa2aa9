import { KafkaUnavailableError } from '@datalake/kafka-core';
import { DomainError, isMongoOutage } from '@datalake/service-kit';

/**
 * A source's own outage error: says nothing about the input, which is kept and tried again later.
 * Outages of Kafka (KafkaUnavailableError) and MongoDB (driver errors) keep their own classes.
 */
export class TransientIngestError extends Error {
  override readonly name: string = 'TransientIngestError';
}

/** The checkpoint store has no MongoDB connection (yet, or any more): an outage, not the input's fault. */
export class CheckpointStoreUnavailableError extends TransientIngestError {
  override readonly name = 'CheckpointStoreUnavailableError';
}

/**
 * Errors that say nothing about the input: Kafka or MongoDB unreachable, SQLite locked by a
 * writer. The input stays where it is and is tried again later; anything else is a verdict on
 * the input. Decided by error type (never by message text), so a permanent failure cannot pass
 * for an outage and be retried forever.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof KafkaUnavailableError || error instanceof TransientIngestError) return true;
  if (error instanceof DomainError) return error.code === 'UNAVAILABLE';
  if (isMongoOutage(error)) return true;
  if (!(error instanceof Error)) return false;
  // SQLite lock contention with a writer (better-sqlite3's SqliteError carries the code).
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
