import { describe, expect, it } from 'vitest';
import { buildDigestMessage } from '../../../blocks/digest.ts';
import { assertBlockKitLimits, formatViolations } from '../../../blocks/limits.ts';
import { orgBudget } from '../../../src/digest/load.ts';
import { digestBlocksInput, digestChartInput } from '../../../src/digest/message.ts';
import { buildDigest, type DigestInput } from '../../../src/domain/digest.ts';
import { forecastBudget } from '../../../src/domain/forecast.ts';
import type { OutcomeForCost, SessionForOutcomes } from '../../../src/domain/outcomes.ts';
import { periodRange } from '../../../src/domain/periods.ts';
import { renderRoiSentence } from '../../../src/domain/templates.ts';
import type { Budget, ClassOrUnclassified, DailyRollup } from '../../../src/domain/types.ts';

const now = new Date('2025-12-15T09:00:00Z');
const week = periodRange('week', new Date('2025-12-12T12:00:00Z'), 'UTC'); // Dec 8 – 15
const month = periodRange('month', now, 'UTC');

function row(
  day: string,
  team: string,
  person: string,
  cls: ClassOrUnclassified,
  costUsd: number,
  byRepo: Record<string, number> = {},
): DailyRollup {
  return {
    day,
    team,
    person,
    class: cls,
    costUsd,
    estimatedCostUsd: costUsd,
    tokens: 0,
    byRepo,
    byModel: {},
  };
}

const payments = ['U_ANA', 'U_BEN', 'U_CY'];
const rollups: DailyRollup[] = [
  ...payments.map((p) => row('2025-12-09', 'Payments', p, 'productive', 100, { 'acme/api': 100 })),
  row('2025-12-10', 'Payments', 'U_ANA', 'wasteful', 60, { 'acme/api': 60 }),
  row('2025-12-10', 'Solo', 'U_SOLO', 'wasteful', 40, { 'acme/solo': 40 }),
  row('2025-12-02', 'Payments', 'U_ANA', 'productive', 200),
];
const outcomes: OutcomeForCost[] = [
  {
    id: 'o1',
    kind: 'linear_issue',
    ref: 'PAY-1',
    title: 'Refunds',
    state: 'completed',
    completedAt: new Date('2025-12-11T10:00:00Z'),
  },
];
const sessions: SessionForOutcomes[] = [
  {
    id: 's1',
    costUsd: 100,
    class: 'productive',
    person: 'U_ANA',
    team: 'Payments',
    endedAt: new Date('2025-12-09T12:00:00Z'),
    outcomeIds: ['o1'],
  },
];
const budget: Budget = { amountUsd: 3100, period: 'monthly', alertThresholds: [] };

function numbers(overrides: Partial<DigestInput> = {}) {
  return buildDigest({
    period: week,
    previousPeriod: week.previous,
    scope: { kind: 'org' },
    audience: 'leadership',
    rollups,
    outcomes,
    sessionsForOutcomes: sessions,
    budget,
    forecast: forecastBudget({
      budget,
      range: month,
      dailySpend: [{ day: '2025-12-09', costUsd: 300 }],
      now,
    }),
    privacyMinGroup: 3,
    now,
    ...overrides,
  });
}

