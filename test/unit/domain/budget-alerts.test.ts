import { describe, expect, it } from 'vitest';
import { alertSentence, crossedThresholds } from '../../../src/domain/budget-alerts.ts';

describe('crossedThresholds', () => {
  const thresholds = [50, 80, 100];
  it.each([
    ['nothing crossed', 40, 49.9, [], []],
    ['one crossed', 45, 52, [], [50]],
    ['landing exactly on a threshold crosses it', 79, 80, [50], [80]],
    ['several at once, ascending', 40, 110, [], [50, 80, 100]],
    ['already sent is never repeated', 40, 85, [50], [80]],
    ['not crossed upward when already above', 85, 90, [], []],
    ['spend going down crosses nothing', 90, 70, [], []],
    ['first reading of the period starts at 0', null, 60, [], [50]],
    ['all sent', 0, 200, [50, 80, 100], []],
  ] as const)('%s', (_name, previousPct, currentPct, alreadySent, expected) => {
    expect(crossedThresholds({ thresholds, previousPct, currentPct, alreadySent })).toEqual(expected);
  });

  it('ignores duplicate, unordered and invalid thresholds', () => {
    expect(
      crossedThresholds({
        thresholds: [100, 50, 50, 0, -5, Number.NaN],
        previousPct: 0,
        currentPct: 120,
        alreadySent: [],
      }),
    ).toEqual([50, 100]);
  });
});

describe('alertSentence', () => {
  const december = { kind: 'month' as const, shortLabel: 'December' };

  it('reads like the product example', () => {
    expect(
      alertSentence({
        team: 'Payments',
        thresholdPct: 80,
        budgetUsd: 2000,
        period: december,
        dayOfPeriod: 12,
        runOutDay: '2025-12-19',
      }),
    ).toBe(
      'Payments has used 80% of its $2,000 December AI budget on day 12; at this rate it runs out on Dec 19.',
    );
  });

  it('says when the budget lasts the period', () => {
    expect(
      alertSentence({
        team: 'Payments',
        thresholdPct: 50,
        budgetUsd: 2000,
        period: december,
        dayOfPeriod: 20,
        runOutDay: null,
        projectedUsd: 1850,
      }),
    ).toBe(
      'Payments has used 50% of its $2,000 December AI budget on day 20; at this rate it ends the month at $1,850, within budget.',
    );
  });

  it('says when it has run out', () => {
    expect(
      alertSentence({
        team: 'Payments',
        thresholdPct: 100,
        budgetUsd: 2000,
        period: december,
        dayOfPeriod: 27,
        runOutDay: '2025-12-26',
        exhausted: true,
      }),
    ).toBe('Payments has used 100% of its $2,000 December AI budget on day 27; it ran out on Dec 26.');
  });

  it('weekly budgets', () => {
    expect(
      alertSentence({
        team: 'Mobile',
        thresholdPct: 80,
        budgetUsd: 500,
        period: { kind: 'week', shortLabel: 'week of Dec 8' },
        dayOfPeriod: 4,
        runOutDay: '2025-12-13',
      }),
    ).toBe('Mobile has used 80% of its $500 weekly AI budget on day 4; at this rate it runs out on Dec 13.');
  });

  it('without a projection it simply stops', () => {
    expect(
      alertSentence({
        team: 'Ops',
        thresholdPct: 50,
        budgetUsd: 100,
        period: december,
        dayOfPeriod: 3,
        runOutDay: null,
      }),
    ).toBe('Ops has used 50% of its $100 December AI budget on day 3.');
  });
});
