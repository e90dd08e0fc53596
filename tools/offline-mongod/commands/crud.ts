// Reads and writes: insert, find, getMore, killCursors, update, delete, findAndModify, count, distinct.
import { ObjectId } from 'bson';
import { Query } from 'mingo';
import type { Ctx, Handler, MingoOptions } from '../engine.ts';
import { badValue, CommandError, tooLarge, writeError } from '../errors.ts';
import type { Collection } from '../store.ts';
import { applyUpdate, parseUpdate, type Update, upsertDocument } from '../update.ts';
import {
  asDoc,
  asInt,
  bsonSize,
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

/** Runs a query with mingo; `$natural` sorts map to (reversed) insertion order. */
export function select(docs: Doc[], filter: unknown, o: SelectOptions, mopts: Partial<MingoOptions>): Doc[] {
  const sort = isPlainObject(o.sort) ? { ...o.sort } : {};
  if (sort.$natural === -1) docs = docs.slice().reverse();
  delete sort.$natural;
  const projection =
    isPlainObject(o.projection) && Object.keys(o.projection).length ? o.projection : undefined;
  let cursor = new Query(asDoc(filter), mopts).find(docs, projection);
  if (Object.keys(sort).length) cursor = cursor.sort(sort as Record<string, 1 | -1>);
  if (o.skip) cursor = cursor.skip(o.skip);
  if (o.limit) cursor = cursor.limit(o.limit);
  const out = cursor.all() as Doc[];
  return projection ? out.map(idFirst) : out;
}

/** Documents a filter can match: `_id` equality / `$in` use the primary key map, anything else scans. */
export function scan(coll: Collection | undefined, filter: unknown): Doc[] {
  if (!coll) return [];
  const id = isPlainObject(filter) ? filter._id : undefined;
  const direct = (v: unknown) =>
    v !== undefined && !isPlainObject(v) && !Array.isArray(v) && !(v instanceof RegExp);
  let ids: unknown[] | undefined;
  if (direct(id)) ids = [id];
  else if (isPlainObject(id) && Object.keys(id).length === 1 && Array.isArray(id.$in) && id.$in.every(direct))
    ids = id.$in;
  if (!ids) return coll.all();
  const found = new Set<Doc>();
  for (const v of ids) {
    const doc = coll.docs.get(keyOf(v));
    if (doc) found.add(doc);
  }
  return [...found];
}

function writeReply(n: number, writeErrors: Doc[], extra: Doc = {}): Doc {
  return { n, ...extra, ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
}

function checkSize(doc: Doc, update: boolean): void {
  const size = bsonSize(doc);
  if (size <= MAX_BSON_SIZE) return;
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
        scan(coll, cmd.filter),
        cmd.filter,
        { sort: cmd.sort, skip: asInt(cmd.skip, 0), limit: Math.abs(limit), projection: cmd.projection },
        engine.mingo(
          db,
          isPlainObject(cmd.collation) ? { collation: cmd.collation as { locale: string } } : {},
        ),
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
  const mopts = engine.mingo(db);
  const coll = engine.store.get(db, name);
  const matches = select(scan(coll, q), q, { sort: o.sort, limit: o.multi ? 0 : 1 }, mopts);
  if (!coll || matches.length === 0) {
    if (!o.upsert) return { matched: 0, modified: 0 };
    const doc = upsertDocument(q, u, o.arrayFilters, mopts);
    checkSize(doc, true);
    engine.store.ensure(db, name).insert(doc);
    return { matched: 0, modified: 0, upserted: doc, after: doc };
  }
  const updated = applyUpdate(matches, q, u, o.arrayFilters, mopts);
  let modified = 0;
  for (let i = 0; i < matches.length; i++) {
    const old = matches[i] as Doc;
    const doc = updated[i] as Doc;
    if (keyOf(old) === keyOf(doc)) {
      updated[i] = old;
      continue;
    }
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
    const matches = select(
      scan(coll, spec.q),
      spec.q,
      { limit: asInt(spec.limit, 0) === 1 ? 1 : 0 },
      engine.mingo(db),
    );
    for (const doc of matches) coll?.remove(doc);
    n += matches.length;
  }
  return writeReply(n, []);
};

function project(doc: Doc | undefined, fields: unknown, mopts: Partial<MingoOptions>): Doc | null {
  if (!doc) return null;
  return isPlainObject(fields) && Object.keys(fields).length
    ? (select([doc], {}, { projection: fields }, mopts)[0] ?? null)
    : doc;
}

const findAndModify: Handler = (cmd, ctx) => {
  const name = collName(cmd, Object.keys(cmd)[0] ?? 'findAndModify');
  const { engine, db } = ctx;
  const mopts = engine.mingo(db);
  const query = asDoc(cmd.query);
  if (cmd.remove === true) {
    const coll = engine.store.get(db, name);
    const match = select(scan(coll, query), query, { sort: cmd.sort, limit: 1 }, mopts)[0];
    if (match) coll?.remove(match);
    return { lastErrorObject: { n: match ? 1 : 0 }, value: project(match, cmd.fields, mopts), ok: 1 };
  }
  if (cmd.update === undefined)
    throw new CommandError(9, 'FailedToParse', 'Either an update or remove=true must be specified');
  const r = modify(ctx, name, query, parseUpdate(cmd.update), {
    multi: false,
    upsert: cmd.upsert === true,
    arrayFilters: cmd.arrayFilters,
    sort: cmd.sort,
  });
  const lastErrorObject: Doc = { n: r.upserted ? 1 : r.matched, updatedExisting: r.matched > 0 };
  if (r.upserted) lastErrorObject.upserted = r.upserted._id;
  return { lastErrorObject, value: project(cmd.new === true ? r.after : r.before, cmd.fields, mopts), ok: 1 };
};

const count: Handler = (cmd, { engine, db }) => {
  const coll = engine.store.get(db, collName(cmd, 'count'));
  const opts = { skip: asInt(cmd.skip, 0), limit: Math.abs(asInt(cmd.limit, 0)) };
  const n = select(scan(coll, cmd.query), cmd.query, opts, engine.mingo(db)).length;
  return { n, ok: 1 };
};

const distinct: Handler = (cmd, { engine, db }) => {
  const coll = engine.store.get(db, collName(cmd, 'distinct'));
  if (typeof cmd.key !== 'string') throw badValue("'key' must be a string");
  const path = cmd.key.split('.');
  const seen = new Map<string, unknown>();
  for (const doc of select(scan(coll, cmd.query), cmd.query, {}, engine.mingo(db))) {
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
