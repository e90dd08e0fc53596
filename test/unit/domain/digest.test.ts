import { describe, expect, it } from 'vitest';
import { buildDigest, type DigestInput } from '../../../src/domain/digest.ts';
import { decodeKey, encodeKey } from '../../../src/domain/field-keys.ts';
import { forecastBudget } from '../../../src/domain/forecast.ts';
import type { OutcomeForCost, SessionForOutcomes } from '../../../src/domain/outcomes.ts';
import { periodRange } from '../../../src/domain/periods.ts';
import type { Budget, ClassOrUnclassified, DailyRollup } from '../../../src/domain/types.ts';

const now = new Date('2025-12-12T12:00:00Z');
const week = periodRange('week', now, 'UTC'); // Dec 8 – Dec 15, previous Dec 1 – Dec 8
const d = (day: number, hour = 12) => new Date(Date.UTC(2025, 11, day, hour));

function row(
  day: string,
  team: string,
  person: string,
  cls: ClassOrUnclassified,
  costUsd: number,
  estimatedCostUsd: number,
  byRepo: Record<string, number> = {},
  byModel: Record<string, number> = {},
): DailyRollup {
  return { day, team, person, class: cls, costUsd, estimatedCostUsd, tokens: 0, byRepo, byModel };
}

const current: DailyRollup[] = [
  row(
    '2025-12-08',
    'Payments',
    'U_ANA',
    'productive',
    100,
    100,
    { 'acme/api': 80, 'acme/web': 20 },
    { 'claude-sonnet-4%2E5': 100 },
  ),
  row('2025-12-09', 'Payments', 'U_BEN', 'wasteful', 50, 50, { 'acme/api': 50 }, { 'claude-opus-4': 50 }),
  row('2025-12-09', 'Payments', 'U_CY', 'exploratory', 30, 0, { 'acme/ml': 30 }, { 'claude-opus-4': 30 }),
  row('2025-12-10', 'Payments', 'U_ANA', 'unclassified', 20, 20),
  row('2025-12-10', 'Mobile', 'U_DEE', 'productive', 40, 40, { 'acme/app': 40 }),
  row('2025-12-11', 'Mobile', 'U_EVE', 'wasteful', 10, 10, { 'acme/app': 10 }),
  row('2025-12-11', '', 'unmapped:email:x@y.z', 'unclassified', 50, 50, { 'acme/api': 50 }),
];
const previous: DailyRollup[] = [
  row('2025-12-02', 'Payments', 'U_ANA', 'productive', 150, 150),
  row('2025-12-03', 'Payments', 'U_BEN', 'wasteful', 50, 50),
];
const outside = row('2025-11-20', 'Payments', 'U_ANA', 'productive', 999, 999);

const outcomes: OutcomeForCost[] = [
  {
    id: 'i0',
    kind: 'linear_issue',
    ref: 'ENG-10',
    state: 'completed',
    completedAt: d(4),
    project: 'Checkout',
  },
  {
    id: 'i1',
    kind: 'linear_issue',
    ref: 'ENG-11',
    state: 'completed',
    completedAt: d(9),
    project: 'Checkout',
  },
  { id: 'i2', kind: 'linear_issue', ref: 'MOB-3', state: 'completed', completedAt: d(11), team: 'MOB' },
  {
    id: 'p1',
    kind: 'pr',
    ref: 'acme/api#42',
    state: 'merged',
    completedAt: d(10),
    url: 'https://gh/acme/api/42',
  },
  { id: 'i3', kind: 'linear_issue', ref: 'ENG-12', state: 'completed', completedAt: d(10) },
];
const sessions: SessionForOutcomes[] = [
  {
    id: 'a1',
    person: 'U_ANA',
    team: 'Payments',
    class: 'productive',
    costUsd: 100,
    endedAt: d(8, 15),
    outcomeIds: ['i1', 'p1'],
  },
  {
    id: 'a2',
    person: 'U_DEE',
    team: 'Mobile',
    class: 'productive',
    costUsd: 40,
    endedAt: d(10),
    outcomeIds: ['i2'],
  },
  {
    id: 'a3',
    person: 'U_BEN',
    team: 'Payments',
    class: 'wasteful',
    costUsd: 50,
    endedAt: d(9),
    outcomeIds: [],
  },
  {
    id: 'prev1',
    person: 'U_ANA',
    team: 'Payments',
    class: 'productive',
    costUsd: 150,
    endedAt: d(2),
    outcomeIds: ['i0'],
  },
  {
    id: 'prev2',
    person: 'U_BEN',
    team: 'Payments',
    class: 'wasteful',
    costUsd: 50,
    endedAt: d(3),
    outcomeIds: [],
  },
];
const budget: Budget = {
  amountUsd: 2000,
  period: 'monthly',
  split: { productive: 60, exploratory: 25, wasteful: 15 },
  alertThresholds: [50, 80, 100],
};

