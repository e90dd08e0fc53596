/**
 * Cost per outcome and calibration for a team (or the whole org) and a period, read from the database and
 * computed by the pure functions in src/domain/outcomes.ts. Digests and `/ai-roi summary` call these:
 *
 *   const report = await loadOutcomeReport(deps, { team: 'Payments', period: { start, end } });
 *   report.cost.issues.costPerOutcome; report.calibration.productive.shippedShare; …
 *
 * What is loaded (each session once, with a projection, so the cost grows with sessions and outcomes in the
 * period, not with events):
 * - sessions that ended in the period (closedAt, or lastEventAt while open) — the spend and the calibration set;
 * - outcomes shipped in the period, and the sessions attached to them wherever those ran (an outcome gets its
 *   share of every linked session's cost);
 * - every other outcome those sessions link to, so a session's cost is split over all its outcomes.
 * With a team, only that team's sessions count, and only outcomes with at least one of its sessions (or whose
 * Linear team carries the same name) are listed; outcomes without any AI session are "without AI".
 */
import type { ObjectId } from 'mongodb';
import type { OutcomeDoc, SessionDoc } from '../db/collections.ts';
import type { AppDeps } from '../deps.ts';
import {
  type Calibration,
  type CostPerOutcome,
  calibration,
  costPerOutcome,
  type OutcomeForCost,
  type SessionForOutcomes,
  SHIPPED_STATES,
  type TimeWindow,
} from '../domain/outcomes.ts';
import { toObjectId } from './links.ts';

export type { Calibration, CostPerOutcome, TimeWindow } from '../domain/outcomes.ts';

export const DEFAULT_CALIBRATION_DAYS = 14;

export type CostDeps = Pick<AppDeps, 'collections' | 'now'>;

export interface OutcomeScope {
  /** ai-roi team name (sessions.team); omit for the whole org. */
  team?: string;
  /** Instants, end exclusive (a PeriodRange from src/domain/periods.ts fits). */
  period: TimeWindow;
}

export interface OutcomeData {
  /** Sessions in scope: ended in the period, or attached to an outcome shipped in it. */
  sessions: SessionForOutcomes[];
  outcomes: OutcomeForCost[];
}

export interface OutcomeReport {
  cost: CostPerOutcome;
  calibration: Calibration;
}

const SESSION_PROJECTION = {
  _id: 1,
  costUsd: 1,
  'classification.class': 1,
  slackUserId: 1,
  identityKey: 1,
  team: 1,
  closedAt: 1,
  lastEventAt: 1,
  outcomeIds: 1,
} as const;

type SessionRow = Pick<
  SessionDoc,
  | '_id'
  | 'costUsd'
  | 'classification'
  | 'slackUserId'
  | 'identityKey'
  | 'team'
  | 'closedAt'
  | 'lastEventAt'
  | 'outcomeIds'
>;

function toSession(doc: SessionRow): SessionForOutcomes {
  const session: SessionForOutcomes = {
    id: doc._id!.toHexString(),
    costUsd: doc.costUsd ?? 0,
    class: doc.classification?.class ?? 'unclassified',
    person: doc.slackUserId ?? `unmapped:${doc.identityKey}`,
    endedAt: doc.closedAt ?? doc.lastEventAt,
    outcomeIds: doc.outcomeIds ?? [],
  };
  if (doc.team) session.team = doc.team;
  return session;
}

function toOutcome(doc: OutcomeDoc): OutcomeForCost {
  const outcome: OutcomeForCost = {
    id: doc._id!.toHexString(),
    kind: doc.kind,
    ref: doc.ref,
    state: doc.state,
    sessionIds: doc.sessionIds ?? [],
  };
  if (doc.completedAt) outcome.completedAt = doc.completedAt;
  if (doc.title) outcome.title = doc.title;
  if (doc.url) outcome.url = doc.url;
  if (doc.team) outcome.team = doc.team;
  if (doc.project) outcome.project = doc.project;
  return outcome;
}

