/**
 * Numbers behind `/ai-roi summary`: spend and class mix from rollups_daily, outcomes and cost per outcome
 * from the outcomes collection and the sessions linked to them (src/domain/outcomes.ts does the arithmetic).
 *
 * "vs previous period" compares like with like: while a week or month is still running, it is compared
 * with the same number of days at the start of the previous one ("vs Nov 1–12"), not with the whole of it.
 */
import { ObjectId } from 'mongodb';
import type { ClassMixUsd } from '../../blocks/format.ts';
import type { Collections, OutcomeDoc, SessionDoc } from '../db/collections.ts';
import {
  type CostPerOutcome,
  costPerOutcome,
  linkMap,
  type OutcomeForCost,
  type SessionForOutcomes,
} from '../domain/outcomes.ts';
import {
  addDaysToDay,
  daysBetween,
  localDay,
  MONTH_NAMES,
  parseDay,
  periodRange,
  zonedTimeToUtc,
} from '../domain/periods.ts';
import type { PeriodRangeWithPrevious } from '../domain/types.ts';
import { classMixUsd, findRollups, inDays, type RollupScope, totalSpend } from './rollups.ts';

export type SummaryScope =
  | { kind: 'org' }
  | { kind: 'team'; team: string }
  | { kind: 'person'; userId: string };

export interface ComparisonWindow {
  startDay: string;
  endDay: string;
  start: Date;
  end: Date;
  /** "November", "Nov 1–12", "the week before", "the 30 days before". */
  label: string;
}

export interface SummaryNumbers {
  range: PeriodRangeWithPrevious;
  compare: ComparisonWindow;
  spendUsd: number;
  previousSpendUsd: number;
  mix: ClassMixUsd;
  sessions: number;
  outcomes: CostPerOutcome;
  previousOutcomes: CostPerOutcome;
}

function shortDay(day: string): { month: string; day: number } {
  const date = parseDay(day)!;
  return { month: MONTH_NAMES[date.month - 1]!.slice(0, 3), day: date.day };
}

/** "Nov 1–12" / "Nov 28–Dec 4" for the inclusive days first..last. */
export function dayRangeLabel(first: string, last: string): string {
  const a = shortDay(first);
  const b = shortDay(last);
  if (first === last) return `${a.month} ${a.day}`;
  return a.month === b.month ? `${a.month} ${a.day}–${b.day}` : `${a.month} ${a.day}–${b.month} ${b.day}`;
}

/** The part of the previous period to compare with (see the module comment). */
export function comparisonWindow(range: PeriodRangeWithPrevious, now: Date): ComparisonWindow {
  const previous = range.previous;
  const full: ComparisonWindow = {
    startDay: previous.startDay,
    endDay: previous.endDay,
    start: previous.start,
    end: previous.end,
    label:
      range.kind === '30d'
        ? 'the 30 days before'
        : range.kind === 'week'
          ? 'the week before'
          : previous.shortLabel,
  };
  const running = now.getTime() >= range.start.getTime() && now.getTime() < range.end.getTime();
  if (!running || range.kind === '30d') return full;
  const elapsed = daysBetween(range.startDay, localDay(now, range.tz)) + 1;
  if (elapsed >= previous.days) return full;
  const endDay = addDaysToDay(previous.startDay, elapsed);
  return {
    startDay: previous.startDay,
    endDay,
    start: previous.start,
    end: zonedTimeToUtc(parseDay(endDay)!, range.tz),
    label: dayRangeLabel(previous.startDay, addDaysToDay(endDay, -1)),
  };
}

function rollupScope(scope: SummaryScope): RollupScope {
  if (scope.kind === 'person') return { kind: 'person', person: scope.userId };
  return scope;
}

function sessionFilter(scope: SummaryScope): Record<string, string> {
  if (scope.kind === 'team') return { team: scope.team };
  if (scope.kind === 'person') return { slackUserId: scope.userId };
  return {};
}

function objectIds(values: Iterable<string>): ObjectId[] {
  return [...values].filter((v) => /^[0-9a-f]{24}$/i.test(v)).map((v) => new ObjectId(v));
}