function input(overrides: Partial<DigestInput> = {}): DigestInput {
  return {
    period: week,
    previousPeriod: week.previous,
    scope: { kind: 'org' },
    audience: 'leadership',
    rollups: [...current, ...previous, outside],
    outcomes,
    sessionsForOutcomes: sessions,
    budget,
    forecast: null,
    privacyMinGroup: 3,
    calibrationDays: 7,
    now,
    ...overrides,
  };
}

describe('buildDigest (org, leadership)', () => {
  const digest = buildDigest(input());

  it('spend and change vs the previous period', () => {
    expect(digest.spend).toEqual({ totalUsd: 300, previousUsd: 200, changePct: 50 });
    expect(digest.periodStatus).toBe('current');
  });

  it('class mix in dollars and percent, and coverage', () => {
    expect(digest.mix.productive).toEqual({ usd: 140, pct: (140 / 300) * 100 });
    expect(digest.mix.exploratory).toEqual({ usd: 30, pct: 10 });
    expect(digest.mix.wasteful).toEqual({ usd: 60, pct: 20 });
    expect(digest.mix.unclassified.usd).toBe(70);
    expect(digest.coverage.classifiedUsd).toBe(230);
    expect(digest.coverage.pct).toBeCloseTo(76.667, 3);
    expect(digest.previousMix?.wasteful).toEqual({ usd: 50, pct: 25 });
    expect(digest.wastefulTrend).toEqual({ pct: 20, previousPct: 25, changePoints: -5 });
  });

  it('exploratory allowance from the budget split', () => {
    expect(digest.exploratory).toEqual({ allowancePct: 25, actualPct: 10, within: true });
  });

  it('outcomes with AI sessions, cost per issue / PR and change', () => {
    expect(digest.outcomes).toMatchObject({
      issues: 2,
      prs: 1,
      manual: 0,
      total: 3,
      withoutAi: 1,
      costPerIssue: 45,
      costPerPr: 50,
    });
    expect(digest.outcomes.costPerOutcome).toBeCloseTo(140 / 3, 10);
    // Sessions that ended in the week: a1 100 + a2 40 linked, a3 50 not.
    expect(digest.outcomes.linkedPct).toBeCloseTo((140 / 190) * 100, 10);
    expect(digest.previousOutcomes).toMatchObject({ issues: 1, prs: 0, costPerIssue: 150, costPerPr: null });
    expect(digest.outcomeChanges.costPerIssue).toBeCloseTo(-70, 10);
    expect(digest.outcomeChanges.costPerPr).toBeNull();
    expect(digest.outcomeChanges.issues).toBe(100);
  });

  it('calibration judges sessions whose window closed in the period', () => {
    expect(digest.calibration.productive).toMatchObject({ sessions: 1, shipped: 1, shippedCostShare: 1 });
    expect(digest.calibration.wasteful).toMatchObject({ sessions: 1, shipped: 0, shippedShare: 0 });
  });

  it('top wins by AI cost', () => {
    expect(digest.wins.map((w) => [w.ref, w.costUsd])).toEqual([
      ['acme/api#42', 50],
      ['ENG-11', 50],
      ['MOB-3', 40],
    ]);
    expect(digest.wins[0]?.url).toBe('https://gh/acme/api/42');
  });

  it('sinks by repository from wasteful spend; repos and models decoded', () => {
    expect(digest.sinks).toEqual([
      { dimension: 'repo', name: 'acme/api', wastefulUsd: 50, pctOfWasteful: (50 / 60) * 100 },
      { dimension: 'repo', name: 'acme/app', wastefulUsd: 10, pctOfWasteful: (10 / 60) * 100 },
    ]);
    expect(digest.topRepos).toEqual([
      { name: 'acme/api', usd: 180 },
      { name: 'acme/app', usd: 50 },
      { name: 'acme/ml', usd: 30 },
      { name: 'acme/web', usd: 20 },
    ]);
    expect(digest.topModels[0]).toEqual({ name: 'claude-sonnet-4.5', usd: 100 });
  });

  it('cheapest outcome sources', () => {
    expect(digest.outcomeSources.map((s) => [s.name, s.costPerOutcome])).toEqual([
      ['MOB', 40],
      ['acme/api', 50],
      ['Checkout', 50],
    ]);
  });

  it('team breakdown with the privacy floor', () => {
    expect(digest.teams).toHaveLength(2);
    expect(digest.teams[0]).toMatchObject({ team: 'Payments', people: 3, spendUsd: 200 });
    expect(digest.teams[0]?.coveragePct).toBe(90);
    // Mobile (2 people) and no team (1 unmapped identity) are merged.
    expect(digest.teams[1]).toMatchObject({ team: 'other', people: 3, spendUsd: 100, mergedTeams: 2 });
    expect(digest.teams[1]?.mix?.wasteful.usd).toBe(10);
    expect(JSON.stringify(digest)).not.toContain('U_DEE');
  });

  it('provenance: estimated share and who answered', () => {
    expect(digest.provenance).toEqual({
      estimatedUsd: 270,
      estimatedPct: 90,
      billedPct: 10,
      selfReportedPct: (230 / 300) * 100,
      peopleWithSpend: 6,
      peopleAnswered: 5,
    });
  });

  it('daily series for the chart, every day of the period', () => {
    expect(digest.daily).toHaveLength(7);
    expect(digest.daily[1]).toEqual({
      day: '2025-12-09',
      byClass: { productive: 0, exploratory: 30, wasteful: 50, unclassified: 0 },
      totalUsd: 80,
      outcomes: 1,
    });
    expect(digest.daily.map((p) => p.outcomes)).toEqual([0, 1, 1, 1, 0, 0, 0]);
    expect(digest.daily[6]?.totalUsd).toBe(0);
  });

  it('budget: a weekly digest without forecast cannot compare to a monthly budget', () => {
    expect(digest.budget).toEqual({
      amountUsd: 2000,
      period: 'monthly',
      spentUsd: null,
      usedPct: null,
      split: budget.split,
    });
  });
});

