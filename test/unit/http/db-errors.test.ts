import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../../src/http/db-errors.ts';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('treats a raw socket error from a stopped database as an outage (reliability suite: 500 during outage)', () => {
    // What the driver passed through when the database went away mid-ingest: senders must get 503, not 500.
    expect(isDatabaseUnavailable(socketError('EPIPE', 'This socket has been ended by the other party'))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(socketError('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('wrapper', { cause: socketError('ECONNREFUSED', 'connect') })),
    ).toBe(true);
  });

  it('keeps driver network errors and leaves request errors alone', () => {
    expect(isDatabaseUnavailable(new MongoNetworkError('closed'))).toBe(true);
    expect(
      isDatabaseUnavailable(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 })),
    ).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('bad'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(
      false,
    );
  });
});
