import type { Doc } from './values.ts';

/** A command failure that is sent back as `{ ok: 0, errmsg, code, codeName, ...extra }`. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Doc = {},
  ) {
    super(message);
  }
}

export const badValue = (msg: string) => new CommandError(2, 'BadValue', msg);
export const nsNotFound = (ns: string) =>
  new CommandError(26, 'NamespaceNotFound', `ns does not exist: ${ns}`);
export const tooLarge = (size: number) =>
  new CommandError(
    10334,
    'BSONObjectTooLarge',
    `BSONObjectTooLarge: object to insert too large. size in bytes: ${size}, max size: 16777216`,
  );

/** Converts anything thrown while executing a command into an error reply document. */
export function errorReply(err: unknown): Doc {
  if (err instanceof CommandError) {
    return { ok: 0, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.extra };
  }
  const msg = err instanceof Error ? err.message : String(err);
  // mingo raises MingoError for invalid operators/expressions: report them as BadValue like the server.
  if (err instanceof Error && err.constructor.name === 'MingoError') {
    if (msg.includes("immutable field '_id'"))
      return { ok: 0, errmsg: msg, code: 66, codeName: 'ImmutableField' };
    if (msg.includes('unregistered pipeline operator'))
      return { ok: 0, errmsg: msg, code: 40324, codeName: 'Location40324' };
    return { ok: 0, errmsg: msg, code: 2, codeName: 'BadValue' };
  }
  return { ok: 0, errmsg: msg, code: 1, codeName: 'InternalError' };
}

/** Formats a write error entry (`writeErrors[i]`) from a thrown error. */
export function writeError(index: number, err: unknown): Doc {
  const { ok: _ok, codeName: _name, ...rest } = errorReply(err);
  return { index, ...rest };
}
