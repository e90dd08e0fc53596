/**
 * What AI spend produced: cost per outcome and calibration of self-ratings.
 *
 * Attribution rule: a session linked to several outcomes splits its cost evenly between
 * them (a session linked to ENG-7 and to the PR that closed it gives half to each).
 * Shares named `…Share` are fractions 0-1.
 */
import type { ClassOrUnclassified, Outcome, OutcomeKind } from './types.ts';

/** Outcome states that count as shipped work. */
export const SHIPPED_STATES: ReadonlySet<Outcome['state']> = new Set(['completed', 'merged', 'shipped']);

export interface SessionForOutcomes {
  id: string;
  costUsd: number;
  class?: ClassOrUnclassified;
  person?: string;
  team?: string;
  /** closedAt, or lastEventAt while open. */
  endedAt: Date;
  outcomeIds: readonly string[];
}

export type OutcomeForCost = Pick<Outcome, 'id' | 'kind' | 'ref' | 'state'> &
  Partial<Pick<Outcome, 'completedAt' | 'title' | 'url' | 'team' | 'project' | 'sessionIds'>>;

export interface TimeWindow {
  start: Date;
  end: Date;
}

export function isShipped(outcome: Pick<Outcome, 'state' | 'completedAt'>): boolean {
  return SHIPPED_STATES.has(outcome.state) && outcome.completedAt !== undefined;
}

function within(date: Date | undefined, window: TimeWindow): boolean {
  return (
    date !== undefined && date.getTime() >= window.start.getTime() && date.getTime() < window.end.getTime()
  );
}

/**
 * Which outcomes each session is linked to: the session's own outcomeIds plus outcomes that
 * list the session (either side may have been written first).
 */
export function linkMap(
  sessions: readonly SessionForOutcomes[],
  outcomes: readonly OutcomeForCost[],
): Map<string, Set<string>> {
  const links = new Map<string, Set<string>>();
  for (const session of sessions) links.set(session.id, new Set(session.outcomeIds));
  for (const outcome of outcomes) {
    for (const sessionId of outcome.sessionIds ?? []) links.get(sessionId)?.add(outcome.id);
  }
  return links;
}

export interface OutcomeCost {
  outcomeId: string;
  kind: OutcomeKind;
  ref: string;
  title?: string;
  url?: string;
  team?: string;
  completedAt?: Date;
  costUsd: number;
  sessionCount: number;
}

export interface KindCost {
  /** Outcomes of this kind shipped in the period with at least one AI session. */
  count: number;
  /** Shipped in the period without any linked session. */
  withoutAi: number;
  costUsd: number;
  /** costUsd / count; null when count is 0. */
  costPerOutcome: number | null;
}

export interface CostPerOutcome {
  issues: KindCost;
  prs: KindCost;
  manual: KindCost;
  all: KindCost;
  /** Shipped-in-period outcomes with AI sessions, most expensive first. */
  perOutcome: OutcomeCost[];
  /** Spend of sessions that ended in the period. */
  totalSpendUsd: number;
  /** …of which linked to at least one shipped outcome. */
  linkedSpendUsd: number;
  linkedShare: number | null;
}

function kindCost(items: readonly OutcomeCost[], withoutAi: number): KindCost {
  const costUsd = items.reduce((sum, item) => sum + item.costUsd, 0);
  return {
    count: items.length,
    withoutAi,
    costUsd,
    costPerOutcome: items.length > 0 ? costUsd / items.length : null,
  };
}

/**
 * Cost per outcome for outcomes shipped in the period: each gets its share of every linked
 * session's cost, whenever that session ran. The linked share is over sessions that ended in
 * the period. `outcomes` should include every outcome the sessions reference; unknown ids
 * still divide a session's cost but add to no outcome.
 */
