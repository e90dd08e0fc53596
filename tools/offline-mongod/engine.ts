// Command dispatcher: routes a decoded command document to its handler and shapes error replies.
import type { Query } from 'mingo';
import { adminCommands } from './commands/admin.ts';
import { crudCommands } from './commands/crud.ts';
import { ddlCommands } from './commands/ddl.ts';
import { Cursors } from './cursors.ts';
import { CommandError, errorReply } from './errors.ts';
import { Store } from './store.ts';
import { clone, type Doc } from './values.ts';

export interface Connection {
  id: number;
  remote: string;
}

export interface Ctx {
  engine: Engine;
  db: string;
  conn: Connection;
}

export type Handler = (cmd: Doc, ctx: Ctx) => Doc;
export type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;

const HANDLERS: Record<string, Handler> = { ...adminCommands, ...crudCommands, ...ddlCommands };

export class Engine {
  readonly store = new Store();
  readonly cursors = new Cursors();
  readonly startedAt = Date.now();
  readonly connections = { current: 0, totalCreated: 0 };
  argv: string[] = [];
  /** Set by the network layer; invoked by the `shutdown` command. */
  onShutdown: (() => void) | undefined;

  commandNames(): string[] {
    return Object.keys(HANDLERS);
  }

  /** mingo options for a database: `_id` identity and `$lookup`/`$graphLookup` across its collections. */
  mingo(db: string, extra: Partial<MingoOptions> = {}): Partial<MingoOptions> {
    return {
      idKey: '_id',
      collectionResolver: (name: string) => (this.store.get(db, name)?.all() ?? []).map(clone),
      ...extra,
    };
  }

  /** Executes one command synchronously (no awaits, so every command is atomic). */
  execute(body: Doc, conn: Connection): Doc {
    const name = Object.keys(body)[0] ?? '';
    try {
      if (body.txnNumber !== undefined || body.startTransaction !== undefined) {
        throw new CommandError(
          20,
          'IllegalOperation',
          'Transaction numbers are only allowed on a replica set member or mongos',
        );
      }
      const handler = HANDLERS[name];
      if (!handler) throw new CommandError(59, 'CommandNotFound', `no such command: '${name}'`);
      const db = typeof body.$db === 'string' && body.$db ? body.$db : 'test';
      return handler(body, { engine: this, db, conn });
    } catch (err) {
      return errorReply(err);
    }
  }
}
