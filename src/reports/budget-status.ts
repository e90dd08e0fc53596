/**
 * A team's budget period, spend to date and forecast, as `budget`, `forecast` and the alert job all see it.
 * Budget periods are read in the workspace timezone (TZ_DEFAULT), not the caller's, so everyone — and the
 * alert job — agrees on when a team's month starts.
 */
import type { ClassMixUsd } from '../../blocks/format.ts';
import type { TeamDoc } from '../db/collections.ts';
import type { AppDeps } from '../deps.ts';
import { FORECAST_WINDOW_DAYS, type Forecast, forecastBudget } from '../domain/forecast.ts';
import { addDaysToDay, periodRange } from '../domain/periods.ts';
import type { PeriodRangeWithPrevious } from '../domain/types.ts';
import { classMixUsd, dailySpend, findRollups, firstRollupDay, inDays, type RollupScope } from './rollups.ts';

export interface BudgetStatus {
  range: PeriodRangeWithPrevious;
  forecast: Forecast;
  /** Spend per class in the budget period so far. */
  mix: ClassMixUsd;
}

export type BudgetStatusDeps = Pick<AppDeps, 'collections' | 'config' | 'now'>;

/** Team (with or without a budget) or, without a team, the whole organisation with no budget. */
export async function budgetStatus(
  deps: BudgetStatusDeps,
  team: Pick<TeamDoc, 'name' | 'budget'> | null,
  /** The first day with any data (firstRollupDay), when the caller already knows it. */
  knownFirstDay?: { day: string | undefined },
): Promise<BudgetStatus> {
  const now = deps.now();
  const range = periodRange(
    team?.budget?.period === 'weekly' ? 'week' : 'month',
    now,
    deps.config.TZ_DEFAULT,
  );
  const scope: RollupScope = team ? { kind: 'team', team: team.name } : { kind: 'org' };
  const from = addDaysToDay(range.startDay, -FORECAST_WINDOW_DAYS);
  const [rows, since] = await Promise.all([
    findRollups(deps.collections, scope, from, range.endDay),
    knownFirstDay ? knownFirstDay.day : firstRollupDay(deps.collections),
  ]);
  const forecast = forecastBudget({
    budget: team?.budget ?? null,
    range,
    dailySpend: dailySpend(rows),
    now,
    ...(since !== undefined && { dataSince: since }),
  });
  return { range, forecast, mix: classMixUsd(inDays(rows, range.startDay, range.endDay)) };
}
