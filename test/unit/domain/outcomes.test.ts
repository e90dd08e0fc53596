import { describe, expect, it } from 'vitest';
import {
  calibration,
  costPerOutcome,
  type OutcomeForCost,
  type SessionForOutcomes,
} from '../../../src/domain/outcomes.ts';

const d = (day: number, hour = 12) => new Date(Date.UTC(2025, 11, day, hour));
const nov = (day: number) => new Date(Date.UTC(2025, 10, day, 12));

// Hand-computed dataset (see comments for each outcome's cost).
const outcomes: OutcomeForCost[] = [
  { id: 'o1', kind: 'linear_issue', ref: 'ENG-1', state: 'completed', completedAt: d(3, 0), title: 'Login' }, // 15 + 20 = 35
  { id: 'o2', kind: 'pr', ref: 'acme/api#10', state: 'merged', completedAt: d(4) }, // 15
  { id: 'o3', kind: 'linear_issue', ref: 'ENG-2', state: 'completed', completedAt: d(6) }, // 20 + 10 = 30
  { id: 'o4', kind: 'linear_issue', ref: 'ENG-3', state: 'completed', completedAt: nov(20) }, // before the period
  { id: 'o5', kind: 'linear_issue', ref: 'ENG-4', state: 'canceled', completedAt: d(5) }, // not shipped
  { id: 'o6', kind: 'linear_issue', ref: 'ENG-5', state: 'completed', completedAt: d(7) }, // no AI sessions
  { id: 'o7', kind: 'manual', ref: 'launch', state: 'shipped', completedAt: d(2), sessionIds: ['s7'] }, // 12
];

const sessions: SessionForOutcomes[] = [
  { id: 's1', costUsd: 30, class: 'productive', endedAt: d(2), outcomeIds: ['o1', 'o2'] },
  { id: 's2', costUsd: 20, class: 'productive', endedAt: d(3), outcomeIds: ['o1'] },
  { id: 's3', costUsd: 60, class: 'wasteful', endedAt: d(5), outcomeIds: ['o3', 'o4', 'o5'] },
  { id: 's4', costUsd: 40, class: 'productive', endedAt: d(6), outcomeIds: [] },
  { id: 's5', costUsd: 10, class: 'productive', endedAt: nov(25), outcomeIds: ['o3'] },
  { id: 's6', costUsd: 8, class: 'wasteful', endedAt: d(4), outcomeIds: ['o5'] },
  // linked only from the outcome's side
  { id: 's7', costUsd: 12, class: 'exploratory', endedAt: d(1, 10), outcomeIds: [] },
];

const period = { start: d(1, 0), end: d(8, 0) };

describe('costPerOutcome', () => {
  const result = costPerOutcome({ sessions, outcomes, period });

  it('splits each session evenly over its outcomes and sums per outcome', () => {
    expect(result.perOutcome.map((o) => [o.ref, o.costUsd, o.sessionCount])).toEqual([
      ['ENG-1', 35, 2],
      ['ENG-2', 30, 2],
      ['acme/api#10', 15, 1],
      ['launch', 12, 1],
    ]);
    expect(result.perOutcome[0]).toMatchObject({ title: 'Login', kind: 'linear_issue' });
  });

  it('cost per completed issue, per merged PR, per manual outcome and overall', () => {
    expect(result.issues).toEqual({ count: 2, withoutAi: 1, costUsd: 65, costPerOutcome: 32.5 });
    expect(result.prs).toEqual({ count: 1, withoutAi: 0, costUsd: 15, costPerOutcome: 15 });
    expect(result.manual).toEqual({ count: 1, withoutAi: 0, costUsd: 12, costPerOutcome: 12 });
    expect(result.all).toEqual({ count: 4, withoutAi: 1, costUsd: 92, costPerOutcome: 23 });
  });

  it('share of spend linked to any shipped outcome, over sessions that ended in the period', () => {
    // In period: s1 30, s2 20, s3 60, s4 40, s6 8, s7 12 = 170; linked: s1, s2, s3, s7 = 122.
    expect(result.totalSpendUsd).toBe(170);
    expect(result.linkedSpendUsd).toBe(122);
    expect(result.linkedShare).toBeCloseTo(122 / 170, 10);
  });

  it('empty inputs give nulls, not zeros or NaN', () => {
    const empty = costPerOutcome({ sessions: [], outcomes: [], period });
    expect(empty.all).toEqual({ count: 0, withoutAi: 0, costUsd: 0, costPerOutcome: null });
    expect(empty.linkedShare).toBeNull();
  });

  it('a reopened outcome is not shipped', () => {
    const reopened = costPerOutcome({
      sessions: [{ id: 'a', costUsd: 10, endedAt: d(2), outcomeIds: ['x'] }],
      outcomes: [{ id: 'x', kind: 'linear_issue', ref: 'ENG-9', state: 'reopened' }],
      period,
    });
    expect(reopened.all.count).toBe(0);
    expect(reopened.linkedSpendUsd).toBe(0);
  });
});

describe('calibration', () => {
  it('shares by count and by cost, with pending sessions left out', () => {
    const result = calibration({ sessions, outcomes, withinDays: 7, now: d(10) });
    // Productive: s1 (o1 shipped Dec 3), s2 (o1 shipped before it ended), s5 (o3 shipped 11 days later: too late);
    // s4 has no link and its window is still open → pending.
    expect(result.productive).toEqual({
      sessions: 3,
      shipped: 2,
      shippedShare: 2 / 3,
      costUsd: 60,
      shippedCostUsd: 50,
      shippedCostShare: 50 / 60,
      pending: 1,
    });
    // Wasteful: s3 shipped anyway (o3 Dec 6); s6 only has a canceled issue, window open → pending.
    expect(result.wasteful).toEqual({
      sessions: 1,
      shipped: 1,
      shippedShare: 1,
      costUsd: 60,
      shippedCostUsd: 60,
      shippedCostShare: 1,
      pending: 1,
    });
    expect(result.withinDays).toBe(7);
  });

  it('without now, every rated session is judged', () => {
    const result = calibration({ sessions, outcomes, withinDays: 7 });
    expect(result.productive).toMatchObject({
      sessions: 4,
      shipped: 2,
      costUsd: 100,
      shippedCostUsd: 50,
      pending: 0,
    });
    expect(result.wasteful).toMatchObject({ sessions: 2, shipped: 1, shippedShare: 0.5, pending: 0 });
  });

  it('shipping exactly at the deadline counts', () => {
    const result = calibration({
      sessions: [{ id: 'a', costUsd: 5, class: 'productive', endedAt: d(1), outcomeIds: ['x'] }],
      outcomes: [{ id: 'x', kind: 'pr', ref: 'acme/api#1', state: 'merged', completedAt: d(3) }],
      withinDays: 2,
    });
    expect(result.productive.shipped).toBe(1);
  });

  it('no rated sessions → null shares', () => {
    const result = calibration({ sessions: [], outcomes: [], withinDays: 14 });
    expect(result.productive.shippedShare).toBeNull();
    expect(result.productive.shippedCostShare).toBeNull();
  });
});
