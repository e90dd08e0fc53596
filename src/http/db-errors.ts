import { MongoError } from 'mongodb';
import { HttpError } from './body.ts';

const TRANSIENT_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'PoolClearedError',
  'PoolClearedOnNetworkError',
  'MongoWaitQueueTimeoutError',
]);

/**
 * True when the database is unreachable (rather than the request being wrong): senders should retry.
 * Bulk writes wrap the real cause (e.g. a server-selection timeout) in MongoBulkWriteError, so look inside.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  if (error instanceof MongoError) {
    if (TRANSIENT_NAMES.has(error.name)) return true;
    if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool')) return true;
  }
  const inner = (error as { errorResponse?: unknown }).errorResponse;
  return isDatabaseUnavailable(error.cause, depth + 1) || isDatabaseUnavailable(inner, depth + 1);
}

/** Turn a database outage into 503 + Retry-After, which OTLP exporters and webhook senders retry. */
export function unavailable(retryAfterSeconds = 5): HttpError {
  return new HttpError(503, 'Storage is temporarily unavailable; retry later', {
    'retry-after': String(retryAfterSeconds),
  });
}
