/**
 * Adapts the digest numbers (src/domain/digest.ts) to the Block Kit builder's input (blocks/digest.ts)
 * and to the chart's input. Pure.
 */
import type { DigestBlocksInput, DigestSink, DigestTeamRow } from '../../blocks/digest.ts';
import type { SpendChartInput } from '../charts/spend-data.ts';
import { type DigestNumbers, NO_TEAM_GROUP, OTHER_GROUP } from '../domain/digest.ts';
import type { RenderedSentence } from '../domain/templates.ts';
import type { Budget, PeriodRange } from '../domain/types.ts';

export type ChartStatus = DigestBlocksInput['chart'];

/** Days in one budget period; a budget is prorated to the digest period by calendar days. */
function budgetForRange(
  budget: Pick<Budget, 'amountUsd' | 'period'>,
  range: Pick<PeriodRange, 'days'>,
  monthDays: number,
): number {
  const budgetDays = budget.period === 'weekly' ? 7 : monthDays;
  return range.days === budgetDays ? budget.amountUsd : (budget.amountUsd * range.days) / budgetDays;
}

const share = (pct: number | null | undefined): number | undefined =>
  pct === null || pct === undefined ? undefined : pct / 100;
const orUndefined = (value: number | null | undefined): number | undefined => value ?? undefined;

export interface DigestMessageParts {
  numbers: DigestNumbers;
  sentence: RenderedSentence;
  /** Budgets by team (org digests show each team against its own budget). */
  teamBudgets: ReadonlyMap<string, Budget>;
  /** The budget period (month or week containing now), for month-to-date and proration. */
  budgetRange: Pick<PeriodRange, 'kind' | 'days'>;
  chart?: ChartStatus;
  /** "All teams" or the team's name. */
  scopeName?: string;
}

export function digestBlocksInput(parts: DigestMessageParts): DigestBlocksInput {
  const d = parts.numbers;
  const monthDays = parts.budgetRange.kind === 'month' ? parts.budgetRange.days : 30;
  const previousLabel =
    d.previousPeriod === null
      ? 'the previous period'
      : d.periodStatus === 'current'
        ? d.period.kind === 'week'
          ? 'last week'
          : d.period.kind === 'month'
            ? 'last month'
            : 'the previous 30 days'
        : d.period.kind === 'week'
          ? 'the week before'
          : d.period.kind === 'month'
            ? 'the month before'
            : 'the 30 days before';

  const budget = d.budget;
  const budgetUsd = budget && budget.amountUsd > 0 ? budgetForRange(budget, d.period, monthDays) : undefined;
  const monthly = parts.budgetRange.kind === 'month' && d.forecast !== null;

  const totalsByRepo = new Map(d.topRepos.map((r) => [r.name, r.usd]));
  const totalsByModel = new Map(d.topModels.map((r) => [r.name, r.usd]));
  const sinks: DigestSink[] = d.sinks.map((s) => ({
    kind: s.dimension,
    label: s.name,
    costUsd: (s.dimension === 'repo' ? totalsByRepo : totalsByModel).get(s.name) ?? s.wastefulUsd,
    wastefulUsd: s.wastefulUsd,
  }));

  const teams: DigestTeamRow[] | undefined =
    d.scope.kind === 'org'
      ? d.teams.map((t) => {
          const teamBudget =
            t.team === OTHER_GROUP || t.team === NO_TEAM_GROUP ? undefined : parts.teamBudgets.get(t.team);
          const productiveShare = share(t.mix?.productive.pct);
          return {
            name: t.team,
            spendUsd: t.spendUsd,
            ...(teamBudget && { budgetUsd: budgetForRange(teamBudget, d.period, monthDays) }),
            ...(productiveShare !== undefined && { productiveShare }),
          };
        })
      : undefined;

  return {
    audience: d.audience,
    scopeName: parts.scopeName ?? (d.scope.kind === 'team' ? d.scope.team : 'All teams'),
    periodLabel: d.period.label,
    previousLabel,
    spend: {
      periodUsd: d.spend.totalUsd,
      ...(d.spend.previousUsd !== null && { previousPeriodUsd: d.spend.previousUsd }),
      ...(budgetUsd !== undefined && { budgetUsd }),
      ...(monthly && d.forecast && { monthToDateUsd: d.forecast.spentUsd }),
      ...(monthly && budget && budget.amountUsd > 0 && { monthBudgetUsd: budget.amountUsd }),
    },
    ...(d.forecast && { forecast: d.forecast }),
    mix: {
      productive: d.mix.productive.usd,
      exploratory: d.mix.exploratory.usd,
      wasteful: d.mix.wasteful.usd,
      unclassified: d.mix.unclassified.usd,
    },
    ...(d.coverage.pct !== null && { coverage: d.coverage.pct / 100 }),
    outcomes: {
      issuesCompleted: d.outcomes.issues,
      prsMerged: d.outcomes.prs,
      costPerIssueUsd: orUndefined(d.outcomes.costPerIssue),
      previousCostPerIssueUsd: orUndefined(d.previousOutcomes?.costPerIssue),
      costPerPrUsd: orUndefined(d.outcomes.costPerPr),
      previousCostPerPrUsd: orUndefined(d.previousOutcomes?.costPerPr),
    },
    calibration: {
      productiveShippedShare: orUndefined(d.calibration.productive.shippedCostShare),
      wastefulShare: share(d.wastefulTrend.pct) ?? 0,
      previousWastefulShare: share(d.wastefulTrend.previousPct),
    },
    wins: d.wins.map((w) => ({
      ref: w.ref,
      ...(w.title !== undefined && { title: w.title }),
      ...(w.url !== undefined && { url: w.url }),
      costUsd: w.costUsd,
    })),
    sinks,
    ...(teams && teams.length > 0 && { teams }),
    roiSentence: parts.sentence.sentence,
    caveats: parts.sentence.caveats,
    provenance: {
      estimatedUsd: d.provenance.estimatedUsd,
      billedUsd: Math.max(0, d.spend.totalUsd - d.provenance.estimatedUsd),
      respondents: d.provenance.peopleAnswered,
      people: d.provenance.peopleWithSpend,
    },
    ...(parts.chart && { chart: parts.chart }),
  };
}

/** The chart's input: spend per (local) day by class, outcomes shipped that day. */
export function digestChartInput(d: DigestNumbers, scopeName: string): SpendChartInput {
  return {
    title: `AI spend by class — ${scopeName}, ${d.period.label}`,
    days: d.daily.map((p) => ({
      day: p.day,
      productive: p.byClass.productive,
      exploratory: p.byClass.exploratory,
      wasteful: p.byClass.wasteful,
      unclassified: p.byClass.unclassified,
      outcomes: p.outcomes,
    })),
  };
}
