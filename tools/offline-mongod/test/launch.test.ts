import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { MongoMemoryServer } from 'mongodb-memory-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_VERSION } from '../version.ts';

const BIN = fileURLToPath(new URL('../bin/mongod', import.meta.url));
let dbpath: string;

beforeAll(() => {
  dbpath = mkdtempSync(path.join(tmpdir(), 'offline-mongod-test-'));
});
afterAll(() => rmSync(dbpath, { recursive: true, force: true }));

interface Launched {
  child: ChildProcess;
  output: () => string;
  ready: Promise<{ port: number; ms: number }>;
  exited: Promise<number | null>;
}

function launch(args: string[]): Launched {
  const started = performance.now();
  const child = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<{ port: number; ms: number }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => /waiting for connections/i.test(l));
      if (line) resolve({ port: JSON.parse(line).attr.port, ms: performance.now() - started });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`exited with ${code} before ready:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => out, ready, exited };
}

describe('bin/mongod', () => {
  it('answers --version in the format mongodb-memory-server parses', () => {
    const res = spawnSync(BIN, ['--version']);
    expect(res.status).toBe(0);
    expect(res.stdout.toString()).toMatch(/^\s*db\s+version\s+v?(\d+\.\d+\.\d+)/im);
    expect(res.stdout.toString()).toContain(`db version v${SERVER_VERSION}\n`); // launcher and engine agree
  });

  it('starts fast, ignores unknown mongod flags, serves the driver and exits 0 on SIGINT/SIGTERM', async () => {
    const timings: number[] = [];
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const args = [
        '--port',
        '0',
        '--dbpath',
        dbpath,
        '--bind_ip',
        '127.0.0.1',
        '--noauth',
        '--storageEngine',
        'wiredTiger',
        '--quiet',
      ];
      const proc = launch(args);
      const { port, ms } = await proc.ready;
      timings.push(ms);
      const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`);
      await client.db('x').collection('y').insertOne({ ok: true });
      expect(await client.db('x').collection('y').countDocuments()).toBe(1);
      await client.close();
      proc.child.kill(signal);
      expect(await proc.exited).toBe(0);
    }
    console.info(`offline mongod ready after ${timings.map((t) => `${Math.round(t)} ms`).join(', ')}`);
    expect(Math.min(...timings)).toBeLessThan(1500);
  });

  it('reports a busy port the way mongodb-memory-server detects it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const proc = launch(['--port', String(port), '--bind_ip', '127.0.0.1']);
      expect(await proc.exited).not.toBe(0);
      expect(proc.output()).toMatch(/address already in use/i);
    } finally {
      blocker.close();
    }
  });

  it('fails like mongod when --dbpath does not exist', async () => {
    const proc = launch(['--port', '0', '--dbpath', path.join(dbpath, 'missing')]);
    expect(await proc.exited).toBe(100);
    expect(proc.output()).toMatch(/DBException in initAndListen,/);
  });
});

describe('mongodb-memory-server with the offline binary', () => {
  it('launches via binary.systemBinary (version pinned, no download, no MD5 check)', async () => {
    const started = performance.now();
    const mms = await MongoMemoryServer.create({
      binary: { systemBinary: BIN, version: '7.0.14', checkMD5: false },
    });
    const ms = performance.now() - started;
    try {
      const client = await MongoClient.connect(mms.getUri());
      const coll = client.db('mms').collection('docs');
      await coll.insertMany([{ a: 1 }, { a: 2 }]);
      expect(await coll.find({ a: { $gt: 1 } }).toArray()).toHaveLength(1);
      await client.close();
    } finally {
      expect(await mms.stop()).toBe(true);
    }
    console.info(`MongoMemoryServer.create() with offline binary: ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(5000);
  });

  it('launches via MONGOMS_SYSTEM_BINARY env with the version check disabled', async () => {
    // biome-ignore lint/style/noProcessEnv: mongodb-memory-server reads its configuration from the environment
    const env = process.env;
    const saved = { ...env };
    env.MONGOMS_SYSTEM_BINARY = BIN;
    env.MONGOMS_SYSTEM_BINARY_VERSION_CHECK = 'false';
    try {
      const mms = await MongoMemoryServer.create();
      try {
        const client = await MongoClient.connect(mms.getUri());
        expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
        await client.close();
      } finally {
        await mms.stop();
      }
    } finally {
      for (const key of ['MONGOMS_SYSTEM_BINARY', 'MONGOMS_SYSTEM_BINARY_VERSION_CHECK'])
        if (saved[key] === undefined) delete env[key];
        else env[key] = saved[key];
    }
  });
});
