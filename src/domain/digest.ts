/**
 * Digest numbers: everything a digest shows, computed from daily rollups and outcomes
 * (never raw events), as plain data for the Block Kit builder and the ROI templates.
 *
 * Rules worth knowing:
 * - Shares named `…Pct` are percent values 0-100, of total spend in the period unless said otherwise.
 * - Coverage is the classified share of spend; unclassified spend is never folded into a class.
 * - Privacy floor: a team with fewer than `privacyMinGroup` distinct people (unmapped
 *   identities count as people) is merged into "other", in every audience. When "other"
 *   itself stays below the floor, its class mix is withheld.
 * - Sinks rank repositories (or models, when no repository is known) by wasteful spend;
 *   people are never ranked, in any audience.
 * - Calibration judges the sessions whose N-day shipping window closed within the period,
 *   i.e. sessions that ended in [start − N days, end − N days): the caller must include
 *   those sessions in `sessionsForOutcomes`.
 */

import { decodeKey } from './field-keys.ts';
import type { Forecast } from './forecast.ts';
import { changePct } from './money.ts';
import type { Calibration, CostPerOutcome, OutcomeForCost, SessionForOutcomes } from './outcomes.ts';
import { calibration, costPerOutcome, linkMap } from './outcomes.ts';
import { dayInRange, daysOfRange, localDay } from './periods.ts';
import type {
  Budget,
  ClassOrUnclassified,
  DailyRollup,
  OutcomeKind,
  PeriodRange,
  SessionClass,
} from './types.ts';

export const CLASSES_WITH_UNCLASSIFIED: readonly ClassOrUnclassified[] = [
  'productive',
  'exploratory',
  'wasteful',
  'unclassified',
];
export const DEFAULT_PRIVACY_MIN_GROUP = 3;
export const DEFAULT_CALIBRATION_DAYS = 14;
export const OTHER_GROUP = 'other';
export const NO_TEAM_GROUP = '(no team)';
const DAY_MS = 86_400_000;

export type DigestScope = { kind: 'org' } | { kind: 'team'; team: string };
export type DigestAudience = 'leadership' | 'team';

export interface DigestInput {
  period: PeriodRange;
  previousPeriod?: PeriodRange | null;
  scope: DigestScope;
  audience: DigestAudience;
  /** Rollup rows of the current and the previous period (other rows are ignored). */
  rollups: readonly DailyRollup[];
  outcomes: readonly OutcomeForCost[];
  sessionsForOutcomes: readonly SessionForOutcomes[];
  budget?: Budget | null;
  forecast?: Forecast | null;
  privacyMinGroup?: number;
  calibrationDays?: number;
  now: Date;
}

export interface ClassAmount {
  usd: number;
  /** Percent of total spend; null when there was no spend. */
  pct: number | null;
}

export type ClassMix = Record<ClassOrUnclassified, ClassAmount>;

export interface OutcomeNumbers {
  issues: number;
  prs: number;
  manual: number;
  total: number;
  /** Shipped in the period with no linked AI session (org scope only; 0 for a team). */
  withoutAi: number;
  costPerIssue: number | null;
  costPerPr: number | null;
  costPerOutcome: number | null;
  /** Percent of spend in sessions linked to a shipped outcome. */
  linkedPct: number | null;
}

export interface OutcomeChanges {
  /** Relative change in percent vs the previous period; null when not comparable. */
  costPerIssue: number | null;
  costPerPr: number | null;
  costPerOutcome: number | null;
  issues: number | null;
  prs: number | null;
}

export interface Win {
  outcomeId: string;
  kind: OutcomeKind;
  ref: string;
  title?: string;
  url?: string;
  costUsd: number;
  sessionCount: number;
}

export interface Sink {
  dimension: 'repo' | 'model';
  name: string;
  wastefulUsd: number;
  /** Percent of all wasteful spend in the period. */
  pctOfWasteful: number;
}

export interface SpendByName {
  name: string;
  usd: number;
}

export interface OutcomeSource {
  /** Linear project or team for issues, repository for PRs, "manual" for manual outcomes. */
  name: string;
  outcomes: number;
  costUsd: number;
  costPerOutcome: number;
}

export interface TeamRow {
  /** Team name, NO_TEAM_GROUP or OTHER_GROUP. */
  team: string;
  people: number;
  spendUsd: number;
  /** Null when withheld by the privacy floor. */
  mix: ClassMix | null;
  coveragePct: number | null;
  /** For "other": the teams merged into it, by count only. */
  mergedTeams?: number;
  belowFloor?: boolean;
}

export interface DailyPoint {
  day: string;
  byClass: Record<ClassOrUnclassified, number>;
  totalUsd: number;
  /** Outcomes with AI sessions shipped that (local) day. */
  outcomes: number;
}

