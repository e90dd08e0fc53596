/**
 * Reads what a digest needs — rollups_daily rows, shipped outcomes and the sessions linked to them,
 * team budgets — and hands them to the pure buildDigest. Never reads usage_events: the cost of a
 * digest depends on people × days, not on how many events they sent.
 */
import type { ObjectId } from 'mongodb';
import type { Collections, OutcomeDoc, RollupDoc, SessionDoc, TeamDoc } from '../db/collections.ts';
import {
  DEFAULT_CALIBRATION_DAYS,
  type DigestAudience,
  type DigestInput,
  type DigestScope,
} from '../domain/digest.ts';
import { forecastBudget } from '../domain/forecast.ts';
import type { OutcomeForCost, SessionForOutcomes } from '../domain/outcomes.ts';
import { addDaysToDay, periodRange } from '../domain/periods.ts';
import type { Budget, DailyRollup, PeriodRange, SessionClass } from '../domain/types.ts';
import { toObjectId } from '../outcomes/links.ts';

const DAY_MS = 86_400_000;

export interface DigestRequest {
  scope: DigestScope;
  audience: DigestAudience;
  period: PeriodRange;
  previousPeriod: PeriodRange | null;
  now: Date;
}

export interface LoadedDigestInput {
  input: DigestInput;
  /** Budgets by team name, for the per-team rows of org digests. */
  teamBudgets: Map<string, Budget>;
  /** The period the budget and forecast cover (the budget's own week or month containing `now`). */
  budgetRange: PeriodRange;
}

export interface LoadDeps {
  collections: Collections;
  config: { PRIVACY_MIN_GROUP: number };
}

/** One org budget from the team budgets: summed in the most common period, weekly ones scaled to a month. */
export function orgBudget(teams: readonly Pick<TeamDoc, 'budget'>[], daysInMonth: number): Budget | null {
  const budgets = teams.map((t) => t.budget).filter((b): b is Budget => b !== undefined && b.amountUsd > 0);
  if (budgets.length === 0) return null;
  const period: Budget['period'] = budgets.every((b) => b.period === 'weekly') ? 'weekly' : 'monthly';
  const scaled = budgets.map((b) =>
    b.period === period ? b.amountUsd : b.period === 'weekly' ? (b.amountUsd * daysInMonth) / 7 : b.amountUsd,
  );
  const amountUsd = Math.round(scaled.reduce((a, b) => a + b, 0) * 100) / 100;
  const budget: Budget = { amountUsd, period, alertThresholds: [] };
  // An org-wide allowance exists only when every team set one: weight each team by its budget.
  if (budgets.every((b) => b.split !== undefined)) {
    const split: Partial<Record<SessionClass, number>> = {};
    for (const cls of ['productive', 'exploratory', 'wasteful'] as const) {
      const weighted = budgets.reduce((sum, b, i) => sum + (b.split?.[cls] ?? 0) * scaled[i]!, 0);
      split[cls] = Math.round(weighted / amountUsd);
    }
    budget.split = split;
  }
  return budget;
}

function toRollup(doc: RollupDoc): DailyRollup {
  return {
    day: doc.day,
    team: doc.team,
    person: doc.person,
    class: doc.class,
    costUsd: doc.costUsd ?? 0,
    estimatedCostUsd: doc.estimatedCostUsd ?? 0,
    tokens: doc.tokens ?? 0,
    byRepo: doc.byRepo ?? {},
    byModel: doc.byModel ?? {},
  };
}

type SessionFields = Pick<
  SessionDoc,
  '_id' | 'costUsd' | 'classification' | 'closedAt' | 'lastEventAt' | 'outcomeIds'
>;

/**
 * Only what buildDigest reads of a session: the fewer fields, the cheaper each of the thousands of
 * sessions in the window is to send (it is the largest read of a digest). Person and team are not
 * needed: people are counted from rollups, and team digests read only that team's sessions.
 */
const SESSION_PROJECTION = {
  _id: 1,
  costUsd: 1,
  'classification.class': 1,
  closedAt: 1,
  lastEventAt: 1,
  outcomeIds: 1,
} as const;

