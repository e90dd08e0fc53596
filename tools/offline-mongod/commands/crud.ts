// Reads and writes: insert, find, getMore, killCursors, update, delete, findAndModify, count, distinct.
import { ObjectId } from 'bson';
import type { Ctx, Handler } from '../engine.ts';
import { badValue, CommandError, tooLarge, writeError } from '../errors.ts';
import { query } from '../mingo.ts';
import type { Collection } from '../store.ts';
import { applyUpdate, parseUpdate, type Update, upsertDocument } from '../update.ts';
import {
  asDoc,
  asInt,
  bsonSize,
  bsonSizeAtMost,
  type Doc,
  idFirst,
  isPlainObject,
  keyOf,
  MAX_BSON_SIZE,
  pathValues,
} from '../values.ts';
import { aggregate } from './aggregate.ts';

export function collName(cmd: Doc, field: string): string {
  const v = cmd[field];
  if (typeof v !== 'string' || !v)
    throw new CommandError(73, 'InvalidNamespace', `Invalid namespace: ${String(v)}`);
  return v;
}

interface SelectOptions {
  sort?: unknown;
  skip?: number;
  limit?: number;
  projection?: unknown;
}

/**
 * A projection of top-level fields only, all included or all excluded (`_id` either way), done without mingo:
 * the result is what mingo's $project gives (the same fields, in the same order). Anything else
 * (dotted paths, operators, expressions, mixed modes) returns undefined and goes through mingo.
 */
function simpleProjection(projection: Doc): ((doc: Doc) => Doc) | undefined {
  let include: boolean | undefined;
  let keepId = true;
  let idShown = false;
  for (const k of Object.keys(projection)) {
    const v = projection[k];
    if (v !== 1 && v !== 0 && v !== true && v !== false) return undefined;
    if (k === '_id') {
      keepId = v === 1 || v === true;
      idShown = keepId;
      continue;
    }
    if (k.includes('.') || k.startsWith('$') || !k) return undefined;
    const on = v === 1 || v === true;
    if (include !== undefined && include !== on) return undefined;
    include = on;
  }
  if (include === undefined) include = keepId; // only _id: { _id: 1 } keeps just it, { _id: 0 } drops it
  if (!include && idShown) return undefined; // mingo refuses { _id: 1, a: 0 }
  if (include) {
    // mingo emits included fields sorted by name, then `_id` (which select moves to the front).
    const fields = Object.keys(projection)
      .filter((k) => k !== '_id')
      .sort();
    return (doc) => {
      const out: Doc = {};
      if (keepId && doc._id !== undefined) out._id = doc._id;
      for (const k of fields) if (doc[k] !== undefined) out[k] = doc[k];
      return out;
    };
  }
  return (doc) => {
    const out: Doc = {};
    for (const k of Object.keys(doc)) if (k === '_id' ? keepId : !(k in projection)) out[k] = doc[k];
    return idFirst(out);
  };
}

/** Runs a query with mingo; `$natural` sorts map to (reversed) insertion order. */
export function select(docs: Doc[], filter: unknown, o: SelectOptions, collation?: unknown): Doc[] {
  const sort = isPlainObject(o.sort) ? { ...o.sort } : {};
  if (sort.$natural === -1) docs = docs.slice().reverse();
  delete sort.$natural;
  const projection =
    isPlainObject(o.projection) && Object.keys(o.projection).length ? o.projection : undefined;
  const simple = projection && simpleProjection(projection);
  let cursor = query(asDoc(filter), collation).find(docs, simple ? undefined : projection);
  if (Object.keys(sort).length) cursor = cursor.sort(sort as Record<string, 1 | -1>);
  if (o.skip) cursor = cursor.skip(o.skip);
  if (o.limit) cursor = cursor.limit(o.limit);
  const out = cursor.all() as Doc[];
  if (simple) return out.map(simple);
  return projection ? out.map(idFirst) : out;
}

/**
 * Documents a filter can match: an index or `_id` lookup when the filter pins indexed fields by equality,
 * otherwise the whole collection. With a collation, string equality is not key equality: always scan.
 */
