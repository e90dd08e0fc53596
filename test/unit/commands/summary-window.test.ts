import { describe, expect, it } from 'vitest';
import { periodRange } from '../../../src/domain/periods.ts';
import { comparisonWindow, dayRangeLabel } from '../../../src/reports/summary.ts';

describe('summary comparison window', () => {
  it('a running month is compared with the same days of the previous month', () => {
    const now = new Date('2025-12-12T12:00:00Z');
    const window = comparisonWindow(periodRange('month', now, 'UTC'), now);
    expect(window).toMatchObject({ startDay: '2025-11-01', endDay: '2025-11-13', label: 'Nov 1–12' });
    expect(window.start.toISOString()).toBe('2025-11-01T00:00:00.000Z');
    expect(window.end.toISOString()).toBe('2025-11-13T00:00:00.000Z');
  });

  it('uses local days: the window ends at local midnight', () => {
    const now = new Date('2025-12-12T06:00:00Z'); // Dec 11 22:00 in Los Angeles
    const window = comparisonWindow(periodRange('month', now, 'America/Los_Angeles'), now);
    expect(window).toMatchObject({ endDay: '2025-11-12', label: 'Nov 1–11' });
    expect(window.end.toISOString()).toBe('2025-11-12T08:00:00.000Z');
  });

  it('March 31 against February compares with all of February', () => {
    const now = new Date('2026-03-31T12:00:00Z');
    const window = comparisonWindow(periodRange('month', now, 'UTC'), now);
    expect(window).toMatchObject({ startDay: '2026-02-01', endDay: '2026-03-01', label: 'February' });
  });

  it('a running week: the same weekdays of the week before', () => {
    const now = new Date('2025-12-10T12:00:00Z'); // Wednesday
    const window = comparisonWindow(periodRange('week', now, 'UTC'), now);
    expect(window).toMatchObject({ startDay: '2025-12-01', endDay: '2025-12-04', label: 'Dec 1–3' });
  });

  it('past periods and 30 days compare with the whole previous period', () => {
    const now = new Date('2025-12-12T12:00:00Z');
    expect(comparisonWindow(periodRange('2025-11', now, 'UTC'), now)).toMatchObject({
      startDay: '2025-10-01',
      endDay: '2025-11-01',
      label: 'October',
    });
    expect(comparisonWindow(periodRange('30d', now, 'UTC'), now)).toMatchObject({
      startDay: '2025-10-14',
      endDay: '2025-11-13',
      label: 'the 30 days before',
    });
  });

  it('labels day ranges compactly', () => {
    expect(dayRangeLabel('2025-11-01', '2025-11-12')).toBe('Nov 1–12');
    expect(dayRangeLabel('2025-11-28', '2025-12-04')).toBe('Nov 28–Dec 4');
    expect(dayRangeLabel('2025-11-01', '2025-11-01')).toBe('Nov 1');
  });
});
