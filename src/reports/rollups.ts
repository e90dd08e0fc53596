/** Reads of rollups_daily for summaries, budgets and forecasts: one range read per answer, never raw events. */
import type { ClassMixUsd } from '../../blocks/format.ts';
import type { Collections, RollupDoc } from '../db/collections.ts';
import type { DaySpend } from '../domain/types.ts';

/** Whose rows: one team, one person (Slack user id or "unmapped:<identity>"), or everyone. */
export type RollupScope =
  | { kind: 'org' }
  | { kind: 'team'; team: string }
  | { kind: 'person'; person: string };

export function rollupFilter(scope: RollupScope): Record<string, string> {
  if (scope.kind === 'team') return { team: scope.team };
  if (scope.kind === 'person') return { person: scope.person };
  return {};
}

/** Rows with startDay <= day < endDay (UTC days). */
export async function findRollups(
  collections: Pick<Collections, 'rollupsDaily'>,
  scope: RollupScope,
  startDay: string,
  endDay: string,
): Promise<RollupDoc[]> {
  return collections.rollupsDaily
    .find(
      { day: { $gte: startDay, $lt: endDay }, ...rollupFilter(scope) },
      { projection: { day: 1, team: 1, person: 1, class: 1, costUsd: 1, estimatedCostUsd: 1, tokens: 1 } },
    )
    .toArray();
}

export function inDays(rows: readonly RollupDoc[], startDay: string, endDay: string): RollupDoc[] {
  return rows.filter((row) => row.day >= startDay && row.day < endDay);
}

export function totalSpend(rows: readonly Pick<RollupDoc, 'costUsd'>[]): number {
  return rows.reduce((sum, row) => sum + (row.costUsd ?? 0), 0);
}

export function classMixUsd(rows: readonly Pick<RollupDoc, 'class' | 'costUsd'>[]): ClassMixUsd {
  const mix: ClassMixUsd = { productive: 0, exploratory: 0, wasteful: 0, unclassified: 0 };
  for (const row of rows) mix[row.class] += row.costUsd ?? 0;
  return mix;
}

export function dailySpend(rows: readonly Pick<RollupDoc, 'day' | 'costUsd'>[]): DaySpend[] {
  const byDay = new Map<string, number>();
  for (const row of rows) byDay.set(row.day, (byDay.get(row.day) ?? 0) + (row.costUsd ?? 0));
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, costUsd]) => ({ day, costUsd }));
}

/** The first day anything was recorded: days before it are "no data", not "no spend". */
export async function firstRollupDay(
  collections: Pick<Collections, 'rollupsDaily'>,
): Promise<string | undefined> {
  const first = await collections.rollupsDaily.findOne({}, { sort: { day: 1 }, projection: { day: 1 } });
  return first?.day;
}
