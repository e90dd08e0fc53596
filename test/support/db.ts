import { randomBytes } from 'node:crypto';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, inject } from 'vitest';
import { collections, ensureIndexes } from '../../src/db/collections.ts';

export function testMongoUri(): string {
  return inject('mongoUri');
}

export function uniqueDbName(prefix = 'test'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A fresh database for one suite, with the product's indexes; dropped after the suite. */
export async function useTestDatabase(prefix = 'suite') {
  const client = new MongoClient(testMongoUri());
  await client.connect();
  const db: Db = client.db(uniqueDbName(prefix));
  await ensureIndexes(db);
  afterAll(async () => {
    await db.dropDatabase().catch(() => {});
    await client.close();
  });
  return { client, db, collections: collections(db) };
}
