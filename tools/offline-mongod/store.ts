// In-memory databases and collections with unique-index enforcement (indexes never speed up queries).
import { EJSON, UUID } from 'bson';
import { Query } from 'mingo';
import { CommandError } from './errors.ts';
import { type Doc, isPlainObject, keyOf, pathValues } from './values.ts';

export interface IndexSpec extends Doc {
  v: number;
  key: Doc;
  name: string;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export function defaultIndexName(key: Doc): string {
  if (keyOf(key) === keyOf(ID_INDEX.key)) return ID_INDEX.name;
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

class Index {
  readonly fields: string[][];
  readonly unique: boolean;
  private readonly sparse: boolean;
  private readonly filter: Query | undefined;
  /** unique key -> canonical _id of the owning document */
  readonly owners = new Map<string, string>();

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key).map((f) => f.split('.'));
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    const pfe = spec.partialFilterExpression;
    this.filter = isPlainObject(pfe) ? new Query(pfe) : undefined;
  }

  /** Index keys of `doc`, or null when the document is not indexed (sparse / partial). */
  keys(doc: Doc): string[] | null {
    if (this.filter && !this.filter.test(doc)) return null;
    const lists = this.fields.map((f) => pathValues(doc, f));
    if (this.sparse && lists.every((l) => l.every((v) => v === undefined))) return null;
    let combos = [''];
    for (const list of lists) {
      const keys = new Set(list.map(keyOf));
      combos = combos.flatMap((c) => [...keys].map((k) => `${c}|${k}`));
    }
    return [...new Set(combos)];
  }
}

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

export class Collection {
  /** canonical _id -> document; Map order is the natural (insertion) order. */
  readonly docs = new Map<string, Doc>();
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

  all(): Doc[] {
    return [...this.docs.values()];
  }

  /** Throws DuplicateKey if `doc` collides with another document (the one whose _id key is `self` excluded). */
  check(doc: Doc, self?: string): void {
    const id = keyOf(doc._id);
    if (id !== self && this.docs.has(id)) throw duplicateKey(this.ns, ID_INDEX, doc);
    for (const ix of this.indexes) {
      if (!ix.unique) continue;
      for (const k of ix.keys(doc) ?? []) {
        const owner = ix.owners.get(k);
        if (owner !== undefined && owner !== self) throw duplicateKey(this.ns, ix.spec, doc);
      }
    }
  }

  insert(doc: Doc): void {
    this.check(doc);
    const id = keyOf(doc._id);
    this.docs.set(id, doc);
    this.track(id, doc, true);
  }

  replace(old: Doc, doc: Doc): void {
    const id = keyOf(old._id);
    this.check(doc, id);
    this.track(id, old, false);
    this.docs.set(id, doc);
    this.track(id, doc, true);
  }

  remove(doc: Doc): void {
    const id = keyOf(doc._id);
    this.track(id, doc, false);
    this.docs.delete(id);
  }

  private track(id: string, doc: Doc, add: boolean): void {
    for (const ix of this.indexes) {
      if (!ix.unique) continue;
      for (const k of ix.keys(doc) ?? []) {
        if (add) ix.owners.set(k, id);
        else if (ix.owners.get(k) === id) ix.owners.delete(k);
      }
    }
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
    if (ix.unique) {
      for (const [id, doc] of this.docs) {
        for (const k of ix.keys(doc) ?? []) {
          const owner = ix.owners.get(k);
          if (owner !== undefined && owner !== id) throw duplicateKey(this.ns, spec, doc);
          ix.owners.set(k, id);
        }
      }
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