const OUTCOME_PROJECTION = {
  _id: 1,
  kind: 1,
  ref: 1,
  state: 1,
  completedAt: 1,
  title: 1,
  url: 1,
  team: 1,
  project: 1,
  sessionIds: 1,
} as const;

/** Outcomes by id, with what cost splitting and calibration read (links are known from the sessions). */
async function fetchOutcomes(collections: Collections, ids: ObjectId[]): Promise<OutcomeDoc[]> {
  if (ids.length === 0) return [];
  return collections.outcomes
    .find<OutcomeDoc>(
      { _id: { $in: ids } },
      { projection: { _id: 1, kind: 1, ref: 1, state: 1, completedAt: 1, sessionIds: 1 } },
    )
    .toArray();
}

function objectIds(values: Iterable<string>): ObjectId[] {
  return [...new Set(values)].flatMap((value) => toObjectId(value) ?? []);
}

/**
 * Loads the inputs of buildDigest for one scope and period:
 * - rollup rows of the period and the previous one; daily totals of the budget period and the 14 days
 *   before it (the forecast's trailing burn rate);
 * - outcomes shipped in either period, the sessions linked to them (whenever those ran), the sessions that
 *   ended in either period or in the calibration cohort window, and the other outcomes those sessions link
 *   to. Links are read from the outcome side (`outcomes.sessionIds`), which src/outcomes/links.ts writes
 *   first and always, so no scan of sessions by outcome id is needed.
 */
