// Namespace and index commands: create, drop, renameCollection, listCollections, createIndexes, listIndexes, dropIndexes.
import { Query } from 'mingo';
import type { Handler } from '../engine.ts';
import { badValue, CommandError, nsNotFound } from '../errors.ts';
import { defaultIndexName, type IndexSpec } from '../store.ts';
import { asDoc, type Doc, isPlainObject, keyOf } from '../values.ts';
import { collName } from './crud.ts';

const COMMAND_FIELDS = new Set(['$db', 'lsid', '$clusterTime', '$readPreference', 'writeConcern', 'comment']);

const create: Handler = (cmd, { engine, db }) => {
  const name = collName(cmd, 'create');
  if (engine.store.get(db, name))
    throw new CommandError(48, 'NamespaceExists', `Collection ${db}.${name} already exists.`);
  if (cmd.viewOn !== undefined) throw new CommandError(115, 'CommandNotSupported', 'views are not supported');
  const options = Object.fromEntries(
    Object.entries(cmd).filter(([k]) => k !== 'create' && !COMMAND_FIELDS.has(k)),
  );
  engine.store.ensure(db, name, options);
  return { ok: 1 };
};

const drop: Handler = (cmd, { engine, db }) => {
  const name = collName(cmd, 'drop');
  const coll = engine.store.get(db, name);
  if (!coll) return { ok: 1 };
  engine.store.collections(db).delete(name);
  return { nIndexesWas: coll.indexSpecs().length, ns: coll.ns, ok: 1 };
};

const renameCollection: Handler = (cmd, { engine }) => {
  const [from, to] = [cmd.renameCollection, cmd.to].map((ns) => {
    const s = String(ns);
    const dot = s.indexOf('.');
    if (dot <= 0) throw new CommandError(73, 'InvalidNamespace', `Invalid namespace: ${s}`);
    return [s.slice(0, dot), s.slice(dot + 1)] as const;
  }) as [readonly [string, string], readonly [string, string]];
  const source = engine.store.get(...from);
  if (!source) throw nsNotFound(from.join('.'));
  if (engine.store.get(...to) && cmd.dropTarget !== true)
    throw new CommandError(48, 'NamespaceExists', `target namespace exists: ${to.join('.')}`);
  const target = source.renamed(to[0], to[1]);
  engine.store.collections(from[0]).delete(from[1]);
  engine.store.collections(to[0]).set(to[1], target);
  return { ok: 1 };
};

const listCollections: Handler = (cmd, { engine, db }) => {
  let entries: Doc[] = [...(engine.store.dbs.get(db)?.values() ?? [])].map((c) => ({
    name: c.name,
    type: 'collection',
    options: c.options,
    info: { readOnly: false, uuid: c.uuid },
    idIndex: c.indexSpecs()[0],
  }));
  if (isPlainObject(cmd.filter) && Object.keys(cmd.filter).length)
    entries = new Query(cmd.filter).find(entries).all() as Doc[];
  if (cmd.nameOnly === true) entries = entries.map((e) => ({ name: e.name, type: e.type }));
  return engine.cursors.first(`${db}.$cmd.listCollections`, entries, asDoc(cmd.cursor).batchSize);
};

const createIndexes: Handler = (cmd, { engine, db }) => {
  const name = collName(cmd, 'createIndexes');
  if (!Array.isArray(cmd.indexes) || !cmd.indexes.length)
    throw badValue('Must specify at least one index to create');
  const existed = engine.store.get(db, name) !== undefined;
  const coll = engine.store.ensure(db, name);
  const before = coll.indexSpecs().length;
  for (const raw of cmd.indexes) {
    const { key, name: given, v: _v, ...options } = asDoc(raw);
    if (!isPlainObject(key) || !Object.keys(key).length)
      throw badValue('index key pattern must be a non-empty object');
    const spec: IndexSpec = {
      v: 2,
      key,
      name: typeof given === 'string' ? given : defaultIndexName(key),
      ...options,
    };
    coll.createIndex(spec);
  }
  const after = coll.indexSpecs().length;
  return {
    numIndexesBefore: before,
    numIndexesAfter: after,
    createdCollectionAutomatically: !existed,
    ...(after === before ? { note: 'all indexes already exist' } : {}),
    ok: 1,
  };
};

const listIndexes: Handler = (cmd, { engine, db }) => {
  const name = collName(cmd, 'listIndexes');
  const coll = engine.store.get(db, name);
  if (!coll) throw nsNotFound(`${db}.${name}`);
  return engine.cursors.first(`${db}.${name}`, coll.indexSpecs(), asDoc(cmd.cursor).batchSize);
};

const dropIndexes: Handler = (cmd, { engine, db }) => {
  const name = collName(cmd, Object.keys(cmd)[0] ?? 'dropIndexes');
  const coll = engine.store.get(db, name);
  if (!coll) throw nsNotFound(`${db}.${name}`);
  const nIndexesWas = coll.indexSpecs().length;
  const wanted = cmd.index;
  const names =
    wanted === '*'
      ? coll.indexes.map((ix) => ix.spec.name)
      : (Array.isArray(wanted) ? wanted : [wanted]).map((w) => {
          if (typeof w === 'string') return w;
          const found = coll.indexSpecs().find((s) => keyOf(s.key) === keyOf(w));
          if (!found)
            throw new CommandError(27, 'IndexNotFound', `can't find index with key: ${JSON.stringify(w)}`);
          return found.name;
        });
  if (names.includes('_id_')) throw new CommandError(72, 'InvalidOptions', 'cannot drop _id index');
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas, ok: 1 };
};

export const ddlCommands: Record<string, Handler> = {
  create,
  drop,
  renameCollection,
  listCollections,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
