/** Helpers shared by the reliability suite: raw HTTP with full header control, database counts, secret scans. */
import { Agent, request } from 'node:http';
import { Writable } from 'node:stream';
import type { Db } from 'mongodb';
import { type Logger, pino } from 'pino';

export type RawHeaders = Record<string, string | string[]>;

export interface RawResponse {
  /** HTTP status, or 'crash' when the connection dropped without an answer, 'hung' when none came in time. */
  status: number | 'crash' | 'hung';
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
  error?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * POST over node:http so a test controls every header line: a header given as an array is sent as
 * repeated lines (a duplicated header), which fetch would fold into one.
 */
export function rawPost(
  baseUrl: string,
  path: string,
  body: string | Uint8Array,
  headers: RawHeaders = {},
  { timeoutMs = 10_000, method = 'POST' } = {},
): Promise<RawResponse> {
  const url = new URL(path, baseUrl);
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const flat: string[] = [];
  let hasLength = false;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-length') hasLength = true;
    for (const one of Array.isArray(value) ? value : [value]) flat.push(name, one);
  }
  if (!hasLength) flat.push('content-length', String(payload.length));
  // With raw header lines Node adds nothing itself: HTTP/1.1 needs Host.
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'host')) flat.push('host', url.host);
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: flat, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          finish({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            ms: performance.now() - started,
          }),
        );
        res.on('error', (error) =>
          finish({ status: 'crash', headers: {}, body: Buffer.alloc(0), ms: 0, error: error.message }),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: 'hung', headers: {}, body: Buffer.alloc(0), ms: timeoutMs });
    }, timeoutMs);
    req.on('error', (error) =>
      finish({
        status: 'crash',
        headers: {},
        body: Buffer.alloc(0),
        ms: performance.now() - started,
        error: error.message,
      }),
    );
    req.end(payload);
  });
}

/** Documents in the whole database and in dead_letters (one dbStats + one count: cheap enough per request). */
export interface Snapshot {
  objects: number;
  deadLetters: number;
}

export async function snapshot(db: Db): Promise<Snapshot> {
  const [stats, deadLetters] = await Promise.all([
    db.command({ dbStats: 1 }),
    db.collection('dead_letters').countDocuments(),
  ]);
  return { objects: Number(stats.objects ?? 0), deadLetters };
}

/** Wait until the database stops changing (work a handler does after its answer has landed). */
export async function settle(db: Db, { quietMs = 40, timeoutMs = 2000 } = {}): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  let last = await snapshot(db);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const next = await snapshot(db);
    if ((next.objects === last.objects && next.deadLetters === last.deadLetters) || Date.now() > deadline)
      return next;
    last = next;
  }
}

/** Document counts per collection. */
export async function countAll(db: Db): Promise<Record<string, number>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = await db.collection(name).countDocuments();
  return counts;
}

export function diffCounts(before: Record<string, number>, after: Record<string, number>) {
  const changed: Record<string, number> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const delta = (after[name] ?? 0) - (before[name] ?? 0);
    if (delta) changed[name] = delta;
  }
  return changed;
}

export interface TextHit {
  collection: string;
  needle: string;
  /** Where it sits: the document's endpoint/_id and the text around it. */
  where: string;
}

/** Every place in every collection where one of the needles appears (serialised documents, base64 bodies decoded). */
export async function scanForText(db: Db, needles: string[]): Promise<TextHit[]> {
  const hits: TextHit[] = [];
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  for (const name of names) {
    for await (const doc of db.collection(name).find({})) {
      let text = JSON.stringify(doc);
      // Dead letters keep binary bodies as base64: look inside them too.
      const body = (doc as { body?: unknown }).body;
      if (typeof body === 'string' && body.startsWith('base64:')) {
        text += Buffer.from(body.slice('base64:'.length), 'base64').toString('latin1');
      }
      for (const needle of needles) {
        const at = text.indexOf(needle);
        if (at < 0) continue;
        const label = (doc as { endpoint?: string }).endpoint ?? String(doc._id);
        hits.push({
          collection: name,
          needle,
          where: `${label}: …${text.slice(Math.max(0, at - 120), at + 60)}…`,
        });
      }
    }
  }
  return hits;
}

/** A logger that keeps warnings and errors in memory, so a test can count what the service complained about. */
export function recordingLogger(): {
  logger: Logger;
  entries: { level: number; msg: string; err?: string }[];
} {
  const entries: { level: number; msg: string; err?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const parsed = JSON.parse(line) as {
            level: number;
            msg?: string;
            err?: { message?: string; stack?: string };
          };
          // Where in our code it happened: the first stack frame under src/, blocks/ or jobs/.
          const frame = parsed.err?.stack
            ?.split('\n')
            .find((l) => /\/(src|blocks|jobs)\//.test(l))
            ?.trim();
          entries.push({
            level: parsed.level,
            msg: parsed.msg ?? '',
            ...(parsed.err?.message && { err: `${parsed.err.message}${frame ? ` (${frame})` : ''}` }),
          });
        } catch {
          entries.push({ level: 60, msg: line });
        }
      }
      callback();
    },
  });
  return { logger: pino({ level: 'warn', base: undefined }, sink), entries };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
