import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string, name = 'ai-roi'): Logger {
  return pino({ name, level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Bolt wants its own Logger interface; route it into the same pino logger. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  return {
    debug: (...msg) => child.debug(msg.map(String).join(' ')),
    info: (...msg) => child.info(msg.map(String).join(' ')),
    warn: (...msg) => child.warn(msg.map(String).join(' ')),
    error: (...msg) => child.error(msg.map(String).join(' ')),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
