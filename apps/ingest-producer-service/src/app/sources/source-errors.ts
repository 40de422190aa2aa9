import { KafkaUnavailableError } from '@datalake/kafka';
import { DomainError } from '@datalake/service-kit';

/**
 * Errors that say nothing about the input: Kafka or MongoDB unreachable. The input stays where it
 * is and is tried again later; anything else is a verdict on the input.
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof KafkaUnavailableError) return true;
  if (error instanceof DomainError) return error.code === 'UNAVAILABLE';
  if (!(error instanceof Error)) return false;
  // SQLite lock contention with a writer.
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return true;
  return error.name.startsWith('Mongo') || error.message === 'MongoDB is not connected';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
