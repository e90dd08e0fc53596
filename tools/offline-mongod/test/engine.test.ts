import { type Db, MongoBulkWriteError, MongoClient, MongoServerError, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfflineMongo, startOfflineMongo } from '../server.ts';

let server: OfflineMongo;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  server = await startOfflineMongo();
  client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 2000 });
  db = client.db('engine_test');
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

describe('handshake and admin commands', () => {
  it('answers hello/ping/buildInfo like a standalone mongod', async () => {
    const hello = await db.admin().command({ hello: 1 });
    expect(hello).toMatchObject({
      ok: 1,
      isWritablePrimary: true,
      maxWireVersion: 21,
      logicalSessionTimeoutMinutes: 30,
    });
    expect(hello.topologyVersion).toBeUndefined();
    expect(await db.admin().ping()).toMatchObject({ ok: 1 });
    expect((await db.admin().buildInfo()).version).toMatch(/^7\.0\./);
    expect((await db.admin().serverStatus()).process).toBe('mongod');
  });

  it('reports unknown commands with the server error shape', async () => {
    const err = await db.command({ frobnicate: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
      message: "no such command: 'frobnicate'",
    });
  });

  it('rejects transactions like a standalone server', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await db
        .collection('tx')
        .insertOne({ a: 1 }, { session })
        .catch((e: unknown) => e);
      // The driver rewraps code 20 ("Transaction numbers are only allowed…") exactly as for a real standalone.
      expect(err).toBeInstanceOf(MongoServerError);
      expect((err as MongoServerError).message).toMatch(/retryable writes/);
      expect((err as { originalError?: { code?: number } }).originalError?.code).toBe(20);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
  });
});

