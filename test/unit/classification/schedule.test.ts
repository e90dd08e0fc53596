import { describe, expect, it } from 'vitest';
import {
  capFor,
  type PromptPlanInput,
  planPrompt,
  slotWindowOpen,
} from '../../../src/classification/schedule.ts';

const HOUR = 3_600_000;
// Monday 13 January 2025. Berlin is UTC+1 in January: the 16:30 slot is 15:30 UTC.
const MON = (utc: string) => new Date(`2025-01-13T${utc}Z`);
const at = (iso: string) => new Date(iso);

function plan(overrides: Partial<PromptPlanInput>) {
  return planPrompt({
    mode: 'daily',
    tz: 'Europe/Berlin',
    now: MON('15:35:00'),
    pending: [],
    remindable: [],
    reminderAfterMs: 48 * HOUR,
    sentToday: 0,
    dailyCap: 3,
    ...overrides,
  });
}

describe('slotWindowOpen', () => {
  it('opens at 16:30 local on weekdays and closes at local midnight', () => {
    expect(slotWindowOpen('daily', 'Europe/Berlin', MON('15:29:59'))).toBe(false);
    expect(slotWindowOpen('daily', 'Europe/Berlin', MON('15:30:00'))).toBe(true);
    expect(slotWindowOpen('daily', 'Europe/Berlin', MON('22:59:00'))).toBe(true);
    // 00:10 Tuesday in Berlin.
    expect(slotWindowOpen('daily', 'Europe/Berlin', MON('23:10:00'))).toBe(false);
    // Saturday 18 January, 17:00 Berlin.
    expect(slotWindowOpen('daily', 'Europe/Berlin', at('2025-01-18T16:00:00Z'))).toBe(false);
  });

  it('follows the person’s timezone', () => {
    // 16:35 in Berlin is 10:35 in New York.
    expect(slotWindowOpen('daily', 'America/New_York', MON('15:35:00'))).toBe(false);
    expect(slotWindowOpen('daily', 'America/New_York', MON('21:35:00'))).toBe(true);
  });

  it('weekly opens on Fridays only', () => {
    expect(slotWindowOpen('weekly', 'UTC', MON('16:35:00'))).toBe(false);
    expect(slotWindowOpen('weekly', 'UTC', at('2025-01-17T16:35:00Z'))).toBe(true);
  });
});

describe('planPrompt', () => {
  it('daily: sends every pending session once the slot window is open', () => {
    const pending = [
      { id: 'a', closedAt: MON('08:00:00') },
      { id: 'b', closedAt: MON('15:31:00') },
    ];
    expect(plan({ pending, now: MON('15:00:00') })).toMatchObject({ send: false, reason: 'nothing_due' });
    expect(plan({ pending, now: MON('15:35:00') })).toMatchObject({
      send: true,
      day: '2025-01-13',
      newIds: ['a', 'b'],
    });
  });

  it('daily: a session closed after today’s slot waits for tomorrow’s', () => {
    const pending = [{ id: 'late', closedAt: MON('17:00:00') }];
    expect(plan({ pending, now: MON('17:05:00') }).send).toBe(false);
    expect(plan({ pending, now: at('2025-01-14T15:31:00Z') }).send).toBe(true);
  });

  it('daily: never a second DM on the same local day', () => {
    const pending = [{ id: 'a', closedAt: MON('08:00:00') }];
    expect(plan({ pending, sentToday: 1 })).toMatchObject({ send: false, reason: 'cap_reached' });
    expect(capFor('daily', 10)).toBe(1);
    expect(capFor('weekly', 10)).toBe(1);
    expect(capFor('immediate', 3)).toBe(3);
  });

  it('daily: nothing at night, even for sessions left over', () => {
    const pending = [{ id: 'a', closedAt: MON('08:00:00') }];
    // 00:05 Tuesday in Berlin.
    expect(plan({ pending, now: MON('23:05:00') }).send).toBe(false);
  });

  it('immediate: a session closed today goes at once, up to the cap', () => {
    const pending = [{ id: 'a', closedAt: MON('09:00:00') }];
    expect(plan({ mode: 'immediate', pending, now: MON('09:01:00') })).toMatchObject({
      send: true,
      newIds: ['a'],
    });
    expect(plan({ mode: 'immediate', pending, now: MON('09:01:00'), sentToday: 3 })).toMatchObject({
      send: false,
      reason: 'cap_reached',
    });
  });

  it('immediate: leftovers from an earlier day wait for the daily slot, not midnight', () => {
    const pending = [{ id: 'old', closedAt: MON('20:00:00') }];
    const tuesday = (utc: string) => at(`2025-01-14T${utc}Z`);
    expect(plan({ mode: 'immediate', pending, now: tuesday('00:05:00') }).send).toBe(false);
    expect(plan({ mode: 'immediate', pending, now: tuesday('15:31:00') }).send).toBe(true);
  });

  it('weekly: Friday slot only', () => {
    const pending = [{ id: 'a', closedAt: MON('08:00:00') }];
    expect(plan({ mode: 'weekly', pending }).send).toBe(false);
    expect(plan({ mode: 'weekly', pending, now: at('2025-01-17T15:35:00Z') }).send).toBe(true);
  });

  it('off: nothing, reminders included', () => {
    const result = plan({
      mode: 'off',
      pending: [{ id: 'a', closedAt: MON('08:00:00') }],
      remindable: [{ id: 'r', firstSentAt: at('2025-01-06T15:30:00Z') }],
    });
    expect(result).toMatchObject({ send: false, reason: 'off' });
  });

  it('reminders: one slot after the reminder delay, riding with new sessions', () => {
    const remindable = [{ id: 'r', firstSentAt: MON('15:30:00') }];
    const wednesday = (utc: string) => at(`2025-01-15T${utc}Z`);
    // 48 h after Monday 16:30 is Wednesday 16:30.
    expect(plan({ remindable, now: at('2025-01-14T15:35:00Z') }).send).toBe(false);
    expect(plan({ remindable, now: wednesday('15:35:00') })).toMatchObject({
      send: true,
      newIds: [],
      reminderIds: ['r'],
    });
    const withNew = plan({
      remindable,
      pending: [{ id: 'n', closedAt: wednesday('09:00:00') }],
      now: wednesday('15:35:00'),
    });
    expect(withNew).toMatchObject({ send: true, newIds: ['n'], reminderIds: ['r'] });
  });

  it('reminders: a prompt sent just after the slot is reminded at the same slot two days later', () => {
    const remindable = [{ id: 'r', firstSentAt: MON('15:34:00') }];
    expect(plan({ remindable, now: at('2025-01-15T15:31:00Z') })).toMatchObject({
      send: true,
      reminderIds: ['r'],
    });
    // Hours late (the app was down) it waits for the next slot rather than coming early.
    const late = [{ id: 'r', firstSentAt: MON('20:00:00') }];
    expect(plan({ remindable: late, now: at('2025-01-15T15:31:00Z') }).send).toBe(false);
    expect(plan({ remindable: late, now: at('2025-01-16T15:31:00Z') }).send).toBe(true);
  });

  it('reminders: a new session alone does not pull in reminders that are not due', () => {
    const result = plan({
      pending: [{ id: 'n', closedAt: MON('08:00:00') }],
      remindable: [{ id: 'r', firstSentAt: at('2025-01-12T15:30:00Z') }],
    });
    expect(result).toMatchObject({ send: true, newIds: ['n'], reminderIds: [] });
  });
});