function ids(values: Iterable<string>): ObjectId[] {
  return [...values].flatMap((value) => {
    const id = toObjectId(value);
    return id ? [id] : [];
  });
}

/** Load the sessions and outcomes behind cost per outcome for a scope (see the module comment). */
export async function loadOutcomeData(deps: CostDeps, scope: OutcomeScope): Promise<OutcomeData> {
  const { collections } = deps;
  const { start, end } = scope.period;
  const inPeriod = { $gte: start, $lt: end };
  const teamFilter = scope.team !== undefined ? { team: scope.team } : {};

  const ended = await collections.sessions
    .find(
      {
        ...teamFilter,
        $or: [{ closedAt: inPeriod }, { closedAt: { $exists: false }, lastEventAt: inPeriod }],
      },
      { projection: SESSION_PROJECTION },
    )
    .toArray();
  const sessions = new Map(ended.map((doc) => [doc._id!.toHexString(), toSession(doc)]));

  const shippedDocs = await collections.outcomes
    .find({ completedAt: inPeriod, state: { $in: [...SHIPPED_STATES] } })
    .toArray();
  const missing = new Set(shippedDocs.flatMap((o) => o.sessionIds ?? []).filter((id) => !sessions.has(id)));
  if (missing.size > 0) {
    const more = await collections.sessions
      .find({ _id: { $in: ids(missing) }, ...teamFilter }, { projection: SESSION_PROJECTION })
      .toArray();
    for (const doc of more) sessions.set(doc._id!.toHexString(), toSession(doc));
  }

  const outcomes = new Map<string, OutcomeForCost>();
  const teamName = scope.team?.toLowerCase();
  for (const doc of shippedDocs) {
    const outcome = toOutcome(doc);
    const ours =
      teamName === undefined ||
      outcome.sessionIds?.some((id) => sessions.has(id)) ||
      outcome.team?.toLowerCase() === teamName;
    if (ours) outcomes.set(outcome.id, outcome);
  }
  const referenced = new Set<string>();
  for (const session of sessions.values()) {
    for (const id of session.outcomeIds) if (!outcomes.has(id)) referenced.add(id);
  }
  if (referenced.size > 0) {
    const more = await collections.outcomes.find({ _id: { $in: ids(referenced) } }).toArray();
    for (const doc of more) outcomes.set(doc._id!.toHexString(), toOutcome(doc));
  }
  return { sessions: [...sessions.values()], outcomes: [...outcomes.values()] };
}

function endedWithin(session: SessionForOutcomes, period: TimeWindow): boolean {
  const t = session.endedAt.getTime();
  return t >= period.start.getTime() && t < period.end.getTime();
}

export async function loadCostPerOutcome(deps: CostDeps, scope: OutcomeScope): Promise<CostPerOutcome> {
  const data = await loadOutcomeData(deps, scope);
  return costPerOutcome({ ...data, period: scope.period });
}

/**
 * Calibration of the sessions that ended in the period: of those rated productive, the share whose linked work
 * shipped within `withinDays` of the session's end; of those rated wasteful, the share that shipped anyway.
 * Sessions whose window is still open at `now` and have not shipped are pending, not failures.
 */
export async function loadCalibration(
  deps: CostDeps,
  scope: OutcomeScope & { withinDays?: number },
): Promise<Calibration> {
  return (await loadOutcomeReport(deps, scope)).calibration;
}

/** Both numbers from one read. */
export async function loadOutcomeReport(
  deps: CostDeps,
  scope: OutcomeScope & { withinDays?: number },
): Promise<OutcomeReport> {
  const data = await loadOutcomeData(deps, scope);
  return {
    cost: costPerOutcome({ ...data, period: scope.period }),
    calibration: calibration({
      sessions: data.sessions.filter((session) => endedWithin(session, scope.period)),
      outcomes: data.outcomes,
      withinDays: scope.withinDays ?? DEFAULT_CALIBRATION_DAYS,
      now: deps.now(),
    }),
  };
}
