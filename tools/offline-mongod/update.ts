// Update semantics on top of mingo: operator / replacement / pipeline updates, $setOnInsert and upsert documents.
import { ObjectId } from 'bson';
import { badValue, CommandError } from './errors.ts';
import { applyOperators, updateMany } from './mingo.ts';
import { clone, type Doc, idFirst, isPlainObject, keyOf, sameValue, setPath } from './values.ts';

export type Update = Doc | Doc[];

export function parseUpdate(u: unknown): Update {
  if (Array.isArray(u)) return u.map((stage) => (isPlainObject(stage) ? stage : {}));
  if (!isPlainObject(u)) throw new CommandError(14, 'TypeMismatch', 'update must be an object or an array');
  const keys = Object.keys(u);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length && ops.length !== keys.length)
    throw badValue(`Unknown modifier: ${keys.find((k) => !k.startsWith('$'))}`);
  return u;
}

const isOperatorUpdate = (u: Update): boolean =>
  !Array.isArray(u) && Object.keys(u).some((k) => k.startsWith('$'));

const immutableId = () =>
  new CommandError(
    66,
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );

function replacement(old: Doc, u: Doc): Doc {
  if (u._id !== undefined && keyOf(u._id) !== keyOf(old._id)) throw immutableId();
  for (const k of Object.keys(u))
    if (k.startsWith('$')) throw badValue(`The dollar ($) prefixed field '${k}' is not allowed`);
  const { _id: _ignored, ...rest } = clone(u);
  return { _id: old._id, ...rest };
}

/** Top-level fields an operator update can change (every path's first part, and `$rename` targets). */
function touchedFields(ops: Doc): Set<string> {
  const touched = new Set<string>();
  for (const op of Object.keys(ops)) {
    const spec = ops[op];
    if (!isPlainObject(spec)) continue;
    for (const path of Object.keys(spec)) {
      touched.add(path.split('.')[0] as string);
      if (op === '$rename' && typeof spec[path] === 'string') touched.add(spec[path].split('.')[0] as string);
    }
  }
  return touched;
}

/** Whether an operator update uses the positional `$` operator, which needs the query to find its element. */
function positional(ops: Doc): boolean {
  for (const spec of Object.values(ops))
    if (isPlainObject(spec) && Object.keys(spec).some((path) => path.split('.').includes('$'))) return true;
  return false;
}

/**
 * Applies `u` to `docs` (all already known to match `query`) in a single mingo call and returns the new
 * versions in the same order; a document the update leaves unchanged comes back as the same object. Stored
 * documents are never mutated: operator updates work on a shallow copy whose touched fields are deep-cloned
 * (untouched fields are shared with the stored version, which is immutable).
 */
export function applyUpdate(docs: Doc[], query: Doc, u: Update, arrayFilters: unknown): Doc[] {
  const unchangedOr = (old: Doc, doc: Doc) => (sameValue(old, doc) ? old : doc);
  if (!Array.isArray(u) && !isOperatorUpdate(u)) return docs.map((d) => unchangedOr(d, replacement(d, u)));
  const config = Array.isArray(arrayFilters) ? { arrayFilters: arrayFilters as Doc[] } : {};
  if (Array.isArray(u)) {
    const copies = docs.map(clone);
    if (u.length) updateMany(copies, {}, u, config);
    return copies.map((copy, i) => {
      const old = docs[i] as Doc;
      const doc = idFirst(copy);
      if (keyOf(doc._id) !== keyOf(old._id)) throw immutableId();
      return unchangedOr(old, doc);
    });
  }
  const { $setOnInsert: _ignored, ...ops } = u;
  if (!Object.keys(ops).length) return docs.slice();
  const touched = touchedFields(ops);
  const copies = docs.map((old) => {
    const copy = { ...old };
    for (const f of touched) if (Object.hasOwn(old, f)) copy[f] = clone(old[f]);
    return copy;
  });
  applyOperators(copies, positional(ops) ? query : {}, ops, config.arrayFilters);
  return copies.map((copy, i) => {
    const old = docs[i] as Doc;
    const doc = idFirst(copy);
    if (doc._id !== old._id && keyOf(doc._id) !== keyOf(old._id)) throw immutableId();
    // Untouched fields are the very same values: compare field order and the touched fields only.
    const keys = Object.keys(doc);
    const oldKeys = Object.keys(old);
    if (keys.length !== oldKeys.length) return doc;
    for (let k = 0; k < keys.length; k++) if (keys[k] !== oldKeys[k]) return doc;
    for (const f of touched) if (!sameValue(old[f], doc[f])) return doc;
    return old;
  });
}

/** Equality conditions of a query become the seed of an upserted document. */
function seedFromQuery(query: Doc, out: Doc): void {
  for (const [k, v] of Object.entries(query)) {
    if (k === '$and' && Array.isArray(v)) {
      for (const c of v) if (isPlainObject(c)) seedFromQuery(c, out);
    } else if (k.startsWith('$') || v instanceof RegExp) {
      // $or, $expr, regex matches … do not contribute fields
    } else if (isPlainObject(v) && Object.keys(v).some((op) => op.startsWith('$'))) {
      if ('$eq' in v) setPath(out, k, clone(v.$eq));
      else if (Array.isArray(v.$in) && v.$in.length === 1) setPath(out, k, clone(v.$in[0]));
    } else {
      setPath(out, k, clone(v));
    }
  }
}

/** Builds the document inserted by an upsert that matched nothing. */
export function upsertDocument(query: Doc, u: Update, arrayFilters: unknown): Doc {
  const seed: Doc = {};
  seedFromQuery(query, seed);
  const seedId = seed._id;
  let doc: Doc;
  if (!Array.isArray(u) && !isOperatorUpdate(u)) {
    doc = replacement({ _id: u._id ?? seed._id }, u);
  } else {
    const copies = [seed];
    const ops = Array.isArray(u) ? u : { ...u };
    let onInsert: unknown;
    if (!Array.isArray(ops)) {
      onInsert = ops.$setOnInsert;
      delete ops.$setOnInsert;
    }
    const filters = Array.isArray(arrayFilters) ? (arrayFilters as Doc[]) : undefined;
    if (Array.isArray(ops)) {
      if (ops.length) updateMany(copies, {}, ops, filters ? { arrayFilters: filters } : {});
    } else if (Object.keys(ops).length) {
      applyOperators(copies, {}, ops, filters);
    }
    if (isPlainObject(onInsert)) applyOperators(copies, {}, { $set: clone(onInsert) });
    doc = copies[0] as Doc;
    if (seedId !== undefined && keyOf(doc._id) !== keyOf(seedId)) throw immutableId();
  }
  if (doc._id === undefined) doc._id = new ObjectId();
  return idFirst(doc);
}
