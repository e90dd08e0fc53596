import type { Collections } from '../../db/collections.ts';

/** Bodies kept for replay are capped: enough to diagnose and fix a parser, never a storage sink. */
export const DEAD_LETTER_MAX_BYTES = 256 * 1024;

/**
 * Keep an authenticated but invalid body with its error, so it can be replayed after a fix.
 * Binary bodies (protobuf) are kept as base64.
 */
export async function saveDeadLetter(
  collections: Collections,
  endpoint: string,
  body: Buffer,
  error: string,
  at: Date,
): Promise<void> {
  const truncated = body.length > DEAD_LETTER_MAX_BYTES;
  const kept = truncated ? body.subarray(0, DEAD_LETTER_MAX_BYTES) : body;
  const text = kept.toString('utf8');
  const isText = !text.includes('\uFFFD');
  await collections.deadLetters.insertOne({
    endpoint,
    error: error.slice(0, 2000),
    body: isText ? text : `base64:${kept.toString('base64')}`,
    truncated,
    receivedAt: at,
  });
}
