// Handshake, diagnostics, sessions and database-level commands.
import os from 'node:os';
import { UUID } from 'bson';
import { Query } from 'mingo';
import type { Handler } from '../engine.ts';
import { CommandError } from '../errors.ts';
import { bsonSize, type Doc, isPlainObject, MAX_BSON_SIZE } from '../values.ts';
import { MAX_WIRE_VERSION, SERVER_VERSION } from '../version.ts';

// No topologyVersion (it switches drivers to streaming hello and causes reconnect storms) and no compression.
const hello: Handler = (_cmd, { conn }) => ({
  helloOk: true,
  ismaster: true,
  isWritablePrimary: true,
  maxBsonObjectSize: MAX_BSON_SIZE,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: conn.id,
  minWireVersion: 0,
  maxWireVersion: MAX_WIRE_VERSION,
  readOnly: false,
  ok: 1,
});

const ok: Handler = () => ({ ok: 1 });

const buildInfo: Handler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'offline-mongod',
  versionArray: [...SERVER_VERSION.split('.').map(Number), 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_SIZE,
  storageEngines: ['offline-memory'],
  modules: [],
  javascriptEngine: 'none',
  ok: 1,
});

const PARAMETERS: Doc = {
  featureCompatibilityVersion: { version: SERVER_VERSION.split('.').slice(0, 2).join('.') },
  authenticationMechanisms: [],
  transactionLifetimeLimitSeconds: 60,
  logLevel: 0,
};

const getParameter: Handler = (cmd) => {
  if (cmd.getParameter === '*' || (isPlainObject(cmd.getParameter) && cmd.getParameter.allParameters))
    return { ...PARAMETERS, ok: 1 };
  const found = Object.keys(cmd).filter((k) => k in PARAMETERS);
  if (!found.length) throw new CommandError(72, 'InvalidOptions', 'no option found to get');
  return { ...Object.fromEntries(found.map((k) => [k, PARAMETERS[k]])), ok: 1 };
};

const serverStatus: Handler = (_cmd, { engine }) => {
  const uptimeMillis = Date.now() - engine.startedAt;
  return {
    host: os.hostname(),
    version: SERVER_VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    localTime: new Date(),
    connections: { ...engine.connections, available: 1_000_000 },
    metrics: { cursor: { open: { total: engine.cursors.size } } },
    storageEngine: { name: 'offline-memory', persistent: false },
    ok: 1,
  };
};

function dbSizes(engine: Parameters<Handler>[1]['engine'], db: string) {
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  const colls = [...(engine.store.dbs.get(db)?.values() ?? [])];
  for (const c of colls) {
    objects += c.size;
    indexes += c.indexSpecs().length;
    for (const d of c.values()) dataSize += bsonSize(d);
  }
  return { collections: colls.length, objects, dataSize, indexes };
}

const listDatabases: Handler = (cmd, { engine }) => {
  let databases: Doc[] = [...engine.store.dbs.entries()]
    .filter(([, colls]) => colls.size > 0)
    .map(([name]) => ({ name, sizeOnDisk: dbSizes(engine, name).dataSize, empty: false }));
  if (isPlainObject(cmd.filter)) databases = new Query(cmd.filter).find(databases).all() as Doc[];
  if (cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
  const totalSize = databases.reduce((sum, d) => sum + Number(d.sizeOnDisk), 0);
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / 1048576), ok: 1 };
};

const dropDatabase: Handler = (_cmd, { engine, db }) => {
  engine.store.dbs.delete(db);
  return { dropped: db, ok: 1 };
};

const dbStats: Handler = (_cmd, { engine, db }) => {
  const s = dbSizes(engine, db);
  return {
    db,
    ...s,
    views: 0,
    avgObjSize: s.objects ? s.dataSize / s.objects : 0,
    storageSize: s.dataSize,
    indexSize: 0,
    totalSize: s.dataSize,
    scaleFactor: 1,
    ok: 1,
  };
};

const collStats: Handler = (cmd, { engine, db }) => {
  const coll = engine.store.get(db, String(cmd.collStats));
  if (!coll)
    throw new CommandError(26, 'NamespaceNotFound', `Collection [${db}.${String(cmd.collStats)}] not found.`);
  let size = 0;
  for (const d of coll.values()) size += bsonSize(d);
  const count = coll.size;
  const specs = coll.indexSpecs();
  return {
    ns: coll.ns,
    count,
    size,
    avgObjSize: count ? size / count : 0,
    storageSize: size,
    nindexes: specs.length,
    totalIndexSize: 0,
    indexSizes: Object.fromEntries(specs.map((s) => [s.name, 0])),
    capped: false,
    ok: 1,
  };
};

const shutdown: Handler = (_cmd, { engine }) => {
  setImmediate(() => engine.onShutdown?.());
  return { ok: 1 };
};

export const adminCommands: Record<string, Handler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  serverStatus,
  listDatabases,
  dropDatabase,
  dbStats,
  collStats,
  endSessions: ok,
  killAllSessions: ok,
  killSessions: ok,
  refreshSessions: ok,
  startSession: () => ({ id: { id: new UUID() }, timeoutMinutes: 30, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  whatsmyuri: (_cmd, { conn }) => ({ you: conn.remote, ok: 1 }),
  getCmdLineOpts: (_cmd, { engine }) => ({ argv: engine.argv, parsed: {}, ok: 1 }),
  getLog: (cmd) =>
    cmd.getLog === '*' ? { names: ['startupWarnings'], ok: 1 } : { totalLinesWritten: 0, log: [], ok: 1 },
  hostInfo: () => ({
    system: { currentTime: new Date(), hostname: os.hostname(), cpuAddrSize: 64, numCores: os.cpus().length },
    os: { type: os.type(), name: os.platform() },
    extra: {},
    ok: 1,
  }),
  currentOp: () => ({ inprog: [], ok: 1 }),
  listCommands: (_cmd, { engine }) => ({
    commands: Object.fromEntries(engine.commandNames().map((n) => [n, {}])),
    ok: 1,
  }),
  shutdown,
};