export interface DigestNumbers {
  period: PeriodRange;
  previousPeriod: PeriodRange | null;
  /** Where `now` sits relative to the period. */
  periodStatus: 'current' | 'past' | 'future';
  scope: DigestScope;
  audience: DigestAudience;
  spend: { totalUsd: number; previousUsd: number | null; changePct: number | null };
  budget: {
    amountUsd: number;
    period: Budget['period'];
    /** Spend in the budget's own period to date (from the forecast), else the digest period when it matches. */
    spentUsd: number | null;
    usedPct: number | null;
    split: Partial<Record<SessionClass, number>> | null;
  } | null;
  forecast: Forecast | null;
  mix: ClassMix;
  previousMix: ClassMix | null;
  coverage: { classifiedUsd: number; pct: number | null };
  exploratory: { allowancePct: number | null; actualPct: number | null; within: boolean | null };
  outcomes: OutcomeNumbers;
  previousOutcomes: OutcomeNumbers | null;
  outcomeChanges: OutcomeChanges;
  calibration: Calibration;
  wastefulTrend: { pct: number | null; previousPct: number | null; changePoints: number | null };
  wins: Win[];
  sinks: Sink[];
  topRepos: SpendByName[];
  topModels: SpendByName[];
  outcomeSources: OutcomeSource[];
  teams: TeamRow[];
  provenance: {
    estimatedUsd: number;
    estimatedPct: number | null;
    billedPct: number | null;
    /** Classified (self-reported, or set by a manager) share of spend. */
    selfReportedPct: number | null;
    peopleWithSpend: number;
    peopleAnswered: number;
  };
  daily: DailyPoint[];
}

function pct(part: number, whole: number): number | null {
  return whole > 0 ? (part / whole) * 100 : null;
}

function emptyByClass(): Record<ClassOrUnclassified, number> {
  return { productive: 0, exploratory: 0, wasteful: 0, unclassified: 0 };
}

function classMix(rows: readonly DailyRollup[]): ClassMix {
  const usd = emptyByClass();
  for (const row of rows) usd[row.class] += row.costUsd;
  const total = usd.productive + usd.exploratory + usd.wasteful + usd.unclassified;
  const entry = (cls: ClassOrUnclassified): ClassAmount => ({ usd: usd[cls], pct: pct(usd[cls], total) });
  return {
    productive: entry('productive'),
    exploratory: entry('exploratory'),
    wasteful: entry('wasteful'),
    unclassified: entry('unclassified'),
  };
}

function totalOf(rows: readonly DailyRollup[]): number {
  return rows.reduce((sum, row) => sum + row.costUsd, 0);
}

function coveragePct(rows: readonly DailyRollup[]): number | null {
  const total = totalOf(rows);
  const classified = rows.filter((r) => r.class !== 'unclassified').reduce((sum, r) => sum + r.costUsd, 0);
  return pct(classified, total);
}

function sumKeys(rows: readonly DailyRollup[], field: 'byRepo' | 'byModel'): Map<string, number> {
  const totals = new Map<string, number>();
  for (const row of rows) {
    for (const [key, usd] of Object.entries(row[field])) {
      const name = decodeKey(key);
      totals.set(name, (totals.get(name) ?? 0) + usd);
    }
  }
  return totals;
}

function top(totals: Map<string, number>, n: number): SpendByName[] {
  return [...totals.entries()]
    .filter(([, usd]) => usd > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([name, usd]) => ({ name, usd }));
}

function outcomeNumbers(cost: CostPerOutcome): OutcomeNumbers {
  return {
    issues: cost.issues.count,
    prs: cost.prs.count,
    manual: cost.manual.count,
    total: cost.all.count,
    withoutAi: cost.all.withoutAi,
    costPerIssue: cost.issues.costPerOutcome,
    costPerPr: cost.prs.costPerOutcome,
    costPerOutcome: cost.all.costPerOutcome,
    linkedPct: cost.linkedShare === null ? null : cost.linkedShare * 100,
  };
}

function sourceOf(outcome: OutcomeForCost): string {
  if (outcome.kind === 'pr') return outcome.ref.split('#')[0] || outcome.ref;
  if (outcome.kind === 'manual') return outcome.project ?? 'manual';
  return outcome.project ?? outcome.team ?? outcome.ref.split('-')[0] ?? outcome.ref;
}

