import { type Db, type Document, MongoClient, MongoServerError, ObjectId, UUID } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfflineMongo, startOfflineMongo } from '../server.ts';
import type { Collection } from '../store.ts';

let server: OfflineMongo;
let client: MongoClient;
let db: Db;
const DB = 'index_test';

beforeAll(async () => {
  server = await startOfflineMongo();
  client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 2000 });
  db = client.db(DB);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

/** The engine's collection, to check how many documents a filter's lookup hands to mingo. */
const engineColl = (name: string): Collection => {
  const coll = server.engine.store.get(DB, name);
  if (!coll) throw new Error(`no collection ${name}`);
  return coll;
};
const candidates = (name: string, filter: Record<string, unknown>) =>
  engineColl(name).candidates(filter).length;

describe('index-backed lookups', () => {
  it('answers equality, $eq, $in and $and on a unique compound index from its hash map', async () => {
    const c = db.collection('events');
    await c.createIndex({ source: 1, sourceEventId: 1 }, { unique: true, name: 'source_event' });
    await c.createIndex({ sessionKey: 1 }, { name: 'session' });
    await c.insertMany(
      Array.from({ length: 200 }, (_, i) => ({
        source: i % 2 ? 'a' : 'b',
        sourceEventId: `e${i}`,
        sessionKey: `s${i % 10}`,
        n: i,
      })),
    );
    expect(await c.findOne({ source: 'a', sourceEventId: 'e1' }, { projection: { _id: 0, n: 1 } })).toEqual({
      n: 1,
    });
    expect(candidates('events', { source: 'a', sourceEventId: 'e1' })).toBe(1);
    // The whole filter still applies to the candidates.
    expect(await c.findOne({ source: 'a', sourceEventId: 'e1', n: 2 })).toBeNull();
    expect(await c.findOne({ source: 'b', sourceEventId: 'e1' })).toBeNull();
    expect(candidates('events', { source: 'b', sourceEventId: 'e1' })).toBe(0);

    expect(await c.countDocuments({ source: { $eq: 'b' }, sourceEventId: { $in: ['e0', 'e2', 'e3'] } })).toBe(
      2,
    );
    expect(candidates('events', { source: { $eq: 'b' }, sourceEventId: { $in: ['e0', 'e2', 'e3'] } })).toBe(
      2,
    );
    expect(candidates('events', { $and: [{ source: 'a' }, { sourceEventId: { $in: ['e1', 'e3'] } }] })).toBe(
      2,
    );

    // $in results come back in natural (insertion) order, not in $in order.
    const ns = await c
      .find({ source: { $in: ['a', 'b'] }, sourceEventId: { $in: ['e9', 'e4', 'e7'] } })
      .toArray();
    expect(ns.map((d) => d.n)).toEqual([4, 7, 9]);

    // Single-field secondary index.
    expect(await c.countDocuments({ sessionKey: 's3' })).toBe(20);
    expect(candidates('events', { sessionKey: 's3', n: { $gt: 100 } })).toBe(20);
    // _id lookups.
    const doc = await c.findOne({ sourceEventId: 'e5', source: 'a' });
    expect(candidates('events', { _id: doc?._id })).toBe(1);
    expect(candidates('events', { _id: { $in: [doc?._id, new ObjectId()] } })).toBe(1);
    // Not pinned (range, regex, $or, $nin): every document, and mingo filters.
    expect(candidates('events', { sourceEventId: { $gt: 'e5' } })).toBe(200);
    expect(candidates('events', { sourceEventId: /^e1/ })).toBe(200);
    expect(candidates('events', { $or: [{ sessionKey: 's1' }, { sessionKey: 's2' }] })).toBe(200);
    expect(await c.countDocuments({ $or: [{ sessionKey: 's1' }, { sessionKey: 's2' }] })).toBe(40);
  });

  it('uses the leading field of a compound index (prefix lookup)', async () => {
    const c = db.collection('prefix');
    await c.createIndex({ team: 1, day: 1, person: 1 }, { unique: true });
    await c.insertMany(
      Array.from({ length: 60 }, (_, i) => ({ team: `t${i % 3}`, day: `d${i % 20}`, person: `p${i}` })),
    );
    expect(candidates('prefix', { team: 't1' })).toBe(20);
    expect(candidates('prefix', { team: 't1', day: 'd4' })).toBe(20);
    expect(await c.countDocuments({ team: 't1', day: 'd4' })).toBe(1);
    expect(await c.countDocuments({ team: 't1', day: { $in: ['d4', 'd7', 'd10'] } })).toBe(3);
    expect(candidates('prefix', { team: 't1', day: 'd4', person: 'p4' })).toBe(1);
    // A field that is not leading does not narrow anything.
    expect(candidates('prefix', { day: 'd4' })).toBe(60);
    expect(await c.countDocuments({ day: 'd4' })).toBe(3);
  });

  it('keeps unique keys and lookups right through updates and deletes of indexed fields', async () => {
    const c = db.collection('people');
    await c.createIndex({ org: 1, handle: 1 }, { unique: true, name: 'org_handle' });
    await c.createIndex({ city: 1 });
    await c.insertMany([
      { org: 1, handle: 'ann', city: 'Oslo' },
      { org: 1, handle: 'bob', city: 'Oslo' },
      { org: 2, handle: 'ann', city: 'Rome' },
    ]);
    // Moving bob onto ann's key fails and leaves both untouched.
    const err = await c
      .updateOne({ org: 1, handle: 'bob' }, { $set: { handle: 'ann' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({
      code: 11000,
      keyPattern: { org: 1, handle: 1 },
      keyValue: { org: 1, handle: 'ann' },
    });
    expect(await c.countDocuments({ org: 1, handle: 'bob' })).toBe(1);
    expect(await c.countDocuments({ org: 1, handle: 'ann' })).toBe(1);

    // Renaming frees the old key and takes the new one.
    await c.updateOne({ org: 1, handle: 'bob' }, { $set: { handle: 'rob', city: 'Rome' } });
    expect(await c.findOne({ org: 1, handle: 'bob' })).toBeNull();
    expect(await c.findOne({ org: 1, handle: 'rob' })).toMatchObject({ city: 'Rome' });
    await c.insertOne({ org: 1, handle: 'bob', city: 'Oslo' });
    await expect(c.insertOne({ org: 1, handle: 'rob' })).rejects.toMatchObject({ code: 11000 });
    expect((await c.find({ city: 'Rome' }).toArray()).map((d) => d.handle)).toEqual(['rob', 'ann']);
    expect((await c.find({ city: 'Oslo' }).toArray()).map((d) => d.handle)).toEqual(['ann', 'bob']);
    expect(candidates('people', { city: 'Rome' })).toBe(2);

    // A replacement and an upsert keep the maps in step too.
    await c.replaceOne({ org: 2, handle: 'ann' }, { org: 2, handle: 'zoe', city: 'Oslo' });
    expect(await c.countDocuments({ city: 'Rome' })).toBe(1);
    expect(await c.countDocuments({ org: 2, handle: 'ann' })).toBe(0);
    await c.updateOne({ org: 3, handle: 'new' }, { $set: { city: 'Rome' } }, { upsert: true });
    expect(await c.countDocuments({ city: 'Rome' })).toBe(2);
    await expect(c.insertOne({ org: 3, handle: 'new' })).rejects.toMatchObject({ code: 11000 });

    // Deletes free keys.
    expect((await c.deleteOne({ org: 1, handle: 'ann' })).deletedCount).toBe(1);
    expect(await c.findOne({ org: 1, handle: 'ann' })).toBeNull();
    await c.insertOne({ org: 1, handle: 'ann', city: 'Paris' });
    expect((await c.deleteMany({ city: 'Oslo' })).deletedCount).toBe(2);
    expect(await c.countDocuments({ city: 'Oslo' })).toBe(0);
    expect(candidates('people', { city: 'Oslo' })).toBe(0);
    await c.insertOne({ org: 1, handle: 'bob' });
    expect(await c.countDocuments()).toBe(4);

    // findOneAndDelete / findOneAndUpdate through the index.
    expect(await c.findOneAndDelete({ org: 1, handle: 'bob' })).toMatchObject({ handle: 'bob' });
    const updated = await c.findOneAndUpdate(
      { org: 1, handle: 'rob' },
      { $set: { handle: 'robert' } },
      { returnDocument: 'after' },
    );
    expect(updated).toMatchObject({ handle: 'robert' });
    expect(await c.findOne({ org: 1, handle: 'robert' })).toMatchObject({ city: 'Rome' });
  });

  it('indexes each element of arrays (multikey), including dotted paths into arrays of documents', async () => {
    const c = db.collection('multikey');
    await c.createIndex({ tags: 1 });
    await c.createIndex({ 'links.id': 1 }, { unique: true });
    await c.insertMany([
      { _id: 1 as unknown as ObjectId, tags: ['x', 'y'], links: [{ id: 'A' }, { id: 'B' }] },
      { _id: 2 as unknown as ObjectId, tags: 'x', links: [{ id: 'C' }] },
      { _id: 3 as unknown as ObjectId, tags: [], links: [] },
      { _id: 4 as unknown as ObjectId, tags: ['z'], links: { id: 'E' } },
    ]);
    expect((await c.find({ tags: 'x' }).toArray()).map((d) => d._id)).toEqual([1, 2]);
    expect(candidates('multikey', { tags: 'x' })).toBe(2);
    expect((await c.find({ tags: { $in: ['y', 'z'] } }).toArray()).map((d) => d._id)).toEqual([1, 4]);
    expect((await c.find({ 'links.id': 'B' }).toArray()).map((d) => d._id)).toEqual([1]);
    expect(candidates('multikey', { 'links.id': 'B' })).toBe(1);
    // Missing fields and empty arrays are under the null key; mingo decides which match, as a scan would.
    const ids = async (filter: Record<string, unknown>) => (await c.find(filter).toArray()).map((d) => d._id);
    for (const filter of [{ 'links.id': null }, { tags: null }, { tags: { $in: [null, 'z'] } }])
      expect(await ids(filter)).toEqual(await ids({ $or: [filter] }));
    expect((await c.find({ 'links.id': 'E' }).toArray()).map((d) => d._id)).toEqual([4]);
    // An array value is an exact-array or element match: not a key lookup, still right.
    expect((await c.find({ tags: ['x', 'y'] }).toArray()).map((d) => d._id)).toEqual([1]);

    // Unique across documents, per element.
    await expect(
      c.insertOne({ _id: 5 as unknown as ObjectId, links: [{ id: 'Q' }, { id: 'C' }] }),
    ).rejects.toMatchObject({
      code: 11000,
    });
    await c.insertOne({ _id: 5 as unknown as ObjectId, links: [{ id: 'Q' }, { id: 'Q' }] });

    // Pulling and pushing elements moves the document between keys.
    const pullPush: Document = { $pull: { tags: 'x' }, $push: { links: { id: 'D' } } };
    await c.updateOne({ _id: 1 as unknown as ObjectId }, pullPush);
    expect((await c.find({ tags: 'x' }).toArray()).map((d) => d._id)).toEqual([2]);
    expect((await c.find({ 'links.id': 'D' }).toArray()).map((d) => d._id)).toEqual([1]);
    await c.updateOne({ _id: 2 as unknown as ObjectId }, { $set: { tags: ['w', 'x'] } });
    expect((await c.find({ tags: 'x' }).toArray()).map((d) => d._id)).toEqual([2]);
    expect((await c.find({ tags: 'y' }).toArray()).map((d) => d._id)).toEqual([1]);
    await expect(
      c.updateOne({ _id: 4 as unknown as ObjectId }, { $set: { links: [{ id: 'E' }, { id: 'D' }] } }),
    ).rejects.toMatchObject({ code: 11000 });

    // Arrays inside arrays switch the index to scans, which stay right.
    await c.insertOne({ _id: 6 as unknown as ObjectId, tags: [['x'], 'v'], links: [{ id: 'F' }] });
    expect(candidates('multikey', { tags: 'v' })).toBe(6);
    expect((await c.find({ tags: 'v' }).toArray()).map((d) => d._id)).toEqual([6]);
    expect((await c.find({ tags: ['x'] }).toArray()).map((d) => d._id)).toEqual([6]);
  });

  it('finds null and missing values, mixed number forms and ObjectIds through the index', async () => {
    const c = db.collection('values');
    await c.createIndex({ v: 1 });
    const oid = new ObjectId();
    await c.insertMany([
      { v: null },
      {},
      { v: 1 },
      { v: 1.0 },
      { v: oid },
      { v: oid.toHexString() },
      { v: [null, 2] },
    ]);
    expect(await c.countDocuments({ v: null })).toBe(3);
    expect(await c.countDocuments({ v: { $in: [null, 2] } })).toBe(3);
    expect(await c.countDocuments({ v: 1 })).toBe(2);
    expect(await c.countDocuments({ v: oid })).toBe(1);
    expect(await c.countDocuments({ v: new ObjectId(oid.toHexString()) })).toBe(1);
    expect(await c.countDocuments({ v: oid.toHexString() })).toBe(1);
    expect(candidates('values', { v: oid })).toBe(1);

    // _id of other BSON types (UUID here) is looked up by its canonical key, as always.
    const u = db.collection<{ _id: UUID; n: number }>('uuids');
    const ids = [new UUID(), new UUID(), new UUID()];
    await u.insertMany(ids.map((_id, n) => ({ _id, n })));
    expect(await u.findOne({ _id: ids[1] as UUID })).toMatchObject({ n: 1 });
    expect(await u.countDocuments({ _id: { $in: [ids[2] as UUID, new UUID()] } })).toBe(1);
    expect(candidates('uuids', { _id: ids[1] })).toBe(1);
  });

  it('does not use sparse or partial indexes for lookups, nor any index under a collation', async () => {
    const c = db.collection('special');
    await c.createIndex({ s: 1 }, { sparse: true });
    await c.createIndex({ p: 1 }, { partialFilterExpression: { p: { $gt: 5 } } });
    await c.createIndex({ name: 1 });
    await c.insertMany([
      { s: 1, p: 1, name: 'ABC' },
      { p: 9, name: 'abc' },
      { s: null, name: 'x' },
    ]);
    expect(await c.countDocuments({ s: null })).toBe(2);
    expect(await c.countDocuments({ p: 1 })).toBe(1);
    // (mingo applies collations to sorting and comparisons, not to equality: the same answer as a scan.)
    const ci = await c.find({ name: 'abc' }, { collation: { locale: 'en', strength: 2 } }).toArray();
    expect(ci.map((d) => d.name)).toEqual(['abc']);
    expect(await c.countDocuments({ name: 'abc' })).toBe(1);
  });

  it('builds maps for existing documents on createIndex and forgets them on dropIndexes', async () => {
    const c = db.collection('lifecycle');
    await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ k: i % 5, i })));
    await c.createIndex({ k: 1 });
    expect(candidates('lifecycle', { k: 3 })).toBe(6);
    expect((await c.find({ k: 3 }).toArray()).map((d) => d.i)).toEqual([3, 8, 13, 18, 23, 28]);
    await c.dropIndex('k_1');
    expect(candidates('lifecycle', { k: 3 })).toBe(30);
    expect(await c.countDocuments({ k: 3 })).toBe(6);
    await c.createIndex({ k: 1, i: 1 }, { unique: true });
    await c.rename('lifecycle2');
    expect(candidates('lifecycle2', { k: 3, i: 8 })).toBe(1);
    expect(await db.collection('lifecycle2').findOne({ k: 3, i: 8 }, { projection: { _id: 0 } })).toEqual({
      k: 3,
      i: 8,
    });
    await expect(db.collection('lifecycle2').insertOne({ k: 3, i: 8 })).rejects.toMatchObject({
      code: 11000,
    });
    await db.collection('lifecycle2').dropIndexes();
    await db.collection('lifecycle2').insertOne({ k: 3, i: 8 });
    expect(await db.collection('lifecycle2').countDocuments({ k: 3, i: 8 })).toBe(2);
  });

  it('picks the first document in natural order for single updates and uses a leading $match in aggregate', async () => {
    const c = db.collection('order');
    await c.createIndex({ g: 1 });
    await c.insertMany([
      { g: 'a', n: 1 },
      { g: 'b', n: 2 },
      { g: 'a', n: 3 },
    ]);
    await c.updateOne({ g: { $in: ['b', 'a'] } }, { $set: { hit: true } });
    expect(await c.findOne({ hit: true }, { projection: { _id: 0 } })).toEqual({ g: 'a', n: 1, hit: true });
    const [sum] = await c
      .aggregate([{ $match: { g: 'a' } }, { $group: { _id: null, total: { $sum: '$n' } } }])
      .toArray();
    expect(sum).toEqual({ _id: null, total: 4 });
  });
});

