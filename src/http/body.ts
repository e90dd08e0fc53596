import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGunzip } from 'node:zlib';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * Read the raw body (signatures are computed over these exact bytes), inflating gzip when declared.
 * The limit applies to the inflated size too, so a small gzip bomb is refused with 413.
 */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    throw new HttpError(415, `Unsupported Content-Encoding "${encoding}"; send identity or gzip`);
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limitBytes) {
    req.resume();
    throw new HttpError(413, `Body of ${declared} bytes is over the ${limitBytes}-byte limit`);
  }
  const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > limitBytes) {
        req.unpipe();
        req.resume();
        throw new HttpError(413, `Body is over the ${limitBytes}-byte limit`);
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, `Could not read the body: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export function sendBytes(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': body.length, ...headers });
  res.end(body);
}

/** First value of a header that may legally appear once; duplicated security headers are refused. */
export function singleHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  if (Array.isArray(value)) {
    if (value.length > 1) throw new HttpError(400, `Header ${name} must appear once`);
    return value[0];
  }
  return value;
}
