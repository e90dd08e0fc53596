// Server-side cursors: results are materialised when the command runs and handed out in batches.
import { Long } from 'bson';
import { CommandError } from './errors.ts';
import { bsonSizeBound, type Doc } from './values.ts';

/** Stay under the 16 MiB reply document limit, leaving room for the cursor envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 64 * 1024;
const DEFAULT_FIRST_BATCH = 101;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

interface OpenCursor {
  ns: string;
  docs: Doc[];
  pos: number;
  touched: number;
}

function take(docs: Doc[], pos: number, limit: number): [Doc[], number] {
  const batch: Doc[] = [];
  let bytes = 0;
  while (pos < docs.length && batch.length < limit) {
    const doc = docs[pos] as Doc;
    const size = bsonSizeBound(doc); // an upper bound: batches never exceed the limit
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
    bytes += size;
    batch.push(doc);
    pos++;
  }
  return [batch, pos];
}

const batchLimit = (v: unknown, dflt: number) => (typeof v === 'number' && v >= 0 ? v || dflt : dflt);

export class Cursors {
  private readonly open = new Map<string, OpenCursor>();
  private seq = Math.floor(Math.random() * 2 ** 40) + 1;

  get size(): number {
    return this.open.size;
  }

  /** Builds a `{ cursor: { firstBatch, id, ns }, ok: 1 }` reply, keeping the rest of `docs` for getMore. */
  first(ns: string, docs: Doc[], batchSize: unknown, singleBatch = false): Doc {
    const limit = typeof batchSize === 'number' && batchSize >= 0 ? batchSize : DEFAULT_FIRST_BATCH;
    const [batch, pos] = take(docs, 0, limit);
    let id = Long.ZERO;
    if (pos < docs.length && !singleBatch) {
      this.expire();
      const n = this.seq++;
      this.open.set(String(n), { ns, docs, pos, touched: Date.now() });
      id = Long.fromNumber(n);
    }
    return { cursor: { firstBatch: batch, id, ns }, ok: 1 };
  }

  more(cursorId: unknown, ns: string, batchSize: unknown): Doc {
    const key = String(cursorId);
    const cur = this.open.get(key);
    if (!cur) throw new CommandError(43, 'CursorNotFound', `cursor id ${key} not found`);
    if (cur.ns !== ns)
      throw new CommandError(
        13,
        'Unauthorized',
        `Requested getMore on namespace '${ns}', but cursor belongs to '${cur.ns}'`,
      );
    const [batch, pos] = take(cur.docs, cur.pos, batchLimit(batchSize, Number.MAX_SAFE_INTEGER));
    cur.pos = pos;
    cur.touched = Date.now();
    const done = pos >= cur.docs.length;
    if (done) this.open.delete(key);
    return { cursor: { nextBatch: batch, id: done ? Long.ZERO : Long.fromString(key), ns }, ok: 1 };
  }

  kill(ids: unknown[]): Doc {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) {
      const key = String(id);
      (this.open.delete(key) ? killed : notFound).push(Long.fromString(key));
    }
    return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
  }

  private expire(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [key, cur] of this.open) if (cur.touched < cutoff) this.open.delete(key);
  }
}