export async function loadDigestInput(deps: LoadDeps, request: DigestRequest): Promise<LoadedDigestInput> {
  const { collections } = deps;
  const { scope, period, previousPeriod, now } = request;
  const tz = period.tz;
  const teamFilter = scope.kind === 'team' ? { team: scope.team } : {};

  // The budget's period (its month, or its week for weekly budgets) is known only once teams are read;
  // reading the forecast window of both lets every first-round read go out at once.
  const monthRange = periodRange('month', now, tz);
  const weekRange = periodRange('week', now, tz);
  const firstDigestDay = previousPeriod?.startDay ?? period.startDay;
  const forecastFrom = addDaysToDay([monthRange.startDay, weekRange.startDay].sort()[0]!, -14);
  const forecastTo = [monthRange.endDay, weekRange.endDay].sort()[1]!;
  // Sessions that ended in the window: both periods (linked share) and the calibration cohort.
  const calibrationDays = DEFAULT_CALIBRATION_DAYS;
  const outcomeFrom = previousPeriod?.start ?? period.start;
  const cohortFrom = new Date(period.start.getTime() - calibrationDays * DAY_MS);
  const ended = { $gte: cohortFrom < outcomeFrom ? cohortFrom : outcomeFrom, $lt: period.end };

  const [teams, rows, dailyTotals, closed, open, shipped] = await Promise.all([
    collections.teams.find({}, { projection: { name: 1, budget: 1 } }).toArray(),
    collections.rollupsDaily
      .find({ day: { $gte: firstDigestDay, $lt: period.endDay }, ...teamFilter })
      .toArray(),
    collections.rollupsDaily
      .aggregate<{ _id: string; costUsd: number }>([
        { $match: { day: { $gte: forecastFrom, $lt: forecastTo }, ...teamFilter } },
        { $group: { _id: '$day', costUsd: { $sum: '$costUsd' } } },
      ])
      .toArray(),
    collections.sessions
      .find<SessionFields>({ ...teamFilter, closedAt: ended }, { projection: SESSION_PROJECTION })
      .toArray(),
    collections.sessions
      .find<SessionFields>(
        { ...teamFilter, closedAt: { $exists: false }, lastEventAt: ended },
        { projection: SESSION_PROJECTION },
      )
      .toArray(),
    collections.outcomes
      .find<OutcomeDoc>(
        { completedAt: { $gte: outcomeFrom, $lt: period.end } },
        { projection: OUTCOME_PROJECTION },
      )
      .toArray(),
  ]);

  const teamBudgets = new Map<string, Budget>();
  for (const team of teams)
    if (team.budget && team.budget.amountUsd > 0) teamBudgets.set(team.name, team.budget);
  const budget =
    scope.kind === 'team' ? (teamBudgets.get(scope.team) ?? null) : orgBudget(teams, monthRange.days);
  const budgetRange = budget?.period === 'weekly' ? weekRange : monthRange;
  const budgetFrom = addDaysToDay(budgetRange.startDay, -14);
  const forecast = forecastBudget({
    budget,
    range: budgetRange,
    dailySpend: dailyTotals
      .filter((d) => d._id >= budgetFrom && d._id < budgetRange.endDay)
      .map((d) => ({ day: d._id, costUsd: d.costUsd })),
    now,
  });

  const sessionDocs = new Map<string, SessionFields>();
  for (const doc of [...closed, ...open]) if (doc._id) sessionDocs.set(doc._id.toHexString(), doc);
  const outcomeDocs = new Map<string, OutcomeDoc>();
  for (const doc of shipped) if (doc._id) outcomeDocs.set(doc._id.toHexString(), doc);

  // Second round, in parallel: sessions of shipped outcomes that ended outside the window (an outcome is
  // charged every linked session), and the other outcomes window sessions link to (a session's cost is split
  // over all of them; calibration and the linked share look at work that shipped outside the periods).
  const missingSessions = objectIds(
    [...outcomeDocs.values()].flatMap((o) => o.sessionIds ?? []).filter((id) => !sessionDocs.has(id)),
  );
  const linkedOutcomes = (docs: Iterable<SessionFields>) =>
    objectIds([...docs].flatMap((s) => s.outcomeIds ?? []).filter((id) => !outcomeDocs.has(id)));
  const [moreSessions, moreOutcomes] = await Promise.all([
    missingSessions.length === 0
      ? []
      : collections.sessions
          .find<SessionFields & { team?: string }>(
            { _id: { $in: missingSessions } },
            { projection: { ...SESSION_PROJECTION, team: 1 } },
          )
          .toArray(),
    fetchOutcomes(collections, linkedOutcomes(sessionDocs.values())),
  ]);
  for (const doc of moreOutcomes) if (doc._id) outcomeDocs.set(doc._id.toHexString(), doc);
  const added = moreSessions.filter((doc) => scope.kind === 'org' || doc.team === scope.team);
  for (const doc of added) if (doc._id) sessionDocs.set(doc._id.toHexString(), doc);
  for (const doc of await fetchOutcomes(collections, linkedOutcomes(added)))
    if (doc._id) outcomeDocs.set(doc._id.toHexString(), doc);

  const outcomes: OutcomeForCost[] = [...outcomeDocs.entries()].map(([id, o]) => ({
    id,
    kind: o.kind,
    ref: o.ref,
    state: o.state,
    ...(o.completedAt && { completedAt: o.completedAt }),
    ...(o.title !== undefined && { title: o.title }),
    ...(o.url !== undefined && { url: o.url }),
    ...(o.team !== undefined && { team: o.team }),
    ...(o.project !== undefined && { project: o.project }),
    sessionIds: o.sessionIds ?? [],
  }));
  const team = scope.kind === 'team' ? scope.team : undefined;
  const sessions: SessionForOutcomes[] = [...sessionDocs.entries()].map(([id, s]) => ({
    id,
    costUsd: s.costUsd ?? 0,
    class: s.classification?.class ?? 'unclassified',
    ...(team !== undefined && { team }),
    endedAt: s.closedAt ?? s.lastEventAt,
    outcomeIds: s.outcomeIds ?? [],
  }));

  return {
    input: {
      period,
      previousPeriod,
      scope,
      audience: request.audience,
      rollups: rows.map(toRollup),
      outcomes,
      sessionsForOutcomes: sessions,
      budget,
      forecast,
      privacyMinGroup: deps.config.PRIVACY_MIN_GROUP,
      calibrationDays,
      now,
    },
    teamBudgets,
    budgetRange,
  };
}
