import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { FakeSlackApi } from '../src/sandbox/fake-slack-api.ts';
import { type Service, startService } from '../src/service.ts';

export interface BenchApp {
  service: Service;
  slack: FakeSlackApi;
  baseUrl: string;
  stop(): Promise<void>;
}

export interface BenchContext {
  quick: boolean;
  mongoUri: string;
  databaseKind: string;
  startApp(options?: { signingSecret?: string; env?: Record<string, string> }): Promise<BenchApp>;
  report(title: string, rows: Record<string, string | number>[]): void;
  check(name: string, ok: boolean): void;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

let dbCounter = 0;

export function benchContext(mongoUri: string, databaseKind: string, quick: boolean) {
  const checks: { name: string; ok: boolean }[] = [];
  const ctx: BenchContext = {
    quick,
    mongoUri,
    databaseKind,
    async startApp(options = {}) {
      const botToken = 'xoxb-bench';
      const slack = new FakeSlackApi({
        botToken,
        users: [{ id: 'UALICE0001', name: 'alice', email: 'alice@example.com' }],
        channels: [{ id: 'CLEADERS01', name: 'leadership', botIsMember: true }],
      });
      await slack.start();
      dbCounter += 1;
      const config = loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        MONGODB_URI: mongoUri,
        MONGODB_DB: `bench_${process.pid}_${dbCounter}`,
        SLACK_BOT_TOKEN: botToken,
        SLACK_SIGNING_SECRET: options.signingSecret ?? 'bench-signing-secret',
        SLACK_API_URL: slack.apiUrl,
        ...options.env,
      });
      const service = await startService({ config, logger: createLogger('silent') });
      return {
        service,
        slack,
        baseUrl: `http://127.0.0.1:${service.port}`,
        stop: async () => {
          await service.deps.db.dropDatabase().catch(() => {});
          await service.stop();
          await slack.stop();
        },
      };
    },
    report(title, rows) {
      console.log(`\n${title}`);
      console.table(rows);
    },
    check(name, ok) {
      checks.push({ name, ok });
      console.log(`${ok ? 'PASS' : 'MISS'}  ${name}`);
    },
  };
  return { ctx, checks };
}

export interface SpawnedApp {
  baseUrl: string;
  pid: number;
  /** Peak resident set size of the app process so far (VmHWM), in MB. */
  peakRssMb(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Run the service as its own process (`npm start`'s entry point), so its memory is measured apart from
 * the load generator. Waits for the "listening" log line.
 */
export async function spawnApp(env: Record<string, string>): Promise<SpawnedApp> {
  const { spawn } = await import('node:child_process');
  const { readFile } = await import('node:fs/promises');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    // biome-ignore lint/style/noProcessEnv: the child inherits PATH and friends
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`app did not start: ${buffer.slice(-2000)}`)), 60_000);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /"port":(\d+)/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`app exited with ${code}: ${buffer.slice(-2000)}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async peakRssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
