/**
 * Recording a class on a session: last write wins, every change leaves an audit entry,
 * and the values carried by Slack buttons are checked before anything is written.
 */

import type { Classification, ClassificationAudit, SessionClass } from './types.ts';
import { SESSION_CLASSES } from './types.ts';

/** Audit entries kept per session; the oldest are dropped beyond this. */
export const MAX_CLASSIFICATION_HISTORY = 100;

export interface ClassificationState {
  classification?: Classification;
  history: ClassificationAudit[];
  /** False when the write changed nothing (a repeated click); nothing needs saving or posting. */
  changed: boolean;
  /** True when the write was older than the recorded answer and therefore lost (it is still audited). */
  stale: boolean;
}

function sameAnswer(a: Classification, b: Classification): boolean {
  return a.class === b.class && a.by === b.by && a.userId === b.userId && (a.note ?? '') === (b.note ?? '');
}

function appendHistory(
  history: readonly ClassificationAudit[],
  entry: ClassificationAudit,
): ClassificationAudit[] {
  return [...history, entry].slice(-MAX_CLASSIFICATION_HISTORY);
}

/**
 * Applies `next` to a session's classification. Writes are ordered by their `at`
 * (ties go to the incoming write), so a click that was processed late, e.g. on a
 * second instance, cannot overwrite a newer answer: it is kept in the audit with
 * `stale: true` in the result. Repeating the current answer changes nothing.
 */
export function applyClassification(
  current: Classification | undefined,
  history: readonly ClassificationAudit[],
  next: Classification,
): ClassificationState {
  if (current && sameAnswer(current, next)) {
    return { classification: current, history: [...history], changed: false, stale: false };
  }
  if (current && next.at.getTime() < current.at.getTime()) {
    const entry: ClassificationAudit = { ...next, previous: current.class };
    return { classification: current, history: appendHistory(history, entry), changed: true, stale: true };
  }
  const entry: ClassificationAudit = current ? { ...next, previous: current.class } : { ...next };
  return { classification: { ...next }, history: appendHistory(history, entry), changed: true, stale: false };
}

/** Undo: the session goes back to unclassified; the removed answer is audited with `undone: true`. */
export function undoClassification(
  current: Classification | undefined,
  history: readonly ClassificationAudit[],
  by: { userId: string; by: Classification['by']; at: Date },
): ClassificationState {
  if (!current) return { history: [...history], changed: false, stale: false };
  const entry: ClassificationAudit = {
    class: current.class,
    by: by.by,
    userId: by.userId,
    at: by.at,
    previous: current.class,
    undone: true,
  };
  return { history: appendHistory(history, entry), changed: true, stale: false };
}

export function isSessionClass(value: unknown): value is SessionClass {
  return typeof value === 'string' && (SESSION_CLASSES as readonly string[]).includes(value);
}

export type ClassValueResult = { ok: true; class: SessionClass } | { ok: false; problem: string };

/** Accepts exactly one of the three classes (any case, surrounding space ignored). */
export function validateClassValue(value: unknown): ClassValueResult {
  if (typeof value !== 'string') return { ok: false, problem: 'class must be text' };
  const normalised = value.trim().toLowerCase();
  if (isSessionClass(normalised)) return { ok: true, class: normalised };
  return { ok: false, problem: `"${value.slice(0, 40)}" is not a class; use ${SESSION_CLASSES.join(', ')}` };
}

const OBJECT_ID = /^[0-9a-f]{24}$/;

export function isObjectIdHex(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}

/** Slack's limit for option values, the tightest place these values travel. */
export const MAX_ACTION_VALUE_LENGTH = 150;
const VALUE_PREFIX = 'c1';

export interface ClassifyValue {
  sessionId: string;
  class: SessionClass;
}

/** "c1:<24-hex session id>:<class>", e.g. "c1:65f0…a1:productive" (≤ 150 characters). */
export function encodeClassifyValue(value: ClassifyValue): string {
  if (!isObjectIdHex(value.sessionId)) throw new RangeError('sessionId must be a 24-character hex ObjectId');
  if (!isSessionClass(value.class)) throw new RangeError(`unknown class: ${String(value.class)}`);
  return `${VALUE_PREFIX}:${value.sessionId}:${value.class}`;
}

/** The session and class of a button value, or null for anything tampered, truncated or unknown. */
export function decodeClassifyValue(raw: unknown): ClassifyValue | null {
  if (typeof raw !== 'string' || raw.length > MAX_ACTION_VALUE_LENGTH) return null;
  const parts = raw.split(':');
  if (parts.length !== 3 || parts[0] !== VALUE_PREFIX) return null;
  const [, sessionId, cls] = parts;
  if (!isObjectIdHex(sessionId) || !isSessionClass(cls)) return null;
  return { sessionId, class: cls };
}

/** Value for controls that name only a session (undo, overflow, note): "s1:<24-hex id>". */
export function encodeSessionValue(sessionId: string): string {
  if (!isObjectIdHex(sessionId)) throw new RangeError('sessionId must be a 24-character hex ObjectId');
  return `s1:${sessionId}`;
}

export function decodeSessionValue(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > MAX_ACTION_VALUE_LENGTH) return null;
  const match = /^s1:([0-9a-f]{24})$/.exec(raw);
  return match ? match[1]! : null;
}
