import { describe, expect, it } from 'vitest';
import { buildHelpMessage } from '../../../blocks/help.ts';
import {
  buildBudgetMessage,
  buildForecastMessage,
  buildSummaryMessage,
  type ForecastFacts,
} from '../../../blocks/summary.ts';
import { allText, expectWithinLimits } from './helpers.ts';

describe('buildSummaryMessage', () => {
  const base = {
    scopeLabel: 'Your sessions',
    periodLabel: 'December 2025',
    previousLabel: 'November',
    spendUsd: 420,
    previousSpendUsd: 400,
    sessions: 31,
    mix: { productive: 300, exploratory: 60, wasteful: 20, unclassified: 40 },
    outcomes: { issuesCompleted: 5, prsMerged: 3, costPerOutcomeUsd: 52.5, previousCostPerOutcomeUsd: 70 },
  };

  it('answers with spend, mix with coverage, outcomes and cost per outcome vs the previous period', () => {
    const msg = buildSummaryMessage(base);
    expectWithinLimits(msg, 'message');
    const text = allText(msg.blocks);
    expect(text).toContain('Your sessions · December 2025');
    expect(text).toContain('*Spend*\n$420 (up 5% vs November)');
    expect(text).toContain('*Classified*\n90% of spend · 31 sessions');
    expect(text).toContain('5 issues completed · 3 PRs merged');
    expect(text).toContain('*Cost per outcome*\n$52.50 (down 25% vs November)');
    expect(text).toContain('Productive $300 (71%)');
    expect(text).not.toContain(':warning:');
    expect(msg.text).toBe('Your sessions, December 2025: $420 of AI spend, 90% classified, 8 outcomes.');
  });

  it('warns when coverage is low and copes with no outcomes and no previous period', () => {
    const msg = buildSummaryMessage({
      ...base,
      previousSpendUsd: undefined,
      mix: { productive: 10, exploratory: 0, wasteful: 0, unclassified: 410 },
      outcomes: { issuesCompleted: 0, prsMerged: 0 },
    });
    expectWithinLimits(msg, 'message');
    const text = allText(msg.blocks);
    expect(text).toContain('*Spend*\n$420\n');
    expect(text).toContain('n/a (no outcomes)');
    expect(text).toContain(':warning: Only 2% of spend is classified');
  });

  it('stays valid with a very long scope label', () => {
    expectWithinLimits(buildSummaryMessage({ ...base, scopeLabel: 'Team <x> & '.repeat(100) }), 'message');
  });
});

describe('buildForecastMessage', () => {
  const f: ForecastFacts = {
    spentUsd: 1200,
    budgetUsd: 2000,
    percentUsed: 60,
    dailyRateUsd: 80,
    projectedUsd: 2400,
    runOutDay: '2025-12-24',
    exhausted: false,
    daysRemaining: 11,
    confidence: 'high',
    confidenceReason: '14 complete days of data',
  };

  it('shows spend so far, projection, rate and the run-out day', () => {
    const msg = buildForecastMessage({ scopeLabel: 'Platform', periodLabel: 'December', forecast: f });
    expectWithinLimits(msg, 'message');
    const text = allText(msg.blocks);
    expect(text).toContain('$1,200 of $2,000 (60%)');
    expect(text).toContain('*Projected by period end*\n$2,400');
    expect(text).toContain('$80 per day');
    expect(text).toContain('runs out on Dec 24');
    expect(text).toContain('Confidence high: 14 complete days of data');
    expect(msg.text).toBe(
      'Platform, December: $1,200 spent, $2,400 projected. At this rate the budget runs out on Dec 24.',
    );
  });

  it('covers no budget, within budget and exhausted', () => {
    const none = buildForecastMessage({
      scopeLabel: 'P',
      periodLabel: 'D',
      forecast: { ...f, budgetUsd: null, percentUsed: null, runOutDay: null },
    });
    expectWithinLimits(none, 'message');
    expect(allText(none.blocks)).toContain('No budget set.');
    const within = buildForecastMessage({
      scopeLabel: 'P',
      periodLabel: 'D',
      forecast: { ...f, runOutDay: null },
    });
    expect(allText(within.blocks)).toContain('stays within budget');
    const out = buildForecastMessage({
      scopeLabel: 'P',
      periodLabel: 'D',
      forecast: { ...f, exhausted: true, percentUsed: 130 },
    });
    expectWithinLimits(out, 'message');
    expect(allText(out.blocks)).toContain('Budget used up on Dec 24');
  });
});

describe('buildBudgetMessage', () => {
  it('shows the budget, use, alert thresholds and split against the actual mix', () => {
    const msg = buildBudgetMessage({
      scopeLabel: 'Platform',
      periodLabel: 'in December',
      budget: {
        amountUsd: 2000,
        period: 'monthly',
        alertThresholds: [50, 80, 100],
        split: { productive: 60, exploratory: 30, wasteful: 10 },
      },
      spentUsd: 1000,
      mix: { productive: 700, exploratory: 200, wasteful: 100, unclassified: 0 },
      hint: 'Managers: `/ai-roi budget set <amount> [monthly|weekly]`',
    });
    expectWithinLimits(msg, 'message');
    const text = allText(msg.blocks);
    expect(text).toContain('*Monthly budget*\n$2,000');
    expect(text).toContain('$1,000 (50%)');
    expect(text).toContain('50%, 80%, 100%');
    expect(text).toContain('Productive 60% (now 70%) · Exploratory 30% (now 20%) · Wasteful 10% (now 10%)');
    expect(msg.text).toBe('Platform: $1,000 of $2,000 (50%) in December.');
  });

  it('says when there is no budget', () => {
    const msg = buildBudgetMessage({ scopeLabel: 'Platform', periodLabel: 'in December', spentUsd: 12 });
    expectWithinLimits(msg, 'message');
    expect(msg.text).toBe('No budget set for Platform; $12 spent in December.');
  });
});

describe('buildHelpMessage', () => {
  const entry = {
    usage: '/ai-roi summary [week|month]',
    description: 'Your spend & <outcomes>',
    example: '/ai-roi summary month',
  };

  it('lists every command with description and example, plus the class definitions', () => {
    const msg = buildHelpMessage([
      entry,
      { usage: '/ai-roi help', description: 'This list', example: '/ai-roi help' },
    ]);
    expectWithinLimits(msg, 'message');
    const text = allText(msg.blocks);
    expect(text).toContain(
      '*`/ai-roi summary [week|month]`* — Your spend &amp; &lt;outcomes&gt;\n_e.g._ `/ai-roi summary month`',
    );
    expect(text).toContain('*Productive* — the session moved a deliverable');
    expect(msg.blocks).toHaveLength(4);
    expect(msg.text).toContain('/ai-roi help — This list');
  });

  it('packs many entries to stay inside 50 blocks', () => {
    const msg = buildHelpMessage(
      Array.from({ length: 120 }, (_, i) => ({ ...entry, usage: `/ai-roi cmd${i}` })),
    );
    expectWithinLimits(msg, 'message');
    expect(msg.blocks.length).toBeLessThan(50);
    expect(allText(msg.blocks)).toContain('/ai-roi cmd119');
  });
});