describe('update change detection', () => {
  it('reports unchanged documents as not modified and applies $rename, $unset and nested paths', async () => {
    const c = db.collection('changes');
    await c.insertOne({ _id: 1 as unknown as ObjectId, a: { b: 1, c: [1, 2] }, d: 'x', e: 5 });
    const id = { _id: 1 as unknown as ObjectId };
    expect(await c.updateOne(id, { $set: { 'a.b': 1, d: 'x' } })).toMatchObject({ modifiedCount: 0 });
    expect(await c.updateOne(id, { $unset: { missing: '' } })).toMatchObject({ modifiedCount: 0 });
    expect(await c.updateOne(id, { $setOnInsert: { z: 1 } })).toMatchObject({
      matchedCount: 1,
      modifiedCount: 0,
    });
    expect(await c.updateOne(id, { $addToSet: { 'a.c': 2 } })).toMatchObject({ modifiedCount: 0 });
    expect(await c.updateOne(id, { $set: { 'a.c.1': 3 } })).toMatchObject({ modifiedCount: 1 });
    expect(await c.updateOne(id, { $rename: { d: 'f' }, $inc: { e: 1 } })).toMatchObject({
      modifiedCount: 1,
    });
    expect(await c.findOne(id)).toEqual({ _id: 1, a: { b: 1, c: [1, 3] }, e: 6, f: 'x' });
    expect(await c.updateOne(id, [{ $set: { e: 6 } }])).toMatchObject({ modifiedCount: 0 });
    expect(await c.updateOne(id, [{ $set: { g: { $add: ['$e', 1] } } }])).toMatchObject({ modifiedCount: 1 });
    expect(await c.replaceOne(id, { a: { b: 1, c: [1, 3] }, e: 6, f: 'x', g: 7 })).toMatchObject({
      modifiedCount: 0,
    });
    // Positional $ still sees the query.
    await c.updateOne({ _id: 1 as unknown as ObjectId, e: 6 }, { $set: { h: [1, 3] } });
    await c.updateOne({ _id: 1 as unknown as ObjectId, h: 3 }, { $set: { 'h.$': 30 } });
    expect((await c.findOne(id))?.h).toEqual([1, 30]);
    await c.updateOne(id, { $set: { 'a.c.1': 30 } });
    // Array filters, $pull conditions and $expr filters.
    await c.updateOne(id, { $set: { 'a.c.$[el]': 0 } }, { arrayFilters: [{ el: { $gt: 10 } }] });
    expect((await c.findOne(id))?.a).toEqual({ b: 1, c: [1, 0] });
    const pull: Document = { $pull: { 'a.c': { $in: [0] } } };
    await c.updateOne({ $expr: { $eq: ['$e', 6] } }, pull);
    expect((await c.findOne(id))?.a).toEqual({ b: 1, c: [1] });
  });
});