describe('digestBlocksInput', () => {
  const d = numbers();
  const input = digestBlocksInput({
    numbers: d,
    sentence: renderRoiSentence(d, 'weekly_leadership'),
    teamBudgets: new Map([['Payments', { amountUsd: 3100, period: 'monthly', alertThresholds: [] }]]),
    budgetRange: month,
    chart: { status: 'attached' },
  });

  it('carries spend, the prorated budget, month to date and the forecast', () => {
    expect(input.spend.periodUsd).toBe(400);
    expect(input.spend.previousPeriodUsd).toBe(200);
    // $3,100 a month over 31 days → $700 for a 7-day week.
    expect(input.spend.budgetUsd).toBeCloseTo(700, 10);
    expect(input.spend.monthToDateUsd).toBe(300);
    expect(input.spend.monthBudgetUsd).toBe(3100);
    expect(input.forecast?.budgetUsd).toBe(3100);
    expect(input.previousLabel).toBe('the week before');
    expect(input.periodLabel).toBe('Week of Dec 8, 2025');
  });

  it('mix, coverage, outcomes and calibration', () => {
    expect(input.mix).toEqual({ productive: 300, exploratory: 0, wasteful: 100, unclassified: 0 });
    expect(input.coverage).toBe(1);
    expect(input.outcomes).toMatchObject({ issuesCompleted: 1, prsMerged: 0, costPerIssueUsd: 100 });
    expect(input.calibration?.wastefulShare).toBe(0.25);
    expect(input.calibration?.previousWastefulShare).toBe(0);
  });

  it('sinks by repository with their total and wasteful spend; wins with the AI cost', () => {
    expect(input.sinks[0]).toEqual({ kind: 'repo', label: 'acme/api', costUsd: 360, wastefulUsd: 60 });
    expect(input.wins).toEqual([{ ref: 'PAY-1', title: 'Refunds', costUsd: 100 }]);
  });

  it('privacy floor: the one-person team is merged into "other" and nobody is named', () => {
    expect(input.teams?.map((t) => t.name)).toEqual(['Payments', 'other']);
    expect(input.teams?.[0]).toMatchObject({
      budgetUsd: expect.closeTo(700, 6),
      productiveShare: expect.closeTo(300 / 360, 10),
    });
    const message = buildDigestMessage(input);
    const text = JSON.stringify(message);
    expect(text).not.toContain('Solo');
    for (const person of [...payments, 'U_SOLO']) expect(text).not.toContain(person);
    expect(formatViolations(assertBlockKitLimits(message, 'message'))).toBe('');
  });

  it('an empty week without budget or outcomes still builds a valid message', () => {
    const empty = numbers({
      rollups: [],
      outcomes: [],
      sessionsForOutcomes: [],
      budget: null,
      forecast: null,
    });
    const blocks = digestBlocksInput({
      numbers: empty,
      sentence: renderRoiSentence(empty, 'weekly_leadership'),
      teamBudgets: new Map(),
      budgetRange: month,
    });
    expect(blocks.spend).toEqual({ periodUsd: 0, previousPeriodUsd: 0 });
    expect(blocks.teams).toBeUndefined();
    expect(blocks.roiSentence).toMatch(/^No AI spend was recorded/);
    const message = buildDigestMessage(blocks);
    expect(JSON.stringify(message)).toContain('No budget set');
    expect(formatViolations(assertBlockKitLimits(message, 'message'))).toBe('');
  });

  it('the chart input has every day of the period, by class, with outcomes', () => {
    const chart = digestChartInput(d, 'All teams');
    expect(chart.days).toHaveLength(7);
    expect(chart.days[1]).toEqual({
      day: '2025-12-09',
      productive: 300,
      exploratory: 0,
      wasteful: 0,
      unclassified: 0,
      outcomes: 0,
    });
    expect(chart.days[3]?.outcomes).toBe(1);
  });
});

describe('digest numbers: cases the domain tests leave open', () => {
  it('no budget: no budget line, no allowance, and the budget template says so', () => {
    const d = numbers({ budget: null, forecast: null });
    expect(d.budget).toBeNull();
    expect(d.exploratory).toEqual({ allowancePct: null, actualPct: 0, within: null });
    expect(renderRoiSentence(d, 'budget_warning').sentence).toBe(
      'All teams has no AI budget set; spend for Week of Dec 8, 2025 is $400.',
    );
  });

  it('no outcomes: zero counts, no cost per outcome, no wins; the sentence says spend is not linked', () => {
    const d = numbers({ outcomes: [], sessionsForOutcomes: [] });
    expect(d.outcomes).toMatchObject({
      issues: 0,
      prs: 0,
      total: 0,
      costPerIssue: null,
      costPerOutcome: null,
    });
    expect(d.wins).toEqual([]);
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toContain(
      'is not yet linked to any completed Linear issue or merged PR',
    );
  });
});

describe('orgBudget', () => {
  it('sums team budgets; weekly ones scale to the month; a split only when every team has one', () => {
    const b = orgBudget(
      [
        {
          budget: {
            amountUsd: 1000,
            period: 'monthly',
            alertThresholds: [],
            split: { productive: 60, exploratory: 30, wasteful: 10 },
          },
        },
        {
          budget: {
            amountUsd: 700,
            period: 'weekly',
            alertThresholds: [],
            split: { productive: 80, exploratory: 20, wasteful: 0 },
          },
        },
        {},
      ],
      31,
    );
    expect(b).toEqual({
      amountUsd: 4100,
      period: 'monthly',
      alertThresholds: [],
      split: {
        productive: Math.round((60 * 1000 + 80 * 3100) / 4100),
        exploratory: Math.round((30 * 1000 + 20 * 3100) / 4100),
        wasteful: Math.round(10_000 / 4100),
      },
    });
    expect(orgBudget([{ budget: { amountUsd: 500, period: 'weekly', alertThresholds: [] } }], 30)).toEqual({
      amountUsd: 500,
      period: 'weekly',
      alertThresholds: [],
    });
    expect(orgBudget([{}], 30)).toBeNull();
  });
});
