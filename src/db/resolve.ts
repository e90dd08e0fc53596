import { mkdir } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DryMongoBinary, MongoMemoryServer } from 'mongodb-memory-server';
import { SERVER_VERSION as OFFLINE_ENGINE_VERSION } from '../../tools/offline-mongod/version.ts';

/**
 * Where the database comes from, in the documented order:
 * MONGODB_URI → mongodb-memory-server with a real mongod (system, cached or downloadable)
 * → the offline engine (tools/offline-mongod), only where no mongod can be had.
 */
export type DatabaseKind = 'uri' | 'memory-server' | 'offline-engine';

export interface ResolvedDatabase {
  kind: DatabaseKind;
  uri: string;
  /** One line for the start-up log. */
  description: string;
  stop(): Promise<void>;
}

export interface ResolveOptions {
  mongodbUri?: string;
  systemBinary?: string;
  /** Folder for persistent data (npm start); undefined = throwaway (tests). */
  dataDir?: string;
  /** How long to wait for the binary download host before choosing the offline engine. */
  probeTimeoutMs?: number;
}

export const OFFLINE_ENGINE_BINARY = fileURLToPath(
  new URL('../../tools/offline-mongod/bin/mongod', import.meta.url),
);

const DOWNLOAD_HOST = 'fastdl.mongodb.org';

export async function resolveDatabase(options: ResolveOptions): Promise<ResolvedDatabase> {
  if (options.mongodbUri) {
    return {
      kind: 'uri',
      uri: options.mongodbUri,
      description: 'MongoDB from MONGODB_URI',
      stop: async () => {},
    };
  }
  const binary = await locateMongodBinary(options.systemBinary);
  if (binary || (await canReach(DOWNLOAD_HOST, 443, options.probeTimeoutMs ?? 1500))) {
    const server = await startMemoryServer(options.dataDir, binary);
    return {
      kind: 'memory-server',
      uri: server.getUri(),
      description: `mongodb-memory-server (real mongod${binary ? ` at ${binary}` : ', downloaded'}${options.dataDir ? `, data in ${options.dataDir}` : ', throwaway'})`,
      stop: async () => {
        await server.stop({ doCleanup: !options.dataDir });
      },
    };
  }
  const server = await startMemoryServer(undefined, OFFLINE_ENGINE_BINARY);
  return {
    kind: 'offline-engine',
    uri: server.getUri(),
    description:
      'offline engine: in-memory, not MongoDB (no mongod could be found or downloaded; data is lost on exit)',
    stop: async () => {
      await server.stop({ doCleanup: true });
    },
  };
}

/** A mongod that needs no download: MONGOMS_SYSTEM_BINARY or one already in mongodb-memory-server's cache. */
async function locateMongodBinary(systemBinary: string | undefined): Promise<string | undefined> {
  const options = await DryMongoBinary.generateOptions(systemBinary ? { systemBinary } : {});
  return DryMongoBinary.locateBinary(options);
}

async function startMemoryServer(dataDir: string | undefined, systemBinary: string | undefined) {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  return MongoMemoryServer.create({
    instance: dataDir ? { dbPath: dataDir, storageEngine: 'wiredTiger' } : {},
    binary: systemBinary
      ? {
          systemBinary,
          checkMD5: false,
          ...(systemBinary === OFFLINE_ENGINE_BINARY ? { version: OFFLINE_ENGINE_VERSION } : {}),
        }
      : {},
  });
}

function canReach(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