function teamRows(rows: readonly DailyRollup[], minGroup: number): TeamRow[] {
  const byTeam = new Map<string, DailyRollup[]>();
  for (const row of rows) {
    const name = row.team === '' ? NO_TEAM_GROUP : row.team;
    const list = byTeam.get(name) ?? [];
    list.push(row);
    byTeam.set(name, list);
  }
  const people = (list: readonly DailyRollup[]) =>
    new Set(list.filter((r) => r.costUsd > 0).map((r) => r.person)).size;
  const shown: TeamRow[] = [];
  const merged: DailyRollup[] = [];
  let mergedTeams = 0;
  for (const [team, list] of byTeam) {
    const count = people(list);
    // Rows left at zero (spend moved to another class or person) are not a group that spent anything.
    if (count === 0 && Math.abs(totalOf(list)) < 0.005) continue;
    if (count < minGroup) {
      merged.push(...list);
      mergedTeams += 1;
      continue;
    }
    shown.push({
      team,
      people: count,
      spendUsd: totalOf(list),
      mix: classMix(list),
      coveragePct: coveragePct(list),
    });
  }
  shown.sort((a, b) => b.spendUsd - a.spendUsd || a.team.localeCompare(b.team));
  if (mergedTeams > 0) {
    const count = people(merged);
    const belowFloor = count < minGroup;
    shown.push({
      team: OTHER_GROUP,
      people: count,
      spendUsd: totalOf(merged),
      mix: belowFloor ? null : classMix(merged),
      coveragePct: belowFloor ? null : coveragePct(merged),
      mergedTeams,
      ...(belowFloor && { belowFloor }),
    });
  }
  return shown;
}

