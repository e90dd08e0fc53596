// TCP front end: one Engine shared by every connection; messages are handled synchronously in arrival order.
import net from 'node:net';
import { type Connection, Engine } from './engine.ts';
import { errorReply } from './errors.ts';
import { decode, encodeReply, FrameReader } from './wire.ts';

export interface OfflineMongoOptions {
  /** TCP port; 0 or omitted picks a free port. */
  port?: number;
  /** Address(es) to bind, comma separated like `--bind_ip`. Default 127.0.0.1. */
  host?: string;
  /** Share an existing engine (its data) instead of creating a fresh one. */
  engine?: Engine;
}

export interface OfflineMongo {
  port: number;
  host: string;
  uri: string;
  engine: Engine;
  close(): Promise<void>;
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

export async function startOfflineMongo(options: OfflineMongoOptions = {}): Promise<OfflineMongo> {
  const engine = options.engine ?? new Engine();
  const hosts = (options.host ?? '127.0.0.1')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  let nextConnectionId = 1;

  const serve = (socket: net.Socket) => {
    const conn: Connection = {
      id: nextConnectionId++,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
    };
    const reader = new FrameReader();
    sockets.add(socket);
    engine.connections.current++;
    engine.connections.totalCreated++;
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      engine.connections.current--;
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of reader.push(chunk)) {
          const req = decode(frame);
          const reply = engine.execute(req.body, conn);
          if (req.moreToCome) continue;
          let out: Buffer[];
          try {
            out = encodeReply(req, reply);
          } catch (err) {
            out = encodeReply(req, errorReply(err));
          }
          // One writev per reply instead of a write per buffer.
          socket.cork();
          for (const buf of out) socket.write(buf);
          socket.uncork();
        }
      } catch {
        // Unparseable frame, unsupported opcode (e.g. OP_COMPRESSED, never advertised): drop the connection.
        socket.destroy();
      }
    });
  };

  let port = options.port ?? 0;
  try {
    for (const host of hosts) {
      const server = net.createServer(serve);
      servers.push(server);
      port = await listen(server, port, host);
    }
  } catch (err) {
    for (const s of servers) s.close();
    throw err;
  }

  const first = hosts[0] ?? '127.0.0.1';
  const uriHost =
    first === '0.0.0.0' || first === '::' ? '127.0.0.1' : first.includes(':') ? `[${first}]` : first;
  let closing: Promise<void> | undefined;
  return {
    port,
    host: first,
    uri: `mongodb://${uriHost}:${port}/`,
    engine,
    close() {
      closing ??= (async () => {
        const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
        for (const socket of sockets) socket.destroy();
        await Promise.all(closed);
      })();
      return closing;
    },
  };
}
