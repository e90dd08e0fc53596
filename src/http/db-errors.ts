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
 * Socket errors the driver sometimes passes through unwrapped when the server goes away mid-operation
 * (e.g. EPIPE "This socket has been ended by the other party"). Handlers that reach this check talk to no
 * other network peer, so these mean the database connection broke.
 */
const SOCKET_ERROR_CODES = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTCONN',
  'ERR_STREAM_DESTROYED',
  'ERR_SOCKET_CLOSED',
]);

/**
 * True when the database is unreachable (rather than the request being wrong): senders should retry.
 * Bulk writes wrap the real cause (e.g. a server-selection timeout) in MongoBulkWriteError, so look inside.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SOCKET_ERROR_CODES.has(code)) return true;
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
