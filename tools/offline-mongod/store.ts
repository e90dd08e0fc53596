// In-memory databases and collections: documents by _id, hash indexes for equality lookups and unique keys.
import { EJSON, UUID } from 'bson';
import { CommandError } from './errors.ts';
import { query } from './mingo.ts';
import { type Doc, isPlainObject, keyOf, pathValues } from './values.ts';

export interface IndexSpec extends Doc {
  v: number;
  key: Doc;
  name: string;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Lookups needing more keys than this (`$in` lists, or their combinations over compound keys) scan instead. */
const MAX_LOOKUP_KEYS = 100_000;

export function defaultIndexName(key: Doc): string {
  if (keyOf(key) === keyOf(ID_INDEX.key)) return ID_INDEX.name;
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

/** Canonical ids of the documents under one index key: a single id, or a set once there are several. */
type Bucket = string | Set<string>;

const bucketSize = (b: Bucket | undefined): number =>
  b === undefined ? 0 : typeof b === 'string' ? 1 : b.size;

/** Index key -> ids of the documents with that key. */
class KeyMap {
  readonly map = new Map<string, Bucket>();

  add(key: string, id: string): void {
    const b = this.map.get(key);
    if (b === undefined) this.map.set(key, id);
    else if (typeof b !== 'string') b.add(id);
    else if (b !== id) this.map.set(key, new Set([b, id]));
  }

  delete(key: string, id: string): void {
    const b = this.map.get(key);
    if (b === undefined) return;
    if (typeof b === 'string') {
      if (b === id) this.map.delete(key);
      return;
    }
    b.delete(id);
    if (b.size === 1) this.map.set(key, b.values().next().value as string);
    else if (b.size === 0) this.map.delete(key);
  }

  /** Whether `key` belongs to a document other than `id`. */
  takenByOther(key: string, id: string): boolean {
    const b = this.map.get(key);
    if (b === undefined) return false;
    if (typeof b === 'string') return b !== id;
    for (const other of b) if (other !== id) return true;
    return false;
  }
}

/** Keys of one document in one index: the full compound key(s), and the leading field's key(s). */
interface DocKeys {
  full: string[];
  lead: string[];
}

/** A field value's part of an index key; `|` separates the fields of a compound key. */
const part = (v: unknown) => `|${keyOf(v)}`;

class Index {
  readonly paths: string[];
  readonly fields: string[][];
  readonly unique: boolean;
  private readonly sparse: boolean;
  private readonly filter: ReturnType<typeof query> | undefined;
  /** full index key -> documents */
  readonly full = new KeyMap();
  /** leading field key -> documents (compound indexes only; for single-field indexes it is `full`) */
  readonly lead: KeyMap;
  /**
   * Whether every document that can match an equality on the indexed fields is in the maps. Sparse and partial
   * indexes leave documents out, and numeric path parts (`a.0`) resolve differently in queries.
   */
  readonly complete: boolean;
  /**
   * Set once a document holds an array inside an array on an indexed path: equality semantics on nested
   * arrays are not mirrored by the keys, so lookups through this index fall back to scans from then on.
   */
  nestedArrays = false;

  constructor(readonly spec: IndexSpec) {
    this.paths = Object.keys(spec.key);
    this.fields = this.paths.map((f) => f.split('.'));
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    const pfe = spec.partialFilterExpression;
    this.filter = isPlainObject(pfe) ? query(pfe) : undefined;
    this.lead = this.fields.length > 1 ? new KeyMap() : this.full;
    this.complete =
      !this.sparse && !this.filter && !this.fields.some((f) => f.some((p) => /^\d+$/.test(p) || p === ''));
  }

  /** Index keys of `doc`, or null when the document is not indexed (sparse / partial). */
  keys(doc: Doc): DocKeys | null {
    if (this.filter && !this.filter.test(doc)) return null;
    const lists: string[][] = [];
    let missing = true;
    for (const f of this.fields) {
      const name = f[0] as string;
      const top = Object.hasOwn(doc, name) ? doc[name] : undefined;
      // Fast path: a top-level scalar field.
      if (f.length === 1 && !Array.isArray(top)) {
        if (top !== undefined) missing = false;
        lists.push([part(top)]);
        continue;
      }
      const keys: string[] = [];
      for (const v of pathValues(doc, f)) {
        if (v !== undefined) missing = false;
        if (Array.isArray(v)) this.nestedArrays = true;
        const k = part(v);
        if (!keys.includes(k)) keys.push(k);
      }
      lists.push(keys);
    }
    if (this.sparse && missing) return null;
    const lead = lists[0] as string[];
    if (lists.length === 1) return { full: lead, lead };
    let full = lead;
    for (let i = 1; i < lists.length; i++) {
      const next: string[] = [];
      for (const prefix of full) for (const k of lists[i] as string[]) next.push(prefix + k);
      full = next;
    }
    return { full, lead };
  }

  add(id: string, keys: DocKeys | null): void {
    if (!keys) return;
    for (const k of keys.full) this.full.add(k, id);
    if (this.lead !== this.full) for (const k of keys.lead) this.lead.add(k, id);
  }

  delete(id: string, keys: DocKeys | null): void {
    if (!keys) return;
    for (const k of keys.full) this.full.delete(k, id);
    if (this.lead !== this.full) for (const k of keys.lead) this.lead.delete(k, id);
  }

  /** Whether this index is unique and another document already has one of `keys`. */
  conflict(id: string, keys: DocKeys | null): boolean {
    if (!this.unique || !keys) return false;
    for (const k of keys.full) if (this.full.takenByOther(k, id)) return true;
    return false;
  }
}

const sameKeys = (a: DocKeys | null, b: DocKeys | null): boolean => {
  if (a === null || b === null) return a === b;
  if (a.full.length !== b.full.length) return false;
  for (let i = 0; i < a.full.length; i++) if (a.full[i] !== b.full[i]) return false;
  return true;
};

function duplicateKey(ns: string, spec: IndexSpec, doc: Doc): CommandError {
  const keyValue: Doc = {};
  for (const f of Object.keys(spec.key)) keyValue[f] = pathValues(doc, f.split('.'))[0] ?? null;
  const shown = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${EJSON.stringify(v, { relaxed: true })}`)
    .join(', ');
  return new CommandError(
    11000,
    'DuplicateKey',
    `E11000 duplicate key error collection: ${ns} index: ${spec.name} dup key: { ${shown} }`,
    { keyPattern: spec.key, keyValue },
  );
}

/** Values a query can use for an index lookup: scalars whose equality is exactly `keyOf` equality. */
function lookupValue(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      return v === null || v instanceof Date || (v as { _bsontype?: unknown })._bsontype === 'ObjectId';
    default:
      return false;
  }
}

/** Index key parts a filter value pins a field to (equality, `$eq`, `$in`), or undefined if it does not. */
function pinnedParts(v: unknown): string[] | undefined {
  if (lookupValue(v)) return [part(v)];
  if (!isPlainObject(v)) return undefined;
  const ops = Object.keys(v);
  // An object without operators is an embedded-document equality (field order insensitive in mingo): scan.
  if (!ops.length || !ops.every((op) => op.startsWith('$'))) return undefined;
  if ('$eq' in v) return lookupValue(v.$eq) ? [part(v.$eq)] : undefined;
  const list = v.$in;
  if (!Array.isArray(list) || list.length > MAX_LOOKUP_KEYS || !list.every(lookupValue)) return undefined;
  return [...new Set(list.map(part))];
}

/**
 * `_id` values of any other type (UUID/Binary, Long, Decimal128, …) are looked up by canonical key in the
 * shapes the engine always did: `{ _id: v }` and `{ _id: { $in: [...] } }` at the top of a filter.
 */
function pinnedIds(v: unknown): string[] | undefined {
  const direct = (x: unknown) =>
    x !== undefined && !isPlainObject(x) && !Array.isArray(x) && !(x instanceof RegExp);
  if (direct(v)) return [part(v)];
  if (!isPlainObject(v) || Object.keys(v).length !== 1 || !Array.isArray(v.$in) || !v.$in.every(direct))
    return undefined;
  return [...new Set(v.$in.map(part))];
}

/** Fields pinned by the conjunction at the top of a filter (its own fields and those of `$and` members). */
function pinnedFields(filter: Doc, out: Map<string, string[]>, depth = 0): void {
  for (const k of Object.keys(filter)) {
    const v = filter[k];
    if (k === '$and') {
      if (Array.isArray(v) && depth < 8)
        for (const c of v) if (isPlainObject(c)) pinnedFields(c, out, depth + 1);
      continue;
    }
    if (k.startsWith('$')) continue;
    const parts = pinnedParts(v) ?? (k === '_id' && depth === 0 ? pinnedIds(v) : undefined);
    const known = out.get(k);
    if (parts && (!known || parts.length < known.length)) out.set(k, parts);
  }
}

/** Full index keys for the pinned values of every indexed field (all combinations), if not too many. */
function fullKeys(paths: string[], pinned: Map<string, string[]>): string[] | undefined {
  let keys = [''];
  for (const p of paths) {
    const parts = pinned.get(p);
    if (!parts || keys.length * parts.length > MAX_LOOKUP_KEYS) return undefined;
    keys = keys.flatMap((prefix) => parts.map((k) => prefix + k));
  }
  return keys;
}

interface Row {
  doc: Doc;
  /** Insertion sequence: the natural order. */
  seq: number;
}

export class Collection {
  /** canonical _id -> row; Map order is the natural (insertion) order. */
  private rows = new Map<string, Row>();
  private seq = 0;
  readonly indexes: Index[] = [];
  readonly uuid = new UUID();

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc = {},
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get size(): number {
    return this.rows.size;
  }

  *values(): IterableIterator<Doc> {
    for (const row of this.rows.values()) yield row.doc;
  }

  all(): Doc[] {
    return Array.from(this.rows.values(), (r) => r.doc);
  }

  /** The same documents and indexes under another namespace (renameCollection). */
  renamed(db: string, name: string): Collection {
    const target = new Collection(db, name, this.options);
    target.rows = this.rows;
    target.seq = this.seq;
    target.indexes.push(...this.indexes);
    return target;
  }

  /**
   * Documents that can match `filter`, in natural order. When the filter pins `_id`, or every field of an index
   * (or the leading field of a compound one), by equality / `$eq` / `$in` on scalar values, the smallest such
   * index lookup answers; otherwise every document. The caller still applies the whole filter with mingo.
   */
  candidates(filter: unknown): Doc[] {
    if (!isPlainObject(filter) || this.rows.size === 0) return this.all();
    const pinned = new Map<string, string[]>();
    pinnedFields(filter, pinned);
    if (pinned.size === 0) return this.all();

    let best: { map: KeyMap | undefined; keys: string[]; count: number } | undefined;
    const idParts = pinned.get('_id');
    if (idParts) best = { map: undefined, keys: idParts, count: idParts.length };
    for (const ix of this.indexes) {
      if (!ix.complete || ix.nestedArrays) continue;
      let map = ix.full;
      let keys = fullKeys(ix.paths, pinned);
      if (!keys) {
        const lead = pinned.get(ix.paths[0] as string);
        if (!lead || ix.lead === ix.full) continue;
        map = ix.lead;
        keys = lead;
      }
      let count = 0;
      for (const k of keys) count += bucketSize(map.map.get(k));
      if (!best || count < best.count) best = { map, keys, count };
    }
    if (!best || best.count >= this.rows.size) return this.all();

    const found: Row[] = [];
    const seen = new Set<string>();
    const take = (id: string) => {
      if (seen.has(id)) return;
      seen.add(id);
      const row = this.rows.get(id);
      if (row) found.push(row);
    };
    for (const k of best.keys) {
      if (!best.map) {
        take(k.slice(1)); // `_id` parts are `|` + the canonical id
        continue;
      }
      const b = best.map.map.get(k);
      if (b === undefined) continue;
      if (typeof b === 'string') take(b);
      else for (const id of b) take(id);
    }
    if (found.length > 1) found.sort((a, b) => a.seq - b.seq);
    return found.map((r) => r.doc);
  }

  insert(doc: Doc): void {
    const id = keyOf(doc._id);
    if (this.rows.has(id)) throw duplicateKey(this.ns, ID_INDEX, doc);
    const { indexes } = this;
    const keys = indexes.map((ix) => ix.keys(doc));
    for (let i = 0; i < indexes.length; i++) {
      const ix = indexes[i] as Index;
      if (ix.conflict(id, keys[i] as DocKeys | null)) throw duplicateKey(this.ns, ix.spec, doc);
    }
    this.rows.set(id, { doc, seq: this.seq++ });
    for (let i = 0; i < indexes.length; i++) (indexes[i] as Index).add(id, keys[i] as DocKeys | null);
  }

  /** Replaces stored document `old` by `doc` (same `_id`), keeping its natural position. */
  replace(old: Doc, doc: Doc): void {
    const id = keyOf(old._id);
    const row = this.rows.get(id);
    if (!row) throw new Error(`replace: no document with _id ${id}`);
    if (keyOf(doc._id) !== id && this.rows.has(keyOf(doc._id))) throw duplicateKey(this.ns, ID_INDEX, doc);
    const changes: [Index, DocKeys | null, DocKeys | null][] = [];
    for (const ix of this.indexes) {
      const before = ix.keys(old);
      const after = ix.keys(doc);
      if (sameKeys(before, after)) continue;
      if (ix.conflict(id, after)) throw duplicateKey(this.ns, ix.spec, doc);
      changes.push([ix, before, after]);
    }
    row.doc = doc;
    for (const [ix, before, after] of changes) {
      ix.delete(id, before);
      ix.add(id, after);
    }
  }

  remove(doc: Doc): void {
    const id = keyOf(doc._id);
    if (!this.rows.delete(id)) return;
    for (const ix of this.indexes) ix.delete(id, ix.keys(doc));
  }

  indexSpecs(): IndexSpec[] {
    return [ID_INDEX, ...this.indexes.map((ix) => ix.spec)];
  }

  /** Adds an index; returns false if an identical one exists. Throws on conflicts or existing duplicates. */
  createIndex(spec: IndexSpec): boolean {
    for (const existing of this.indexSpecs()) {
      const sameKey = keyOf(existing.key) === keyOf(spec.key);
      if (existing.name === spec.name && sameKey) return false;
      if (existing.name === spec.name)
        throw new CommandError(
          86,
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index but different keys: ${spec.name}`,
        );
      if (sameKey && !spec.partialFilterExpression && !existing.partialFilterExpression)
        throw new CommandError(
          85,
          'IndexOptionsConflict',
          `Index already exists with a different name: ${existing.name}`,
        );
    }
    const ix = new Index(spec);
    for (const [id, row] of this.rows) {
      const keys = ix.keys(row.doc);
      if (ix.conflict(id, keys)) throw duplicateKey(this.ns, spec, row.doc);
      ix.add(id, keys);
    }
    this.indexes.push(ix);
    return true;
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((ix) => ix.spec.name === name);
    if (i < 0) throw new CommandError(27, 'IndexNotFound', `index not found with name [${name}]`);
    this.indexes.splice(i, 1);
  }
}

export class Store {
  /** db name -> collection name -> collection */
  readonly dbs = new Map<string, Map<string, Collection>>();

  collections(db: string): Map<string, Collection> {
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    return colls;
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** Returns the collection, creating it (implicitly, like MongoDB writes do) if needed. */
  ensure(db: string, name: string, options: Doc = {}): Collection {
    if (!name || name.includes('$') || name.includes('\0'))
      throw new CommandError(73, 'InvalidNamespace', `Invalid collection name: ${name}`);
    const colls = this.collections(db);
    let coll = colls.get(name);
    if (!coll) {
      coll = new Collection(db, name, options);
      colls.set(name, coll);
    }
    return coll;
  }
}
