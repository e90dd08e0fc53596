// mongod look-alike for mongodb-memory-server: `cli.ts --port 27017 --bind_ip 127.0.0.1 --dbpath /tmp/x …`
import { existsSync } from 'node:fs';
import { Engine } from './engine.ts';
import { startOfflineMongo } from './server.ts';
import { SERVER_VERSION } from './version.ts';

type Attr = Record<string, unknown>;

/** Prints a mongod 4.4+ style structured log line (mongodb-memory-server parses these). */
function log(s: 'I' | 'W' | 'E', c: string, id: number, msg: string, attr: Attr = {}): void {
  process.stdout.write(
    `${JSON.stringify({ t: { $date: new Date().toISOString() }, s, c, id, ctx: 'main', msg, attr })}\n`,
  );
}

interface Args {
  port: number;
  bindIp: string;
  dbpath: string | undefined;
  version: boolean;
  help: boolean;
  ignored: string[];
}

export function parseArgs(argv: string[]): Args {
  const args: Args = {
    port: 27017,
    bindIp: '127.0.0.1',
    dbpath: undefined,
    version: false,
    help: false,
    ignored: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const eq = raw.indexOf('=');
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = () => (eq > 0 ? raw.slice(eq + 1) : (argv[++i] ?? ''));
    switch (flag) {
      case '--port':
        args.port = Number(value());
        break;
      case '--bind_ip':
        args.bindIp = value();
        break;
      case '--bind_ip_all':
        args.bindIp = '0.0.0.0';
        break;
      case '--dbpath':
        args.dbpath = value();
        break;
      case '--version':
        args.version = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        args.ignored.push(raw); // every other mongod flag is accepted and ignored
    }
  }
  return args;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  if (args.version) {
    process.stdout.write(
      `db version v${SERVER_VERSION}\nBuild Info: {"version": "${SERVER_VERSION}", "gitVersion": "offline-mongod"}\n`,
    );
    return;
  }
  if (args.help) {
    process.stdout.write(
      'offline-mongod: in-memory MongoDB wire-protocol engine (not MongoDB).\n' +
        'Options: --port <n> --bind_ip <ip[,ip]> --bind_ip_all --dbpath <dir> --version (other mongod flags ignored)\n',
    );
    return;
  }
  process.stdout.on('error', () => {}); // parent went away: keep serving until signalled
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    log('E', 'CONTROL', 20574, 'Error during global initialization', {
      error: `BadValue: invalid port ${args.port}`,
    });
    process.exit(2);
  }
  if (args.dbpath !== undefined && !existsSync(args.dbpath)) {
    log('E', 'STORAGE', 20557, 'DBException in initAndListen, terminating', {
      error: `NonExistentPath: Data directory ${args.dbpath} not found.`,
    });
    process.exit(100);
  }
  log('I', 'CONTROL', 4615611, 'MongoDB starting', {
    pid: process.pid,
    port: args.port,
    dbPath: args.dbpath ?? null,
    engine: 'offline in-memory (not MongoDB)',
    version: SERVER_VERSION,
  });
  const engine = new Engine();
  engine.argv = [process.argv[1] ?? 'mongod', ...argv];
  let server: Awaited<ReturnType<typeof startOfflineMongo>>;
  try {
    server = await startOfflineMongo({ port: args.port, host: args.bindIp, engine });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const error = code === 'EADDRINUSE' ? 'Address already in use' : String(err);
    log('E', 'NETWORK', 23024, 'Error setting up listener', { error: `SocketException: ${error}` });
    process.exit(48);
  }
  const stop = (reason: string) => {
    log('I', 'CONTROL', 23377, 'Received signal', { signal: reason });
    server.close().finally(() => {
      log('I', 'CONTROL', 20565, 'Now exiting');
      process.exit(0);
    });
  };
  engine.onShutdown = () => stop('shutdown command');
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGHUP', () => stop('SIGHUP'));
  for (const host of args.bindIp.split(',')) log('I', 'NETWORK', 23015, 'Listening on', { address: host });
  log('I', 'NETWORK', 23016, 'Waiting for connections', { port: server.port, ssl: 'off' });
}

void main();
