import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError, singleHeader } from './body.ts';

/** Constant-time string comparison that does not leak the length through an early exit. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Bearer-token check for senders that cannot sign bodies (OTLP exporters, LiteLLM).
 * An endpoint whose secret is not configured refuses everything, saying which variable to set.
 */
export function requireBearer(req: IncomingMessage, expected: string | undefined, variable: string): void {
  if (!expected) {
    throw new HttpError(
      401,
      `This endpoint is disabled: set ${variable} and send it as "Authorization: Bearer …"`,
      {
        'www-authenticate': 'Bearer',
      },
    );
  }
  const header = singleHeader(req, 'authorization') ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!match?.[1] || !safeEqual(match[1], expected)) {
    throw new HttpError(401, 'Missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
  }
}
