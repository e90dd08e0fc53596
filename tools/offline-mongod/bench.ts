// Micro-benchmark of the ai-roi ingest hot path against the offline engine, through the real `mongodb` driver.
//
//   npx tsx tools/offline-mongod/bench.ts [--rounds 7] [--ops 40] [--spawn] [--only <scenario>] [--dir <engine dir>]
//
// Each scenario runs `ops` sequential operations on fresh collections, `rounds` times after one warm-up round,
// and the table shows the cold (warm-up) round, the median and the best round, and the engine's own share (median):
// by default the engine runs in this process and that is the time spent executing commands (wire work excluded);
// --spawn starts it as a separate process through bin/mongod (as mongodb-memory-server does) and that is its CPU
// time. Wall-clock figures depend on the client too (the driver shares the 2 cores), the engine share does not.
// --dir /path/to/offline-mongod benchmarks another copy of the engine (e.g. an older one).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Db, type Document, type IndexDescription, MongoClient } from 'mongodb';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const ROUNDS = arg('rounds', 7);
const OPS = arg('ops', 40);
const PER_BATCH = 100;
const DAY = Date.parse('2026-11-30T09:00:00Z');

/** A usage event like the app stores (~600 BSON bytes). */
function usageEvent(batch: number, i: number, prefix: string) {
  return {
    source: 'claude_code',
    sourceEventId: `${prefix}_${batch}_${i}_0123456789abcdef`,
    kind: 'api_request',
    occurredAt: new Date(DAY + (batch * PER_BATCH + i) * 1000),
    sessionKey: `bench-session-${batch % 20}`,
    identity: { email: `dev${batch % 20}@example.com`, userId: `user-${batch % 20}`, orgId: 'org-bench' },
    model: 'claude-sonnet-4-5-20250929',
    tokens: { input: 1000, output: 100, cacheRead: 5000, cacheCreation: 250 },
    costUsd: 0.0123,
    costKind: 'reported',
    durationMs: 1234,
    repo: 'github.com/example/ai-roi',
    branch: `dev/eng-${batch}-bench`,
    team: `team-${batch % 5}`,
    terminal: 'vscode',
    labels: { 'service.name': 'claude-code', 'host.arch': 'arm64', 'os.type': 'darwin', env: 'bench' },
    receivedAt: new Date(DAY),
  };
}

const SESSION_INDEXES: IndexDescription[] = [
  { key: { source: 1, sessionKey: 1 }, name: 'source_session', unique: true },
  { key: { slackUserId: 1, closedAt: 1 }, name: 'person_closed' },
  { key: { closedAt: 1, lastEventAt: 1 }, name: 'open_sessions' },
  { key: { 'links.identifier': 1 }, name: 'linked_issue' },
  { key: { branch: 1 }, name: 'branch' },
  { key: { commits: 1 }, name: 'commits' },
  { key: { outcomeIds: 1 }, name: 'outcome_ids' },
];

type Scenario = {
  name: string;
  unit: number;
  setup(db: Db): Promise<void>;
  op(db: Db, i: number): Promise<void>;
};

