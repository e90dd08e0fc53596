import { calculateObjectSize } from 'bson';

export type Doc = Record<string, unknown>;
export const MAX_BSON_SIZE = 16 * 1024 * 1024;

export function isPlainObject(v: unknown): v is Doc {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Deep-clones plain objects, arrays and dates; BSON value objects (ObjectId, Long, …) are immutable and shared. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (isPlainObject(v)) {
    const out: Doc = {};
    for (const k of Object.keys(v)) out[k] = clone(v[k]);
    return out as T;
  }
  return v;
}

/** Canonical string for a value: equal BSON values (1, 1.0 and Long(1) included) give equal keys. */
export function keyOf(v: unknown): string {
  if (v === undefined || v === null) return 'z';
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return `n${v}`;
    case 'string':
      return `s${JSON.stringify(v)}`;
    case 'boolean':
      return v ? 'T' : 'F';
  }
  if (Array.isArray(v)) return `[${v.map(keyOf).join(',')}]`;
  if (v instanceof Date) return `d${v.getTime()}`;
  if (v instanceof RegExp) return `r${String(v)}`;
  if (isPlainObject(v)) return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${keyOf(v[k])}`)}}`;
  const type = (v as { _bsontype?: string })._bsontype ?? typeof v;
  if (type === 'Long' || type === 'Int32' || type === 'Double') return `n${String(v)}`;
  if (type === 'Binary') return `b${(v as { toString(enc: string): string }).toString('base64')}`;
  return `${type}:${String(v)}`;
}

/**
 * `keyOf(a) === keyOf(b)` without building the strings: containers are compared structurally (field order
 * included) and stop at the first difference; other values compare by their canonical key.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      const k = ka[i] as string;
      if (k !== kb[i] || !sameValue(a[k], b[k])) return false;
    }
    return true;
  }
  if (Array.isArray(b) || isPlainObject(b)) return false;
  return keyOf(a) === keyOf(b);
}

/** Values reachable through a dotted path, descending into arrays like a multikey index does. */
export function pathValues(v: unknown, path: readonly string[], from = 0): unknown[] {
  if (from === path.length) return Array.isArray(v) ? (v.length ? v : [undefined]) : [v];
  const head = path[from] as string;
  if (Array.isArray(v)) {
    if (/^\d+$/.test(head)) return pathValues(v[Number(head)], path, from + 1);
    return v.length ? v.flatMap((e) => pathValues(e, path, from)) : [undefined];
  }
  if (v !== null && typeof v === 'object')
    return pathValues(Object.hasOwn(v, head) ? (v as Doc)[head] : undefined, path, from + 1);
  return [undefined];
}

/** Sets a dotted path, creating intermediate plain objects. */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Doc = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isPlainObject(next)) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** MongoDB keeps `_id` as the first field of every stored document. */
export function idFirst(doc: Doc): Doc {
  if (((sizes.get(doc) ?? 0) & 1) === 1) return doc; // decoded with `_id` as its first field
  for (const k in doc) {
    if (k === '_id') return doc;
    break;
  }
  if (!('_id' in doc)) return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/**
 * Known facts about document objects: BSON size × 2, plus 1 when the document was decoded with `_id` as its
 * first field. Documents are never mutated once measured (stored documents are immutable, updates work on
 * copies), so these stay valid for the object's lifetime.
 */
const sizes = new WeakMap<object, number>();
const knownSize = (doc: Doc): number | undefined => {
  const v = sizes.get(doc);
  return v === undefined ? undefined : Math.floor(v / 2);
};

/** Records facts about a document decoded from the wire: its length in bytes and whether `_id` leads. */
export function rememberSize(doc: Doc, size: number, idLeads: boolean): void {
  sizes.set(doc, size * 2 + (idLeads ? 1 : 0));
}

/** Bytes of a cstring key, at most (3 per UTF-16 unit covers every code point). */
const keyBound = (k: string) => 3 * k.length + 1;

/** An upper bound of the BSON size of a value (without its type byte and key), walking no string bytes. */
function sizeBound(v: unknown, depth: number): number {
  switch (typeof v) {
    case 'string':
      return 5 + 3 * v.length;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 1;
    case 'undefined':
      return 0;
  }
  if (v === null) return 0;
  if (depth > 100) return Number.POSITIVE_INFINITY;
  if (Array.isArray(v)) {
    let n = 5;
    // type byte + index key (at most 8 digits below the 16 MiB limit's element count) + NUL + value
    for (let i = 0; i < v.length; i++) n += 10 + sizeBound(v[i], depth + 1);
    return n;
  }
  if (v instanceof Date) return 8;
  if (isPlainObject(v)) {
    let n = 5;
    for (const k in v) n += 1 + keyBound(k) + sizeBound(v[k], depth + 1);
    return n;
  }
  const type = (v as { _bsontype?: string })._bsontype;
  if (type === 'ObjectId') return 12;
  // Anything else (Binary, Long, Decimal128, RegExp, Code, …): its exact size inside a one-field document.
  return calculateObjectSize({ v });
}

/**
 * Whether `doc` serialises to at most `limit` bytes. Uses the remembered size if there is one, then a cheap
 * upper bound, and computes the exact size only when the bound is over the limit.
 */
export function bsonSizeAtMost(doc: Doc, limit: number): boolean {
  const known = knownSize(doc);
  if (known !== undefined) return known <= limit;
  if (sizeBound(doc, 0) <= limit) return true;
  return bsonSize(doc) <= limit;
}

/** The remembered exact size of `doc`, else a cheap upper bound of it. */
export const bsonSizeBound = (doc: Doc): number => knownSize(doc) ?? sizeBound(doc, 0);

export function bsonSize(doc: Doc): number {
  let size = knownSize(doc);
  if (size === undefined) {
    size = calculateObjectSize(doc);
    sizes.set(doc, size * 2);
  }
  return size;
}

export const asDoc = (v: unknown): Doc => (isPlainObject(v) ? v : {});
export const asInt = (v: unknown, dflt: number): number => {
  const toNumber = (v as { toNumber?: () => number } | null)?.toNumber;
  const n = typeof toNumber === 'function' ? toNumber.call(v) : Number(v ?? Number.NaN);
  return Number.isFinite(n) ? Math.trunc(n) : dflt;
};
