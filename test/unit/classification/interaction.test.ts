import { describe, expect, it } from 'vitest';
import { actionValue, clickTime } from '../../../src/classification/interaction.ts';
import { promptIntro } from '../../../src/classification/prompts.ts';

describe('clickTime', () => {
  const now = new Date('2025-01-13T12:00:00Z');
  it('uses Slack’s action_ts', () => {
    expect(clickTime('1736769000.123456', now).toISOString()).toBe('2025-01-13T11:50:00.123Z');
  });
  it('never goes past our clock and ignores junk', () => {
    expect(clickTime('1999999999.000000', now)).toEqual(now);
    expect(clickTime('soon', now)).toEqual(now);
    expect(clickTime(undefined, now)).toEqual(now);
    expect(clickTime(42, now)).toEqual(now);
  });
});

describe('actionValue', () => {
  it('reads button values and selected options', () => {
    expect(actionValue({ value: 'v' })).toBe('v');
    expect(actionValue({ selected_option: { value: 'o' } })).toBe('o');
    expect(actionValue({})).toBeUndefined();
    expect(actionValue(null)).toBeUndefined();
  });
});

describe('promptIntro', () => {
  it('is the builder default without reminders', () => {
    expect(promptIntro({ newCount: 3, reminderCount: 0, totalUsd: 10 })).toBeUndefined();
  });
  it('says it is the only reminder', () => {
    const alone = promptIntro({ newCount: 0, reminderCount: 2, totalUsd: 12.5 });
    expect(alone).toContain('gentle reminder');
    expect(alone).toContain('2 sessions');
    expect(alone).toContain('only reminder');
    const mixed = promptIntro({ newCount: 1, reminderCount: 1, totalUsd: 3 });
    expect(mixed).toContain('1 new session');
    expect(mixed).toContain('1 session from earlier still has');
  });
});