export function costPerOutcome(input: {
  sessions: readonly SessionForOutcomes[];
  outcomes: readonly OutcomeForCost[];
  period: TimeWindow;
}): CostPerOutcome {
  const { sessions, outcomes, period } = input;
  const links = linkMap(sessions, outcomes);
  const outcomeById = new Map(outcomes.map((o) => [o.id, o]));
  const costs = new Map<string, { cost: number; sessions: number }>();
  for (const session of sessions) {
    const linked = links.get(session.id)!;
    if (linked.size === 0) continue;
    const share = session.costUsd / linked.size;
    for (const outcomeId of linked) {
      const entry = costs.get(outcomeId) ?? { cost: 0, sessions: 0 };
      entry.cost += share;
      entry.sessions += 1;
      costs.set(outcomeId, entry);
    }
  }

  const perOutcome: OutcomeCost[] = [];
  const withoutAi: Record<OutcomeKind, number> = { linear_issue: 0, pr: 0, manual: 0 };
  for (const outcome of outcomes) {
    if (!isShipped(outcome) || !within(outcome.completedAt, period)) continue;
    const cost = costs.get(outcome.id);
    if (!cost) {
      withoutAi[outcome.kind] += 1;
      continue;
    }
    perOutcome.push({
      outcomeId: outcome.id,
      kind: outcome.kind,
      ref: outcome.ref,
      ...(outcome.title !== undefined && { title: outcome.title }),
      ...(outcome.url !== undefined && { url: outcome.url }),
      ...(outcome.team !== undefined && { team: outcome.team }),
      ...(outcome.completedAt !== undefined && { completedAt: outcome.completedAt }),
      costUsd: cost.cost,
      sessionCount: cost.sessions,
    });
  }
  perOutcome.sort((a, b) => b.costUsd - a.costUsd || a.ref.localeCompare(b.ref));

  let totalSpendUsd = 0;
  let linkedSpendUsd = 0;
  for (const session of sessions) {
    if (!within(session.endedAt, period)) continue;
    totalSpendUsd += session.costUsd;
    const linked = [...links.get(session.id)!].some((id) => {
      const outcome = outcomeById.get(id);
      return outcome !== undefined && isShipped(outcome);
    });
    if (linked) linkedSpendUsd += session.costUsd;
  }

  const ofKind = (kind: OutcomeKind) => perOutcome.filter((o) => o.kind === kind);
  return {
    issues: kindCost(ofKind('linear_issue'), withoutAi.linear_issue),
    prs: kindCost(ofKind('pr'), withoutAi.pr),
    manual: kindCost(ofKind('manual'), withoutAi.manual),
    all: kindCost(perOutcome, withoutAi.linear_issue + withoutAi.pr + withoutAi.manual),
    perOutcome,
    totalSpendUsd,
    linkedSpendUsd,
    linkedShare: totalSpendUsd > 0 ? linkedSpendUsd / totalSpendUsd : null,
  };
}

export interface CalibrationBucket {
  /** Rated sessions that could be judged (pending ones excluded). */
  sessions: number;
  shipped: number;
  shippedShare: number | null;
  costUsd: number;
  shippedCostUsd: number;
  shippedCostShare: number | null;
  /** Not shipped yet, but their N-day window is still open at `now`: left out of the shares. */
  pending: number;
}

export interface Calibration {
  withinDays: number;
  /** Sessions rated productive whose linked work shipped within N days of the session end. */
  productive: CalibrationBucket;
  /** Sessions rated wasteful whose linked work shipped nonetheless. */
  wasteful: CalibrationBucket;
}

/**
 * How well self-ratings match what shipped. A session "shipped" when a linked outcome is
 * shipped with completedAt no later than `withinDays` after the session ended (work that
 * shipped before the session ended counts too). With `now`, sessions whose window has not
 * closed and that have not shipped yet are pending rather than counted as failures.
 */
export function calibration(input: {
  sessions: readonly SessionForOutcomes[];
  outcomes: readonly OutcomeForCost[];
  withinDays: number;
  now?: Date;
}): Calibration {
  const { sessions, outcomes, withinDays, now } = input;
  const links = linkMap(sessions, outcomes);
  const outcomeById = new Map(outcomes.map((o) => [o.id, o]));
  const windowMs = withinDays * 86_400_000;

  const bucket = (cls: 'productive' | 'wasteful'): CalibrationBucket => {
    let count = 0;
    let shipped = 0;
    let costUsd = 0;
    let shippedCostUsd = 0;
    let pending = 0;
    for (const session of sessions) {
      if (session.class !== cls) continue;
      const deadline = session.endedAt.getTime() + windowMs;
      const didShip = [...links.get(session.id)!].some((id) => {
        const outcome = outcomeById.get(id);
        return outcome !== undefined && isShipped(outcome) && outcome.completedAt!.getTime() <= deadline;
      });
      if (!didShip && now && deadline > now.getTime()) {
        pending += 1;
        continue;
      }
      count += 1;
      costUsd += session.costUsd;
      if (didShip) {
        shipped += 1;
        shippedCostUsd += session.costUsd;
      }
    }
    return {
      sessions: count,
      shipped,
      shippedShare: count > 0 ? shipped / count : null,
      costUsd,
      shippedCostUsd,
      shippedCostShare: costUsd > 0 ? shippedCostUsd / costUsd : null,
      pending,
    };
  };

  return { withinDays, productive: bucket('productive'), wasteful: bucket('wasteful') };
}