describe('CRUD', () => {
  it('inserts, finds with filter/projection/sort/skip/limit, updates and deletes', async () => {
    const c = db.collection<{ _id?: ObjectId; name: string; n: number; tags?: string[]; at?: Date }>('crud');
    const at = new Date('2024-01-02T03:04:05Z');
    const { insertedId } = await c.insertOne({ name: 'a', n: 1, at });
    await c.insertMany([
      { name: 'b', n: 2 },
      { name: 'c', n: 3, tags: ['x', 'y'] },
    ]);
    const byId = await c.findOne({ _id: new ObjectId(insertedId.toHexString()) });
    expect(byId?.at).toEqual(at);
    expect(byId?._id).toBeInstanceOf(ObjectId);
    const sorted = await c
      .find({ n: { $gte: 1 } }, { projection: { name: 1 }, sort: { n: -1 }, skip: 1, limit: 1 })
      .toArray();
    expect(sorted).toEqual([{ _id: expect.any(ObjectId), name: 'b' }]);
    expect(Object.keys(sorted[0] ?? {})[0]).toBe('_id');
    expect(await c.countDocuments({ tags: 'x' })).toBe(1);
    expect(await c.estimatedDocumentCount()).toBe(3);
    expect(await c.find({ _id: { $in: [insertedId] } }).toArray()).toHaveLength(1);

    const upd = await c.updateOne({ name: 'b' }, { $set: { n: 20 }, $unset: { missing: '' } });
    expect(upd).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    const same = await c.updateOne({ name: 'b' }, { $set: { n: 20 } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const replaced = await c.replaceOne({ name: 'c' }, { name: 'c2', n: 30 });
    expect(replaced.modifiedCount).toBe(1);
    expect(await c.findOne({ name: 'c2' }, { projection: { _id: 0 } })).toEqual({ name: 'c2', n: 30 });
    const up = await c.updateOne({ name: 'd' }, { $set: { n: 4 } }, { upsert: true });
    expect(up.upsertedId).toBeInstanceOf(ObjectId);
    expect(await c.findOne({ name: 'd' })).toMatchObject({ name: 'd', n: 4 });

    const idErr = await c
      .updateOne({ name: 'd' }, { $set: { _id: new ObjectId() } })
      .catch((e: unknown) => e);
    expect(idErr).toMatchObject({ code: 66 });

    expect((await c.deleteOne({ n: { $gt: 0 } })).deletedCount).toBe(1);
    expect((await c.deleteMany({})).deletedCount).toBe(3);
    expect(await c.countDocuments()).toBe(0);
    expect(await c.distinct('name')).toEqual([]);
  });

  it('supports bulkWrite, distinct and arrayFilters', async () => {
    const c = db.collection<{ _id?: number | ObjectId; k: string | string[]; grades?: number[] }>('bulk');
    const res = await c.bulkWrite([
      { insertOne: { document: { _id: 1, k: 'a', grades: [80, 95, 100] } } },
      { insertOne: { document: { _id: 2, k: 'b', grades: [60, 99] } } },
      {
        updateOne: {
          filter: { _id: 1 },
          update: { $set: { 'grades.$[g]': 0 } },
          arrayFilters: [{ g: { $gte: 95 } }],
        },
      },
      { deleteOne: { filter: { _id: 2 } } },
    ]);
    expect(res).toMatchObject({ insertedCount: 2, modifiedCount: 1, deletedCount: 1 });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, k: 'a', grades: [80, 0, 0] });
    await c.insertMany([{ k: 'a' }, { k: ['b', 'c'] }]);
    expect((await c.distinct('k')).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('unique indexes', () => {
  it('throws E11000 on insertOne and keeps going with ordered:false', async () => {
    const c = db.collection('users');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.createIndex({ org: 1, handle: 1 }, { unique: true, name: 'org_handle' });
    await c.insertOne({ email: 'a@x', org: 1, handle: 'a' });
    const err = await c.insertOne({ email: 'a@x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 11000, keyValue: { email: 'a@x' }, keyPattern: { email: 1 } });

    const bulkErr = await c
      .insertMany(
        [
          { email: 'b@x', org: 1, handle: 'b' },
          { email: 'a@x', org: 2, handle: 'z' },
          { email: 'c@x', org: 1, handle: 'a' },
          { email: 'd@x', org: 2, handle: 'a' },
        ],
        { ordered: false },
      )
      .catch((e: unknown) => e);
    expect(bulkErr).toBeInstanceOf(MongoBulkWriteError);
    const bwe = bulkErr as MongoBulkWriteError;
    expect(bwe.insertedCount).toBe(2);
    expect(bwe.writeErrors).toHaveLength(2);
    expect(
      (Array.isArray(bwe.writeErrors) ? bwe.writeErrors : [bwe.writeErrors]).map((e) => e.index),
    ).toEqual([1, 2]);
    expect(await c.countDocuments()).toBe(3);

    const updErr = await c.updateOne({ email: 'd@x' }, { $set: { email: 'b@x' } }).catch((e: unknown) => e);
    expect(updErr).toMatchObject({ code: 11000 });
    expect(await c.countDocuments({ email: 'd@x' })).toBe(1);

    const dupIdErr = await c
      .insertOne({ _id: (await c.findOne({ email: 'a@x' }))?._id })
      .catch((e: unknown) => e);
    expect(dupIdErr).toMatchObject({ code: 11000 });
    const indexNames = (await c.indexes()).map((i) => i.name);
    expect(indexNames).toEqual(['_id_', 'email_1', 'org_handle']);
    await c.dropIndex('email_1');
    await c.insertOne({ email: 'a@x' });
  });

  it('refuses to build a unique index over duplicates and tolerates sparse/partial options', async () => {
    const c = db.collection('dups');
    await c.insertMany([{ v: 1 }, { v: 1 }, { w: 1 }, { w: 2 }]);
    await expect(c.createIndex({ v: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    await c.createIndex(
      { v: 1 },
      { unique: true, sparse: true, name: 'v_sparse', partialFilterExpression: { v: { $gt: 5 } } },
    );
    await c.insertOne({ v: 1 });
    await c.insertOne({ v: 6 });
    await expect(c.insertOne({ v: 6 })).rejects.toMatchObject({ code: 11000 });
  });
});

describe('cursors', () => {
  it('streams 1000 documents in batches of 50 across getMore', async () => {
    const c = db.collection('many');
    await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ i })));
    const cursor = c.find({}, { batchSize: 50, sort: { i: 1 } });
    const seen: number[] = [];
    for await (const doc of cursor) seen.push(doc.i as number);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const partial = c.find({}).batchSize(10);
    await partial.next();
    await partial.close();
    expect(
      await c
        .find({ i: { $lt: 500 } })
        .limit(120)
        .toArray(),
    ).toHaveLength(120);
  });
});

describe('findOneAndUpdate / findAndModify', () => {
  it('honours sort, upsert, $setOnInsert and returnDocument', async () => {
    const c = db.collection('jobs');
    await c.insertMany([
      { name: 'j', priority: 1, at: 3 },
      { name: 'j', priority: 5, at: 2 },
      { name: 'j', priority: 5, at: 1 },
    ]);
    const locked = await c.findOneAndUpdate(
      { name: 'j', lockedAt: null },
      { $set: { lockedAt: new Date() } },
      { sort: { priority: -1, at: 1 }, returnDocument: 'after' },
    );
    expect(locked).toMatchObject({ priority: 5, at: 1, lockedAt: expect.any(Date) });
    const before = await c.findOneAndUpdate(
      { name: 'j', at: 3 },
      { $inc: { at: 10 } },
      { projection: { at: 1, _id: 0 } },
    );
    expect(before).toEqual({ at: 3 });

    const created = await c.findOneAndUpdate(
      { name: 'single', type: { $eq: 'single' } },
      { $set: { data: 1 }, $setOnInsert: { createdAt: 'first' } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(created).toMatchObject({
      name: 'single',
      type: 'single',
      data: 1,
      createdAt: 'first',
      _id: expect.any(ObjectId),
    });
    const again = await c.findOneAndUpdate(
      { name: 'single', type: 'single' },
      { $set: { data: 2 }, $setOnInsert: { createdAt: 'second' } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(again).toMatchObject({ _id: created?._id, data: 2, createdAt: 'first' });
    const meta = await c.findOneAndUpdate(
      { name: 'nope' },
      { $set: { x: 1 } },
      { upsert: true, includeResultMetadata: true },
    );
    expect(meta.value).toBeNull();
    expect(meta.lastErrorObject).toMatchObject({
      n: 1,
      updatedExisting: false,
      upserted: expect.any(ObjectId),
    });
    const removed = await c.findOneAndDelete({ name: 'j' }, { sort: { at: -1 } });
    expect(removed?.at).toBe(13);
  });
});

describe('update operators', () => {
  it('applies $inc/$min/$max/$push/$addToSet to every matched document in one updateMany', async () => {
    const c = db.collection<{
      g: number;
      n: number;
      lo?: number;
      hi?: number;
      list?: (number | string)[];
      set?: string[];
    }>('ops');
    await c.insertMany([
      { g: 1, n: 5, lo: 5, hi: 5, list: [], set: ['a'] },
      { g: 1, n: 1, lo: 0, hi: 9, list: [1], set: [] },
      { g: 2, n: 0 },
    ]);
    const res = await c.updateMany(
      { g: 1 },
      { $inc: { n: 2 }, $min: { lo: 3 }, $max: { hi: 7 }, $push: { list: 'p' }, $addToSet: { set: 'a' } },
    );
    expect(res).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const docs = await c.find({ g: 1 }, { projection: { _id: 0, g: 0 } }).toArray();
    expect(docs).toEqual([
      { n: 7, lo: 3, hi: 7, list: ['p'], set: ['a'] },
      { n: 3, lo: 0, hi: 9, list: [1, 'p'], set: ['a'] },
    ]);
    const pipe = await c.updateMany({ g: 2 }, [{ $set: { doubled: { $multiply: ['$n', 2] }, flag: true } }]);
    expect(pipe.modifiedCount).toBe(1);
    expect(await c.findOne({ g: 2 }, { projection: { _id: 0 } })).toEqual({
      g: 2,
      n: 0,
      doubled: 0,
      flag: true,
    });
  });
});

describe('aggregation', () => {
  it('runs $group, $lookup, $facet and $dateTrunc', async () => {
    const users = db.collection('agg_users');
    const orders = db.collection('agg_orders');
    const alice = new ObjectId();
    const bob = new ObjectId();
    await users.insertMany([
      { _id: alice, name: 'alice' },
      { _id: bob, name: 'bob' },
    ]);
    await orders.insertMany([
      { user: alice, total: 10, at: new Date('2024-03-01T10:15:00Z') },
      { user: alice, total: 5, at: new Date('2024-03-01T10:45:00Z') },
      { user: bob, total: 7, at: new Date('2024-03-02T08:00:00Z') },
    ]);
    const perUser = await orders
      .aggregate([
        { $group: { _id: '$user', sum: { $sum: '$total' }, n: { $sum: 1 } } },
        { $lookup: { from: 'agg_users', localField: '_id', foreignField: '_id', as: 'user' } },
        { $unwind: '$user' },
        { $project: { _id: 0, name: '$user.name', sum: 1, n: 1 } },
        { $sort: { name: 1 } },
      ])
      .toArray();
    expect(perUser).toEqual([
      { name: 'alice', sum: 15, n: 2 },
      { name: 'bob', sum: 7, n: 1 },
    ]);
    const [facets] = await orders
      .aggregate([
        {
          $facet: {
            hourly: [
              { $group: { _id: { $dateTrunc: { date: '$at', unit: 'hour' } }, total: { $sum: '$total' } } },
              { $sort: { _id: 1 } },
            ],
            count: [{ $count: 'n' }],
          },
        },
      ])
      .toArray();
    expect(facets).toEqual({
      hourly: [
        { _id: new Date('2024-03-01T10:00:00Z'), total: 15 },
        { _id: new Date('2024-03-02T08:00:00Z'), total: 7 },
      ],
      count: [{ n: 3 }],
    });
    expect(await orders.countDocuments({ user: alice })).toBe(2);
    const many = await db
      .collection('many')
      .aggregate([{ $match: {} }], { batchSize: 100 })
      .toArray();
    expect(many).toHaveLength(1000);
  });
});

describe('namespaces', () => {
  it('creates, lists, renames and drops collections and databases', async () => {
    const other = client.db('engine_ns');
    await other.createCollection('one');
    await expect(other.createCollection('one')).rejects.toMatchObject({ code: 48 });
    await other.collection('two').insertOne({ a: 1 });
    const names = (await other.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(names).toEqual(['one', 'two']);
    expect(await other.listCollections({ name: 'two' }).toArray()).toHaveLength(1);
    await other.collection('two').rename('three');
    expect(await other.collection('three').countDocuments()).toBe(1);
    expect(await other.collection('one').drop()).toBe(true);
    const dbs = await client.db().admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).toContain('engine_ns');
    expect(await other.dropDatabase()).toBe(true);
    expect((await other.listCollections().toArray()).length).toBe(0);
    expect((await other.stats()).collections).toBe(0);
  });
});

describe('limits', () => {
  it('rejects a >16MB document with code 10334 and keeps the connection usable', async () => {
    const c = db.collection('big');
    // 16MB < size < 17MB: the driver serialises it (its buffer is 17MB), so the server must refuse it.
    const err = await c.insertOne({ blob: 'x'.repeat(16 * 1024 * 1024 + 1000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err).toMatchObject({ code: 10334 });
    await c.insertOne({ small: true });
    expect(await c.countDocuments()).toBe(1);
    // Several ~6MB documents come back across batches capped below 16MB.
    await c.insertMany([1, 2, 3].map((i) => ({ i, blob: 'y'.repeat(6 * 1024 * 1024) })));
    const docs = await c.find({ i: { $exists: true } }).toArray();
    expect(docs.map((d) => d.i)).toEqual([1, 2, 3]);
    await c.deleteMany({});
  });
});