export function buildDigest(input: DigestInput): DigestNumbers {
  const { period, scope, now } = input;
  const previousPeriod = input.previousPeriod ?? null;
  const minGroup = input.privacyMinGroup ?? DEFAULT_PRIVACY_MIN_GROUP;
  const calibrationDays = input.calibrationDays ?? DEFAULT_CALIBRATION_DAYS;

  const inScope = (team: string | undefined) => scope.kind === 'org' || team === scope.team;
  const scoped = input.rollups.filter((row) => inScope(row.team));
  const current = scoped.filter((row) => dayInRange(row.day, period));
  const previous = previousPeriod ? scoped.filter((row) => dayInRange(row.day, previousPeriod)) : [];

  const totalUsd = totalOf(current);
  const previousUsd = previousPeriod ? totalOf(previous) : null;
  const mix = classMix(current);
  const previousMix = previousPeriod ? classMix(previous) : null;
  const classifiedUsd = totalUsd - mix.unclassified.usd;

  // Outcomes: a team digest counts only outcomes its own sessions worked on.
  const sessions = input.sessionsForOutcomes.filter((s) => inScope(s.team));
  const links = linkMap(sessions, input.outcomes);
  const linkedOutcomeIds = new Set([...links.values()].flatMap((set) => [...set]));
  const outcomes =
    scope.kind === 'org' ? input.outcomes : input.outcomes.filter((o) => linkedOutcomeIds.has(o.id));
  const cost = costPerOutcome({ sessions, outcomes, period });
  const previousCost = previousPeriod ? costPerOutcome({ sessions, outcomes, period: previousPeriod }) : null;
  const outcomeNow = outcomeNumbers(cost);
  const outcomeBefore = previousCost ? outcomeNumbers(previousCost) : null;

  const shift = calibrationDays * DAY_MS;
  const cohort = sessions.filter(
    (s) =>
      s.endedAt.getTime() >= period.start.getTime() - shift &&
      s.endedAt.getTime() < period.end.getTime() - shift,
  );

  const wasteful = current.filter((row) => row.class === 'wasteful');
  const wastefulTotal = totalOf(wasteful);
  const wastefulRepos = sumKeys(wasteful, 'byRepo');
  const sinkDimension: Sink['dimension'] = [...wastefulRepos.values()].some((v) => v > 0) ? 'repo' : 'model';
  const sinkTotals = sinkDimension === 'repo' ? wastefulRepos : sumKeys(wasteful, 'byModel');
  const sinks = top(sinkTotals, 3).map(({ name, usd }) => ({
    dimension: sinkDimension,
    name,
    wastefulUsd: usd,
    pctOfWasteful: pct(usd, wastefulTotal) ?? 0,
  }));

  const sources = new Map<string, { outcomes: number; costUsd: number }>();
  const outcomeById = new Map(outcomes.map((o) => [o.id, o]));
  for (const item of cost.perOutcome) {
    const outcome = outcomeById.get(item.outcomeId);
    if (!outcome) continue;
    const name = sourceOf(outcome);
    const entry = sources.get(name) ?? { outcomes: 0, costUsd: 0 };
    entry.outcomes += 1;
    entry.costUsd += item.costUsd;
    sources.set(name, entry);
  }
  const outcomeSources = [...sources.entries()]
    .map(([name, v]) => ({
      name,
      outcomes: v.outcomes,
      costUsd: v.costUsd,
      costPerOutcome: v.costUsd / v.outcomes,
    }))
    .sort(
      (a, b) =>
        a.costPerOutcome - b.costPerOutcome || b.outcomes - a.outcomes || a.name.localeCompare(b.name),
    );

  const budget = input.budget ?? null;
  const forecast = input.forecast ?? null;
  const budgetMatchesPeriod =
    budget !== null && (budget.period === 'monthly' ? period.kind === 'month' : period.kind === 'week');
  const budgetSpent = forecast ? forecast.spentUsd : budgetMatchesPeriod ? totalUsd : null;
  const allowancePct = budget?.split?.exploratory ?? null;

  const people = new Set(current.filter((r) => r.costUsd > 0).map((r) => r.person));
  const answered = new Set(
    current.filter((r) => r.costUsd > 0 && r.class !== 'unclassified').map((r) => r.person),
  );
  const estimatedUsd = current.reduce((sum, row) => sum + row.estimatedCostUsd, 0);

  const outcomesPerDay = new Map<string, number>();
  for (const item of cost.perOutcome) {
    if (!item.completedAt) continue;
    const day = localDay(item.completedAt, period.tz);
    outcomesPerDay.set(day, (outcomesPerDay.get(day) ?? 0) + 1);
  }
  const perDay = new Map<string, Record<ClassOrUnclassified, number>>();
  for (const row of current) {
    const byClass = perDay.get(row.day) ?? emptyByClass();
    byClass[row.class] += row.costUsd;
    perDay.set(row.day, byClass);
  }
  const daily = daysOfRange(period).map((day) => {
    const byClass = perDay.get(day) ?? emptyByClass();
    const dayTotal = byClass.productive + byClass.exploratory + byClass.wasteful + byClass.unclassified;
    return { day, byClass, totalUsd: dayTotal, outcomes: outcomesPerDay.get(day) ?? 0 };
  });

  const t = now.getTime();
  const periodStatus = t < period.start.getTime() ? 'future' : t < period.end.getTime() ? 'current' : 'past';
  const wastefulPct = mix.wasteful.pct;
  const previousWastefulPct = previousMix?.wasteful.pct ?? null;

  return {
    period,
    previousPeriod,
    periodStatus,
    scope,
    audience: input.audience,
    spend: { totalUsd, previousUsd, changePct: changePct(totalUsd, previousUsd) },
    budget: budget && {
      amountUsd: budget.amountUsd,
      period: budget.period,
      spentUsd: budgetSpent,
      usedPct: budgetSpent === null ? null : pct(budgetSpent, budget.amountUsd),
      split: budget.split ?? null,
    },
    forecast,
    mix,
    previousMix,
    coverage: { classifiedUsd, pct: pct(classifiedUsd, totalUsd) },
    exploratory: {
      allowancePct,
      actualPct: mix.exploratory.pct,
      within:
        allowancePct === null || mix.exploratory.pct === null ? null : mix.exploratory.pct <= allowancePct,
    },
    outcomes: outcomeNow,
    previousOutcomes: outcomeBefore,
    outcomeChanges: {
      costPerIssue: changePct(outcomeNow.costPerIssue, outcomeBefore?.costPerIssue),
      costPerPr: changePct(outcomeNow.costPerPr, outcomeBefore?.costPerPr),
      costPerOutcome: changePct(outcomeNow.costPerOutcome, outcomeBefore?.costPerOutcome),
      issues: changePct(outcomeNow.issues, outcomeBefore?.issues),
      prs: changePct(outcomeNow.prs, outcomeBefore?.prs),
    },
    calibration: calibration({ sessions: cohort, outcomes, withinDays: calibrationDays, now }),
    wastefulTrend: {
      pct: wastefulPct,
      previousPct: previousWastefulPct,
      changePoints:
        wastefulPct === null || previousWastefulPct === null ? null : wastefulPct - previousWastefulPct,
    },
    wins: cost.perOutcome.slice(0, 3).map((o) => ({
      outcomeId: o.outcomeId,
      kind: o.kind,
      ref: o.ref,
      ...(o.title !== undefined && { title: o.title }),
      ...(o.url !== undefined && { url: o.url }),
      costUsd: o.costUsd,
      sessionCount: o.sessionCount,
    })),
    sinks,
    topRepos: top(sumKeys(current, 'byRepo'), 5),
    topModels: top(sumKeys(current, 'byModel'), 5),
    outcomeSources,
    teams: teamRows(current, minGroup),
    provenance: {
      estimatedUsd,
      estimatedPct: pct(estimatedUsd, totalUsd),
      billedPct: totalUsd > 0 ? 100 - (pct(estimatedUsd, totalUsd) ?? 0) : null,
      selfReportedPct: pct(classifiedUsd, totalUsd),
      peopleWithSpend: people.size,
      peopleAnswered: answered.size,
    },
    daily,
  };
}
