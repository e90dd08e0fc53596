import { createHash } from 'node:crypto';
import type { Collections } from '../../db/collections.ts';
import { redactBody } from './redact.ts';

/** Bodies kept for replay are capped: enough to diagnose and fix a parser, never a storage sink. */
export const DEAD_LETTER_MAX_BYTES = 256 * 1024;

/**
 * Keep an authenticated but invalid body with its error, so it can be diagnosed and replayed after a fix.
 * Content (prompt and response text, tool parameters) is blanked first (see redact.ts); a body that cannot be
 * searched for content is not kept at all, only its size and hash. `decode` reads binary encodings (OTLP
 * protobuf), whose decoded form is kept as JSON.
 */
export async function saveDeadLetter(
  collections: Collections,
  endpoint: string,
  body: Buffer,
  error: string,
  at: Date,
  decode?: (bytes: Uint8Array) => unknown,
): Promise<void> {
  const redacted = redactBody(body, decode);
  const bytes = Buffer.from(redacted.text ?? '', 'utf8');
  const truncated = bytes.length > DEAD_LETTER_MAX_BYTES;
  // Cut on a character boundary: the stored body stays valid UTF-8.
  const kept = truncated
    ? bytes
        .subarray(0, DEAD_LETTER_MAX_BYTES)
        .toString('utf8')
        .replace(/\uFFFD$/, '')
    : bytes.toString('utf8');
  await collections.deadLetters.insertOne({
    endpoint,
    error: error.slice(0, 2000),
    body: kept,
    truncated,
    receivedAt: at,
    bodyBytes: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
    bodyFormat: redacted.format,
    redactions: redacted.redactions,
  });
}
