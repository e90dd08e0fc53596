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

export const sameValue = (a: unknown, b: unknown) => keyOf(a) === keyOf(b);

/** Values reachable through a dotted path, descending into arrays like a multikey index does. */
export function pathValues(v: unknown, path: readonly string[]): unknown[] {
  const [head, ...rest] = path;
  if (head === undefined) return Array.isArray(v) ? (v.length ? v : [undefined]) : [v];
  if (Array.isArray(v)) {
    if (/^\d+$/.test(head)) return pathValues(v[Number(head)], rest);
    return v.length ? v.flatMap((e) => pathValues(e, path)) : [undefined];
  }
  if (v !== null && typeof v === 'object') return pathValues((v as Doc)[head], rest);
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
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

export const bsonSize = (doc: Doc): number => calculateObjectSize(doc);

export const asDoc = (v: unknown): Doc => (isPlainObject(v) ? v : {});
export const asInt = (v: unknown, dflt: number): number => {
  const toNumber = (v as { toNumber?: () => number } | null)?.toNumber;
  const n = typeof toNumber === 'function' ? toNumber.call(v) : Number(v ?? Number.NaN);
  return Number.isFinite(n) ? Math.trunc(n) : dflt;
};
