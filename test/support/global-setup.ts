import type { TestProject } from 'vitest/node';
import { resolveDatabase } from '../../src/db/resolve.ts';

/**
 * One database server for the whole run, resolved like production does:
 * MONGODB_URI, else mongodb-memory-server with a real mongod, else the offline engine.
 * Each suite then uses its own database on it (see test/support/db.ts).
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const database = await resolveDatabase({
    // biome-ignore lint/style/noProcessEnv: the test run's own switch, not product configuration
    mongodbUri: process.env.MONGODB_URI || undefined,
    // biome-ignore lint/style/noProcessEnv: same as above
    systemBinary: process.env.MONGOMS_SYSTEM_BINARY || undefined,
  });
  console.log(`[tests] database: ${database.description} (resolved in ${Date.now() - started} ms)`);
  project.provide('mongoUri', database.uri);
  project.provide('databaseKind', database.kind);
  return async () => {
    await database.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    databaseKind: string;
  }
}