export function scan(coll: Collection | undefined, filter: unknown, collation?: unknown): Doc[] {
  if (!coll) return [];
  return isPlainObject(collation) ? coll.all() : coll.candidates(filter);
}

function writeReply(n: number, writeErrors: Doc[], extra: Doc = {}): Doc {
  return { n, ...extra, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
}

function checkSize(doc: Doc, update: boolean): void {
  if (bsonSizeAtMost(doc, MAX_BSON_SIZE)) return;
  const size = bsonSize(doc);
  if (!update) throw tooLarge(size);
  throw new CommandError(
    17419,
    'Location17419',
    `Resulting document after update is larger than ${MAX_BSON_SIZE}`,
  );
}

const insert: Handler = (cmd, { engine, db }) => {
  const coll = engine.store.ensure(db, collName(cmd, 'insert'));
  const docs = Array.isArray(cmd.documents) ? cmd.documents : [];
  const ordered = cmd.ordered !== false;
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    try {
      const raw: unknown = docs[i];
      if (!isPlainObject(raw)) throw badValue('document to insert must be an object');
      checkSize(raw, false);
      if (Array.isArray(raw._id)) throw badValue(`can't use an array for _id`);
      coll.insert(raw._id === undefined ? { _id: new ObjectId(), ...raw } : idFirst(raw));
      n++;
    } catch (err) {
      writeErrors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return writeReply(n, writeErrors);
};

const find: Handler = (cmd, { engine, db }) => {
  const name = collName(cmd, 'find');
  const limit = asInt(cmd.limit, 0);
  const coll = engine.store.get(db, name);
  const docs = coll
    ? select(
        scan(coll, cmd.filter, cmd.collation),
        cmd.filter,
        { sort: cmd.sort, skip: asInt(cmd.skip, 0), limit: Math.abs(limit), projection: cmd.projection },
        cmd.collation,
      )
    : [];
  let batchSize = typeof cmd.batchSize === 'number' ? cmd.batchSize : undefined;
  if (limit) batchSize = Math.min(batchSize ?? Math.abs(limit), Math.abs(limit));
  return engine.cursors.first(`${db}.${name}`, docs, batchSize, cmd.singleBatch === true || limit < 0);
};

const getMore: Handler = (cmd, { engine, db }) =>
  engine.cursors.more(cmd.getMore, `${db}.${collName(cmd, 'collection')}`, cmd.batchSize);

const killCursors: Handler = (cmd, { engine }) =>
  engine.cursors.kill(Array.isArray(cmd.cursors) ? cmd.cursors : []);

interface ModifyOptions {
  multi: boolean;
  upsert: boolean;
  arrayFilters: unknown;
  sort?: unknown;
}

interface ModifyResult {
  matched: number;
  modified: number;
  upserted?: Doc;
  before?: Doc;
  after?: Doc;
}

/** Shared core of update and findAndModify. Synchronous, so concurrent clients never interleave. */
function modify(ctx: Ctx, name: string, q: Doc, u: Update, o: ModifyOptions): ModifyResult {
  const { engine, db } = ctx;
  const coll = engine.store.get(db, name);
  const matches = select(scan(coll, q), q, { sort: o.sort, limit: o.multi ? 0 : 1 });
  if (!coll || matches.length === 0) {
    if (!o.upsert) return { matched: 0, modified: 0 };
    const doc = upsertDocument(q, u, o.arrayFilters);
    checkSize(doc, true);
    engine.store.ensure(db, name).insert(doc);
    return { matched: 0, modified: 0, upserted: doc, after: doc };
  }
  const updated = applyUpdate(matches, q, u, o.arrayFilters);
  let modified = 0;
  for (let i = 0; i < matches.length; i++) {
    const old = matches[i] as Doc;
    const doc = updated[i] as Doc;
    if (doc === old) continue;
    checkSize(doc, true);
    coll.replace(old, doc);
    modified++;
  }
  return { matched: matches.length, modified, before: matches[0], after: updated[0] };
}

const update: Handler = (cmd, ctx) => {
  const name = collName(cmd, 'update');
  const updates = Array.isArray(cmd.updates) ? cmd.updates : [];
  const ordered = cmd.ordered !== false;
  const writeErrors: Doc[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < updates.length; i++) {
    try {
      const spec = asDoc(updates[i]);
      const u = parseUpdate(spec.u);
      const multi = spec.multi === true;
      if (multi && !Array.isArray(u) && !Object.keys(u).some((k) => k.startsWith('$')))
        throw new CommandError(
          9,
          'FailedToParse',
          'multi update is not supported for replacement-style update',
        );
      const r = modify(ctx, name, asDoc(spec.q), u, {
        multi,
        upsert: spec.upsert === true,
        arrayFilters: spec.arrayFilters,
        sort: spec.sort,
      });
      n += r.matched + (r.upserted ? 1 : 0);
      nModified += r.modified;
      if (r.upserted) upserted.push({ index: i, _id: r.upserted._id });
    } catch (err) {
      writeErrors.push(writeError(i, err));
      if (ordered) break;
    }
  }
  return writeReply(n, writeErrors, { nModified, ...(upserted.length ? { upserted } : {}) });
};

const del: Handler = (cmd, { engine, db }) => {
  const coll = engine.store.get(db, collName(cmd, 'delete'));
  const deletes = Array.isArray(cmd.deletes) ? cmd.deletes : [];
  let n = 0;
  for (const raw of coll ? deletes : []) {
    const spec = asDoc(raw);
    const matches = select(scan(coll, spec.q), spec.q, { limit: asInt(spec.limit, 0) === 1 ? 1 : 0 });
    for (const doc of matches) coll?.remove(doc);
    n += matches.length;
  }
  return writeReply(n, []);
};

function project(doc: Doc | undefined, fields: unknown): Doc | null {
  if (!doc) return null;
  return isPlainObject(fields) && Object.keys(fields).length
    ? (select([doc], {}, { projection: fields })[0] ?? null)
    : doc;
}

const findAndModify: Handler = (cmd, ctx) => {
  const name = collName(cmd, Object.keys(cmd)[0] ?? 'findAndModify');
  const { engine, db } = ctx;
  const filter = asDoc(cmd.query);
  if (cmd.remove === true) {
    const coll = engine.store.get(db, name);
    const match = select(scan(coll, filter), filter, { sort: cmd.sort, limit: 1 })[0];
    if (match) coll?.remove(match);
    return { lastErrorObject: { n: match ? 1 : 0 }, value: project(match, cmd.fields), ok: 1 };
  }
  if (cmd.update === undefined)
    throw new CommandError(9, 'FailedToParse', 'Either an update or remove=true must be specified');
  const r = modify(ctx, name, filter, parseUpdate(cmd.update), {
    multi: false,
    upsert: cmd.upsert === true,
    arrayFilters: cmd.arrayFilters,
    sort: cmd.sort,
  });
  const lastErrorObject: Doc = { n: r.upserted ? 1 : r.matched, updatedExisting: r.matched > 0 };
  if (r.upserted) lastErrorObject.upserted = r.upserted._id;
  return { lastErrorObject, value: project(cmd.new === true ? r.after : r.before, cmd.fields), ok: 1 };
};

const count: Handler = (cmd, { engine, db }) => {
  const coll = engine.store.get(db, collName(cmd, 'count'));
  const opts = { skip: asInt(cmd.skip, 0), limit: Math.abs(asInt(cmd.limit, 0)) };
  const n = select(scan(coll, cmd.query), cmd.query, opts).length;
  return { n, ok: 1 };
};

const distinct: Handler = (cmd, { engine, db }) => {
  const coll = engine.store.get(db, collName(cmd, 'distinct'));
  if (typeof cmd.key !== 'string') throw badValue("'key' must be a string");
  const path = cmd.key.split('.');
  const seen = new Map<string, unknown>();
  for (const doc of select(scan(coll, cmd.query), cmd.query, {})) {
    for (const v of pathValues(doc, path)) if (v !== undefined && !seen.has(keyOf(v))) seen.set(keyOf(v), v);
  }
  return { values: [...seen.values()], ok: 1 };
};

export const crudCommands: Record<string, Handler> = {
  insert,
  find,
  getMore,
  killCursors,
  update,
  delete: del,
  findAndModify,
  findandmodify: findAndModify,
  count,
  distinct,
  aggregate,
};
