import {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/**
 * MongoDB errors that mean "not reachable right now" (network, server selection, closed client,
 * failover), judged by error type and the driver's retry labels, never by message text. The one
 * classification the sources (keep the input, retry later) and the record services (retry the
 * batch) share.
 */
export function isMongoOutage(error: unknown): boolean {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
  ) {
    return true;
  }
  // A primary stepping down or a pool being reset: the driver labels these as safe to retry.
  return (
    error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool'))
  );
}
