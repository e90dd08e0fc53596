/**
 * Every reliability file runs with outgoing connections limited to loopback: a fuzzed response_url or webhook
 * field can never make the service (which runs in this process) reach the network. Refused attempts are counted.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/i;

export const refusedConnections: string[] = [];

const original = net.Socket.prototype.connect;

function targetHost(args: unknown[]): string | undefined {
  // net.connect passes normalised arguments: [[options, callback]].
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (first && typeof first === 'object') {
    const options = first as { host?: string; path?: string };
    if (options.path) return undefined; // IPC socket
    return options.host ?? 'localhost';
  }
  if (typeof first === 'number' || typeof first === 'string') {
    if (typeof first === 'string' && Number.isNaN(Number(first))) return undefined; // IPC path
    return typeof args[1] === 'string' ? args[1] : 'localhost';
  }
  return undefined;
}

net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = targetHost(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    refusedConnections.push(host);
    process.nextTick(() =>
      this.destroy(new Error(`reliability suite: connection to ${host} refused (loopback only)`)),
    );
    return this;
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