describe('buildDigest variations', () => {
  it('uses the forecast for spend vs budget', () => {
    const month = periodRange('month', now, 'UTC');
    const forecast = forecastBudget({
      budget,
      range: month,
      dailySpend: [{ day: '2025-12-02', costUsd: 500 }],
      now,
    });
    const digest = buildDigest(input({ forecast }));
    expect(digest.budget).toMatchObject({ spentUsd: 500, usedPct: 25 });
    expect(digest.forecast).toBe(forecast);
  });

  it('a monthly digest compares directly with a monthly budget', () => {
    const month = periodRange('month', now, 'UTC');
    const digest = buildDigest(input({ period: month, previousPeriod: month.previous }));
    // December rows: current 300 + previous-week rows 200 are all in December.
    expect(digest.spend.totalUsd).toBe(500);
    expect(digest.budget).toMatchObject({ spentUsd: 500, usedPct: 25 });
  });

  it('team scope: only that team’s spend and outcomes', () => {
    const digest = buildDigest(input({ scope: { kind: 'team', team: 'Payments' }, audience: 'team' }));
    expect(digest.spend.totalUsd).toBe(200);
    expect(digest.outcomes).toMatchObject({ issues: 1, prs: 1, total: 2, withoutAi: 0, costPerIssue: 50 });
    expect(digest.teams.map((t) => t.team)).toEqual(['Payments']);
  });

  it('a higher privacy floor merges everyone into "other"', () => {
    const digest = buildDigest(input({ privacyMinGroup: 4 }));
    expect(digest.teams).toEqual([
      expect.objectContaining({ team: 'other', people: 6, mergedTeams: 3, spendUsd: 300 }),
    ]);
  });

  it('"other" below the floor keeps its spend but withholds its mix', () => {
    const rollups = [...current.filter((r) => r.team !== ''), ...previous];
    const digest = buildDigest(input({ rollups }));
    expect(digest.teams[1]).toMatchObject({
      team: 'other',
      people: 2,
      belowFloor: true,
      mix: null,
      coveragePct: null,
    });
  });

  it('empty period: zeros and nulls, never NaN', () => {
    const digest = buildDigest(
      input({ rollups: [], outcomes: [], sessionsForOutcomes: [], budget: null, previousPeriod: null }),
    );
    expect(digest.spend).toEqual({ totalUsd: 0, previousUsd: null, changePct: null });
    expect(digest.mix.productive).toEqual({ usd: 0, pct: null });
    expect(digest.coverage.pct).toBeNull();
    expect(digest.outcomes.costPerIssue).toBeNull();
    expect(digest.budget).toBeNull();
    expect(digest.exploratory).toEqual({ allowancePct: null, actualPct: null, within: null });
    expect(digest.teams).toEqual([]);
    expect(digest.sinks).toEqual([]);
    expect(digest.provenance).toMatchObject({ estimatedPct: null, billedPct: null, peopleWithSpend: 0 });
    expect(JSON.stringify(digest)).not.toContain('NaN');
  });

  it('all unclassified: coverage 0, no sinks', () => {
    const rollups = [row('2025-12-09', 'Payments', 'U_ANA', 'unclassified', 80, 80, { 'acme/api': 80 })];
    const digest = buildDigest(input({ rollups }));
    expect(digest.coverage.pct).toBe(0);
    expect(digest.mix.unclassified.pct).toBe(100);
    expect(digest.sinks).toEqual([]);
    expect(digest.provenance.peopleAnswered).toBe(0);
  });

  it('sinks fall back to models when no repository is known', () => {
    const rollups = [row('2025-12-09', 'Payments', 'U_ANA', 'wasteful', 80, 80, {}, { 'gpt-4%2E1': 80 })];
    expect(buildDigest(input({ rollups })).sinks).toEqual([
      { dimension: 'model', name: 'gpt-4.1', wastefulUsd: 80, pctOfWasteful: 100 },
    ]);
  });

  it('past periods are marked past', () => {
    expect(buildDigest(input({ now: new Date('2025-12-20T00:00:00Z') })).periodStatus).toBe('past');
  });
});

describe('decodeKey', () => {
  it.each([
    ['acme/api', 'acme/api'],
    ['claude-sonnet-4%2E5', 'claude-sonnet-4.5'],
    ['%24weird', '$weird'],
    ['100%25', '100%'],
    ['bad%ZZ', 'bad%ZZ'],
  ])('%s → %s', (key, expected) => {
    expect(decodeKey(key)).toBe(expected);
  });

  it.each(['acme/api', 'claude-sonnet-4.5', '$weird', '100%', 'a.b.c', 'nul\u0000byte'])(
    'round-trips %s',
    (value) => {
      expect(decodeKey(encodeKey(value))).toBe(value);
    },
  );
});
