/**
 * When a person gets a classify DM, and what it carries. Pure: the prompt job feeds it the person's mode,
 * timezone, clock, pending sessions and how many DMs they already had today.
 *
 * - daily / weekly: DMs go out only in the person's slot window — from 16:30 local on a weekday (daily) or
 *   Friday (weekly) until local midnight — and carry every session closed so far. One DM per slot.
 * - immediate: a session closed today goes out at once (up to the daily cap); leftovers from earlier days
 *   and reminders wait for the daily slot window, so nobody gets a DM at midnight.
 * - off: nothing, not even reminders; the App Home queue still works.
 * - reminders: one, for sessions prompted at least `reminderAfterMs` ago and still unanswered, at the first
 *   slot after that (with an hour's grace, so a prompt sent at 16:31 is reminded at 16:30 two days later,
 *   not three); it rides in the same DM as new sessions when both are due.
 */
import { localDay, promptSendTime, startOfLocalDay } from '../domain/periods.ts';
import type { PromptMode } from '../domain/types.ts';

/** A reminder may come this much before its exact delay, to land on the slot its prompt came in. */
export const REMINDER_GRACE_MS = 3_600_000;

export interface PendingSession {
  id: string;
  closedAt: Date;
}

export interface RemindableSession {
  id: string;
  firstSentAt: Date;
}

export interface PromptPlanInput {
  mode: PromptMode;
  tz: string;
  now: Date;
  /** Closed, unanswered sessions never prompted. */
  pending: readonly PendingSession[];
  /** Prompted, unanswered sessions not reminded yet. */
  remindable: readonly RemindableSession[];
  reminderAfterMs: number;
  /** Classify DMs this person already got on the local day of `now`. */
  sentToday: number;
  /** PROMPT_DAILY_CAP; daily and weekly modes are held to one regardless. */
  dailyCap: number;
}

export interface PromptPlan {
  send: boolean;
  /** Why nothing is sent (for logs and tests). */
  reason?: 'off' | 'nothing_due' | 'cap_reached';
  /** The recipient's local day: the DM's idempotency key with its sequence number. */
  day: string;
  newIds: string[];
  reminderIds: string[];
}

/** The most DMs a person in this mode may get in one local day. */
export function capFor(mode: PromptMode, dailyCap: number): number {
  return mode === 'immediate' ? Math.max(1, dailyCap) : 1;
}

/** True from today's slot (16:30 local on a slot day) until local midnight. */
export function slotWindowOpen(mode: 'daily' | 'weekly', tz: string, now: Date): boolean {
  const slot = promptSendTime(mode, tz, startOfLocalDay(now, tz));
  return slot !== null && slot.getTime() <= now.getTime() && localDay(slot, tz) === localDay(now, tz);
}

export function planPrompt(input: PromptPlanInput): PromptPlan {
  const { mode, tz, now } = input;
  const day = localDay(now, tz);
  const none = (reason: PromptPlan['reason']): PromptPlan => ({
    send: false,
    reason,
    day,
    newIds: [],
    reminderIds: [],
  });
  if (mode === 'off') return none('off');

  const slotMode = mode === 'weekly' ? 'weekly' : 'daily';
  const windowOpen = slotWindowOpen(slotMode, tz, now);
  const dueBySlot = (from: Date) => {
    if (!windowOpen) return false;
    const at = promptSendTime(slotMode, tz, from);
    return at !== null && at.getTime() <= now.getTime();
  };

  const newDue = input.pending.some((s) =>
    mode === 'immediate' && localDay(s.closedAt, tz) === day ? true : dueBySlot(s.closedAt),
  );
  const reminderIds = input.remindable
    .filter((s) =>
      dueBySlot(new Date(s.firstSentAt.getTime() + Math.max(0, input.reminderAfterMs - REMINDER_GRACE_MS))),
    )
    .map((s) => s.id);

  if (!newDue && reminderIds.length === 0) return none('nothing_due');
  if (input.sentToday >= capFor(mode, input.dailyCap)) return none('cap_reached');
  // Once a DM goes out it carries every session closed so far: fewer DMs, nothing left behind.
  return { send: true, day, newIds: input.pending.map((s) => s.id), reminderIds };
}
