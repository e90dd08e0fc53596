// Update semantics on top of mingo: operator / replacement / pipeline updates, $setOnInsert and upsert documents.
import { ObjectId } from 'bson';
import { updateMany } from 'mingo';
import { badValue, CommandError } from './errors.ts';
import { clone, type Doc, idFirst, isPlainObject, keyOf, setPath } from './values.ts';

export type Update = Doc | Doc[];
type MingoOptions = Parameters<typeof updateMany>[4];
type Modifier = Parameters<typeof updateMany>[2];

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

/**
 * Applies `u` to copies of `docs` (all already known to match `query`) in a single mingo call and returns the
 * new versions in the same order. Stored documents are never mutated.
 */
export function applyUpdate(
  docs: Doc[],
  query: Doc,
  u: Update,
  arrayFilters: unknown,
  opts: MingoOptions,
): Doc[] {
  if (!Array.isArray(u) && !isOperatorUpdate(u)) return docs.map((d) => replacement(d, u));
  const copies = docs.map(clone);
  let modifier: Update = u;
  if (!Array.isArray(u)) {
    const { $setOnInsert: _ignored, ...ops } = u;
    modifier = ops;
  }
  if (Array.isArray(modifier) ? modifier.length : Object.keys(modifier).length) {
    const config = Array.isArray(arrayFilters) ? { arrayFilters } : {};
    updateMany(copies, query, modifier as Modifier, config, opts);
  }
  return copies.map((doc, i) => {
    if (keyOf(doc._id) !== keyOf(docs[i]?._id)) throw immutableId();
    return idFirst(doc);
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
export function upsertDocument(query: Doc, u: Update, arrayFilters: unknown, opts: MingoOptions): Doc {
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
    const config = Array.isArray(arrayFilters) ? { arrayFilters } : {};
    if (Array.isArray(ops) ? ops.length : Object.keys(ops).length)
      updateMany(copies, {}, ops as Modifier, config, opts);
    if (isPlainObject(onInsert)) updateMany(copies, {}, { $set: clone(onInsert) }, {}, opts);
    doc = copies[0] as Doc;
    if (seedId !== undefined && keyOf(doc._id) !== keyOf(seedId)) throw immutableId();
  }
  if (doc._id === undefined) doc._id = new ObjectId();
  return idFirst(doc);
}
