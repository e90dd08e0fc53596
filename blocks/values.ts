/**
 * What the builders put into `value`, `block_id` and `private_metadata`, and how listeners read it back.
 * Decoders treat their input as untrusted (Slack echoes what the client sends): anything malformed → undefined.
 */
import { SESSION_CLASSES, type SessionClass } from '../src/domain/types.ts';
import { ACTIONS } from '../src/ids.ts';
import { LIMITS } from './limits.ts';

const SESSION_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

const isSessionId = (v: unknown): v is string => typeof v === 'string' && SESSION_ID.test(v);
const isClass = (v: unknown): v is SessionClass =>
  typeof v === 'string' && (SESSION_CLASSES as readonly string[]).includes(v);

function parseObject(raw: unknown): Record<string, unknown> | undefined {
  if (typeof raw !== 'string' || raw.length > LIMITS.buttonValue) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// --- one session -------------------------------------------------------------------------------------------

export type SessionOp = 'note' | 'home' | 'undo';

/** Value of a per-session control: a class button (`class`), an overflow option or undo (`op`). */
export interface SessionActionValue {
  sessionId: string;
  class?: SessionClass;
  op?: SessionOp;
}

export function encodeSessionAction(value: SessionActionValue): string {
  return JSON.stringify({
    s: value.sessionId,
    ...(value.class ? { c: value.class } : {}),
    ...(value.op ? { o: value.op } : {}),
  });
}

export function decodeSessionAction(raw: unknown): SessionActionValue | undefined {
  const o = parseObject(raw);
  if (!o || !isSessionId(o.s)) return undefined;
  const out: SessionActionValue = { sessionId: o.s };
  if (o.c !== undefined) {
    if (!isClass(o.c)) return undefined;
    out.class = o.c;
  }
  if (o.o !== undefined) {
    if (o.o !== 'note' && o.o !== 'home' && o.o !== 'undo') return undefined;
    out.op = o.o;
  }
  return out;
}

/** The class a classify button stands for, from its action_id (`classify_productive` → productive). */
export function classFromActionId(actionId: string): SessionClass | undefined {
  if (actionId === ACTIONS.classifyProductive || actionId === ACTIONS.bulkClassifyProductive)
    return 'productive';
  if (actionId === ACTIONS.classifyExploratory || actionId === ACTIONS.bulkClassifyExploratory)
    return 'exploratory';
  if (actionId === ACTIONS.classifyWasteful || actionId === ACTIONS.bulkClassifyWasteful) return 'wasteful';
  return undefined;
}

export const CLASSIFY_ACTION: Record<SessionClass, string> = {
  productive: ACTIONS.classifyProductive,
  exploratory: ACTIONS.classifyExploratory,
  wasteful: ACTIONS.classifyWasteful,
};

export const BULK_CLASSIFY_ACTION: Record<SessionClass, string> = {
  productive: ACTIONS.bulkClassifyProductive,
  exploratory: ACTIONS.bulkClassifyExploratory,
  wasteful: ACTIONS.bulkClassifyWasteful,
};

// --- many sessions -----------------------------------------------------------------------------------------

/**
 * Which sessions a bulk control covers. Either the listed ids (when they fit in the value), or a query the
 * listener runs for the clicking user: their unclassified sessions that started at or before `startedUpTo`
 * and, if `belowCostUsd` is set, cost less than it.
 */
export type BulkTarget =
  | { class: SessionClass; sessionIds: string[] }
  | { class: SessionClass; startedUpTo: Date; belowCostUsd?: number };

/**
 * Encodes a bulk target within `maxLength` (2000 for buttons, 150 for options). Listed ids fall back to the
 * query form when they do not fit, so callers should pass `fallback`.
 */
export function encodeBulkTarget(
  target: BulkTarget,
  maxLength: number,
  fallback?: { startedUpTo: Date; belowCostUsd?: number },
): string {
  if ('sessionIds' in target) {
    const listed = JSON.stringify({ c: target.class, ids: target.sessionIds });
    if (listed.length <= maxLength || !fallback) return listed;
    return encodeBulkTarget({ class: target.class, ...fallback }, maxLength);
  }
  return JSON.stringify({
    c: target.class,
    u: target.startedUpTo.getTime(),
    ...(target.belowCostUsd !== undefined ? { b: target.belowCostUsd } : {}),
  });
}

export function decodeBulkTarget(raw: unknown): BulkTarget | undefined {
  const o = parseObject(raw);
  if (!o || !isClass(o.c)) return undefined;
  if (o.ids !== undefined) {
    if (!Array.isArray(o.ids) || o.ids.length === 0 || !o.ids.every(isSessionId)) return undefined;
    return { class: o.c, sessionIds: o.ids };
  }
  if (typeof o.u !== 'number' || !Number.isFinite(o.u)) return undefined;
  const out: BulkTarget = { class: o.c, startedUpTo: new Date(o.u) };
  if (o.b !== undefined) {
    if (typeof o.b !== 'number' || !Number.isFinite(o.b) || o.b < 0) return undefined;
    out.belowCostUsd = o.b;
  }
  return out;
}

// --- paging ------------------------------------------------------------------------------------------------

export function encodePage(page: number): string {
  return JSON.stringify({ p: page });
}

export function decodePage(raw: unknown): number | undefined {
  const o = parseObject(raw);
  return o && typeof o.p === 'number' && Number.isInteger(o.p) && o.p >= 0 && o.p < 10_000 ? o.p : undefined;
}

// --- block ids ---------------------------------------------------------------------------------------------

/** `session`/`actions` while unanswered; `classified`/`classified_actions` after (a new id makes clients re-render). */
export type SessionBlockKind = 'session' | 'actions' | 'classified' | 'classified_actions';

const BLOCK_KINDS: readonly SessionBlockKind[] = ['session', 'actions', 'classified', 'classified_actions'];

export function sessionBlockId(kind: SessionBlockKind, sessionId: string): string {
  return `${kind}:${sessionId}`;
}

export function parseSessionBlockId(
  blockId: unknown,
): { kind: SessionBlockKind; sessionId: string } | undefined {
  if (typeof blockId !== 'string') return undefined;
  const at = blockId.indexOf(':');
  if (at < 0) return undefined;
  const kind = blockId.slice(0, at) as SessionBlockKind;
  const sessionId = blockId.slice(at + 1);
  return BLOCK_KINDS.includes(kind) && isSessionId(sessionId) ? { kind, sessionId } : undefined;
}

// --- modal metadata ----------------------------------------------------------------------------------------

/** Carried through the classify modal so the submission handler can also refresh where it was opened from. */
export interface ClassifyModalMetadata {
  sessionId: string;
  /** The prompt message the modal was opened from, to update in place after submission. */
  origin?: { channel: string; ts: string } | 'home';
}

export function encodeModalMetadata(meta: ClassifyModalMetadata): string {
  return JSON.stringify({ s: meta.sessionId, ...(meta.origin ? { o: meta.origin } : {}) });
}

export function decodeModalMetadata(raw: unknown): ClassifyModalMetadata | undefined {
  if (typeof raw !== 'string' || raw.length > LIMITS.view.privateMetadata) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const { s, o: origin } = o as { s?: unknown; o?: unknown };
  if (!isSessionId(s)) return undefined;
  const out: ClassifyModalMetadata = { sessionId: s };
  if (origin === 'home') out.origin = 'home';
  else if (typeof origin === 'object' && origin !== null) {
    const { channel, ts } = origin as { channel?: unknown; ts?: unknown };
    if (typeof channel !== 'string' || typeof ts !== 'string') return undefined;
    out.origin = { channel, ts };
  } else if (origin !== undefined) return undefined;
  return out;
}