const SESSION_FIELDS = {
  _id: 1,
  costUsd: 1,
  classification: 1,
  slackUserId: 1,
  team: 1,
  closedAt: 1,
  lastEventAt: 1,
  outcomeIds: 1,
} as const;

function toSessionForOutcomes(doc: SessionDoc): SessionForOutcomes {
  return {
    id: doc._id!.toHexString(),
    costUsd: doc.costUsd ?? 0,
    class: doc.classification?.class ?? 'unclassified',
    ...(doc.slackUserId !== undefined && { person: doc.slackUserId }),
    ...(doc.team !== undefined && { team: doc.team }),
    endedAt: doc.closedAt ?? doc.lastEventAt,
    outcomeIds: doc.outcomeIds ?? [],
  };
}

function toOutcomeForCost(id: string, doc: OutcomeDoc): OutcomeForCost {
  return {
    id,
    kind: doc.kind,
    ref: doc.ref,
    state: doc.state,
    ...(doc.completedAt && { completedAt: doc.completedAt }),
    sessionIds: doc.sessionIds ?? [],
  };
}

/**
 * Outcomes shipped in [from, to) and the sessions of the scope linked to them. For a team or a person only
 * outcomes their own sessions worked on count; for the org every shipped outcome counts (those without AI
 * sessions show up as `withoutAi`).
 */
async function loadOutcomes(
  collections: Pick<Collections, 'outcomes' | 'sessions'>,
  scope: SummaryScope,
  from: Date,
  to: Date,
): Promise<{ sessions: SessionForOutcomes[]; outcomes: OutcomeForCost[] }> {
  const shipped = await collections.outcomes.find({ completedAt: { $gte: from, $lt: to } }).toArray();
  const byId = new Map(shipped.filter((o) => o._id).map((o) => [o._id!.toHexString(), o]));
  if (byId.size === 0) return { sessions: [], outcomes: [] };
  const filter = sessionFilter(scope);
  const linked = await collections.sessions
    .find({ ...filter, outcomeIds: { $in: [...byId.keys()] } }, { projection: SESSION_FIELDS })
    .toArray();
  const sessionDocs = new Map(linked.map((s) => [s._id!.toHexString(), s]));
  const outcomeSide = objectIds(
    shipped.flatMap((o) => o.sessionIds ?? []).filter((id) => !sessionDocs.has(id)),
  );
  if (outcomeSide.length > 0) {
    const more = await collections.sessions
      .find({ ...filter, _id: { $in: outcomeSide } }, { projection: SESSION_FIELDS })
      .toArray();
    for (const s of more) sessionDocs.set(s._id!.toHexString(), s);
  }
  const sessions = [...sessionDocs.values()].map(toSessionForOutcomes);
  let outcomes = [...byId.entries()].map(([id, doc]) => toOutcomeForCost(id, doc));
  if (scope.kind !== 'org') {
    const linkedIds = new Set([...linkMap(sessions, outcomes).values()].flatMap((set) => [...set]));
    outcomes = outcomes.filter((o) => linkedIds.has(o.id));
  }
  return { sessions, outcomes };
}

export async function loadSummary(
  collections: Pick<Collections, 'rollupsDaily' | 'outcomes' | 'sessions'>,
  scope: SummaryScope,
  spec: string,
  tz: string,
  now: Date,
): Promise<SummaryNumbers> {
  const range = periodRange(spec, now, tz);
  const compare = comparisonWindow(range, now);
  const filter = sessionFilter(scope);
  const [rows, linked, sessions] = await Promise.all([
    findRollups(collections, rollupScope(scope), compare.startDay, range.endDay),
    loadOutcomes(collections, scope, compare.start, range.end),
    collections.sessions.countDocuments({ ...filter, startedAt: { $gte: range.start, $lt: range.end } }),
  ]);
  const current = inDays(rows, range.startDay, range.endDay);
  const before = inDays(rows, compare.startDay, compare.endDay);
  return {
    range,
    compare,
    spendUsd: totalSpend(current),
    previousSpendUsd: totalSpend(before),
    mix: classMixUsd(current),
    sessions,
    outcomes: costPerOutcome({ ...linked, period: { start: range.start, end: range.end } }),
    previousOutcomes: costPerOutcome({ ...linked, period: { start: compare.start, end: compare.end } }),
  };
}