const scenarios: Scenario[] = [
  {
    name: 'insertMany 100, no index',
    unit: PER_BATCH,
    setup: async () => undefined,
    async op(db, b) {
      const docs = Array.from({ length: PER_BATCH }, (_, i) => usageEvent(b, i, 'raw'));
      await db.collection('raw').insertMany(docs, { ordered: false });
    },
  },
  {
    name: 'insertMany 100, unique+2nd index',
    unit: PER_BATCH,
    async setup(db) {
      await db.collection('events').createIndexes([
        { key: { source: 1, sourceEventId: 1 }, name: 'source_event', unique: true },
        { key: { sessionKey: 1 }, name: 'session' },
      ]);
    },
    async op(db, b) {
      const docs = Array.from({ length: PER_BATCH }, (_, i) => usageEvent(b, i, 'evt'));
      await db.collection('events').insertMany(docs, { ordered: false });
    },
  },
  {
    name: 'findOneAndUpdate upsert by key',
    unit: 1,
    async setup(db) {
      await db
        .collection('rollups')
        .createIndex({ day: 1, team: 1, person: 1, class: 1 }, { name: 'dtpc', unique: true });
    },
    async op(db, i) {
      await db.collection('rollups').findOneAndUpdate(
        { day: `2026-11-${10 + (i % 10)}`, team: `team-${i % 3}`, person: 'U123', class: 'feature' },
        {
          $inc: { costUsd: 1.5, tokens: 1100, estimatedCostUsd: 0, [`models.m${i % 2}`]: 1 },
          $setOnInsert: { createdAt: new Date(DAY) },
        },
        { upsert: true, returnDocument: 'after' },
      );
    },
  },
  {
    name: 'findOneAndUpdate session fold',
    unit: 1,
    async setup(db) {
      await db.collection('sessions').createIndexes(SESSION_INDEXES);
    },
    async op(db, b) {
      // 4 sessions, each folded OPS/4 times, so foldedIds grows by 100 per fold (to ~1000 at 40 ops).
      const ids = Array.from({ length: PER_BATCH }, (_, i) => `fold_${b}_${i}_0123456789abcdef`);
      const day = (k: number) => new Date(DAY + (b * PER_BATCH + k) * 1000).toISOString().slice(0, 10);
      const inc: Record<string, number> = {
        costUsd: 1.23,
        'tokens.input': 100_000,
        'tokens.output': 10_000,
        'tokens.cacheRead': 500_000,
        'tokens.cacheCreation': 25_000,
        apiRequests: 100,
        apiErrors: 0,
        promptsCounted: 0,
        'models.claude-sonnet-4-5': 90,
        'models.claude-haiku-4-5': 10,
      };
      for (let k = 0; k < 5; k++) inc[`costByDay.${day(k * 20)}-${k}`] = 0.25;
      const update: Document = {
        $inc: inc,
        $set: {
          updatedAt: new Date(),
          repo: 'github.com/example/ai-roi',
          branch: `dev/eng-${b}`,
          costSource: 'events',
        },
        $setOnInsert: {
          identity: { email: `dev${b % 4}@example.com` },
          identityKey: `email:dev${b % 4}@example.com`,
          costKind: 'reported',
          links: [],
          outcomeIds: [],
          classificationHistory: [],
          labels: { env: 'bench' },
          commits: [],
          team: 'team-1',
        },
        $min: { startedAt: new Date(DAY + b * 1000) },
        $max: { lastEventAt: new Date(DAY + b * 1000 + 99_000) },
        $push: { foldedIds: { $each: ids } },
      };
      await db
        .collection('sessions')
        .findOneAndUpdate(
          { source: 'claude_code', sessionKey: `s-${b % 4}`, foldedIds: { $nin: ids } },
          update,
          {
            upsert: true,
            returnDocument: 'after',
            projection: { slackUserId: 1, identityKey: 1, team: 1, classification: 1, repo: 1 },
          },
        );
    },
  },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const DIR = process.argv.includes('--dir')
  ? path.resolve(process.argv[process.argv.indexOf('--dir') + 1] ?? '.')
  : import.meta.dirname;
const SPAWN = process.argv.includes('--spawn');

interface Engine {
  uri: string;
  /** Milliseconds the engine has spent so far: in-process, time inside command execution (no wire work);
   * spawned, the child's CPU time from /proc (10 ms resolution). */
  busy(): number;
  close(): Promise<void>;
}

/** Starts the engine in-process, or as a child process through bin/mongod. */
async function startEngine(): Promise<Engine> {
  if (!SPAWN) {
    const { startOfflineMongo } = (await import(path.join(DIR, 'server.ts'))) as typeof import('./server.ts');
    const server = await startOfflineMongo();
    const { engine } = server;
    const execute = engine.execute.bind(engine);
    let busy = 0;
    engine.execute = (body, conn) => {
      const started = performance.now();
      try {
        return execute(body, conn);
      } finally {
        busy += performance.now() - started;
      }
    };
    return { uri: server.uri, busy: () => busy, close: () => server.close() };
  }
  const child = spawn(path.join(DIR, 'bin/mongod'), ['--port', '0', '--bind_ip', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bin/mongod exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('Waiting for connections')) resolve(JSON.parse(line).attr.port);
    });
  });
  // bin/mongod execs node, so the child pid is the engine's.
  const busy = () => {
    try {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 100 Hz ticks
    } catch {
      return Number.NaN;
    }
  };
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    busy,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const server = await startEngine();
  const client = await MongoClient.connect(server.uri, { serverSelectionTimeoutMS: 5000 });
  const results = new Map<string, number[]>();
  const busy = new Map<string, number[]>();
  const cold = new Map<string, number>();
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      for (const s of scenarios) {
        if (ONLY && !s.name.includes(ONLY)) continue;
        const db = client.db(`offline_bench_${round}`);
        await s.setup(db);
        const busyBefore = server.busy();
        const started = performance.now();
        for (let i = 0; i < OPS; i++) await s.op(db, i);
        const ms = performance.now() - started;
        if (round === 0) {
          cold.set(s.name, ms); // round 0 warms up
        } else {
          results.set(s.name, [...(results.get(s.name) ?? []), ms]);
          busy.set(s.name, [...(busy.get(s.name) ?? []), server.busy() - busyBefore]);
        }
      }
      await client.db(`offline_bench_${round}`).dropDatabase();
    }
  } finally {
    await client.close();
    await server.close();
  }

  const rows = scenarios
    .filter((s) => results.has(s.name))
    .map((s) => {
      const times = results.get(s.name) ?? [];
      const med = median(times);
      return {
        scenario: s.name,
        'cold ms': Number((cold.get(s.name) ?? 0).toFixed(1)),
        [`median ms / ${OPS} ops`]: Number(med.toFixed(1)),
        'best ms': Number(Math.min(...times).toFixed(1)),
        'ms / op': Number((med / OPS).toFixed(2)),
        'docs|ops / s': Math.round((OPS * s.unit * 1000) / med),
        [SPAWN ? 'engine cpu ms' : 'engine exec ms']: Number(median(busy.get(s.name) ?? []).toFixed(1)),
      };
    });
  const where = SPAWN ? 'engine spawned via bin/mongod' : 'engine in-process';
  console.log(`offline-mongod bench (${where}): ${ROUNDS} rounds + 1 warm-up, ${OPS} sequential ops each`);
  console.table(rows);
  if (ONLY) return;
  const ms = (i: number) => median(results.get(scenarios[i]?.name ?? '') ?? []);
  // One ingest request = indexed insertMany + one session fold + one rollup upsert, vs. a raw insertMany.
  const ratio = ms(0) / (ms(1) + ms(2) + ms(3));
  console.log(`indexed/raw insert throughput: ${((ms(0) / ms(1)) * 100).toFixed(0)}%`);
  console.log(`hot path (insert + fold + upsert) / raw insert throughput: ${(ratio * 100).toFixed(0)}%`);
}

await main();
