import type { AlertDoc, TeamDoc } from '../src/db/collections.ts';
import type { AppDeps } from '../src/deps.ts';
import { alertSentence, crossedThresholds } from '../src/domain/budget-alerts.ts';
import { budgetStatus } from '../src/reports/budget-status.ts';
import { firstRollupDay } from '../src/reports/rollups.ts';

export const BUDGET_ALERTS_JOB = 'budget-alerts';
/** How often budgets are checked: alerts follow ingestion within this, without a check per event. */
export const BUDGET_ALERTS_INTERVAL = '2 minutes';

type AlertDeps = Pick<AppDeps, 'collections' | 'config' | 'slack' | 'logger' | 'now'>;

export interface BudgetAlertRun {
  checked: number;
  /** Alerts this run claimed and delivered (team:period:threshold). */
  sent: string[];
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

/**
 * Check every team budget and alert once per threshold per period.
 *
 * Exactly once across instances: the alert is claimed by inserting (team, period, threshold) into `alerts`
 * (unique) BEFORE anything is posted; whoever loses the insert posts nothing. Thresholds crossed together
 * make one message for the highest, and the lower ones are claimed as covered by it. A threshold, once
 * claimed in a period, never alerts again in that period, even if spend dips and climbs again; a delivery
 * that fails is logged and recorded on the claim, not retried (a repeated alert is worse than a missed DM).
 */
export async function runBudgetAlerts(deps: AlertDeps): Promise<BudgetAlertRun> {
  const teams = await deps.collections.teams
    .find({ 'budget.amountUsd': { $gt: 0 }, 'budget.alertThresholds.0': { $exists: true } })
    .toArray();
  const sent: string[] = [];
  const firstDay = { day: await firstRollupDay(deps.collections) };
  for (const team of teams) {
    try {
      const key = await checkTeam(deps, team, firstDay);
      if (key) sent.push(key);
    } catch (error) {
      deps.logger.error({ err: error, team: team.name }, 'budget alert check failed');
    }
  }
  return { checked: teams.length, sent };
}

async function checkTeam(
  deps: AlertDeps,
  team: TeamDoc,
  firstDay: { day: string | undefined },
): Promise<string | undefined> {
  const budget = team.budget!;
  const { range, forecast } = await budgetStatus(deps, team, firstDay);
  if (forecast.percentUsed === null) return undefined;
  const already = await deps.collections.alerts
    .find({ team: team.name, period: range.key }, { projection: { threshold: 1 } })
    .toArray();
  const crossed = crossedThresholds({
    thresholds: budget.alertThresholds,
    previousPct: null,
    currentPct: forecast.percentUsed,
    alreadySent: already.map((a) => a.threshold),
  });
  const highest = crossed.at(-1);
  if (highest === undefined) return undefined;

  const now = deps.now();
  const sentence = alertSentence({
    team: team.name,
    thresholdPct: highest,
    budgetUsd: budget.amountUsd,
    period: range,
    dayOfPeriod: forecast.dayOfPeriod,
    runOutDay: forecast.runOutDay,
    exhausted: forecast.exhausted,
    projectedUsd: forecast.projectedUsd,
  });
  const claim: AlertDoc = { team: team.name, period: range.key, threshold: highest, postedAt: now, sentence };
  try {
    await deps.collections.alerts.insertOne(claim);
  } catch (error) {
    if (isDuplicateKey(error)) return undefined; // another instance has it
    throw error;
  }
  // Lower thresholds crossed at the same time are covered by this message.
  const lower = crossed
    .slice(0, -1)
    .map((threshold) => ({ team: team.name, period: range.key, threshold, postedAt: now }));
  if (lower.length > 0) {
    await deps.collections.alerts.insertMany(lower, { ordered: false }).catch((error: unknown) => {
      if (!isDuplicateKey(error) && !String(error).includes('E11000')) throw error;
    });
  }

  const delivery: Partial<AlertDoc> = { dmSentTo: [], deliveryErrors: [] };
  const text = `:rotating_light: ${sentence}`;
  if (team.alertChannel) {
    try {
      const posted = await deps.slack.chat.postMessage({ channel: team.alertChannel, text });
      delivery.channel = team.alertChannel;
      if (posted.ts) delivery.messageTs = posted.ts;
    } catch (error) {
      delivery.deliveryErrors!.push(`channel ${team.alertChannel}: ${slackErrorCode(error)}`);
      deps.logger.warn({ err: error, team: team.name }, 'budget alert post failed');
    }
  }
  for (const manager of team.managers) {
    try {
      await deps.slack.chat.postMessage({
        channel: manager,
        text: `${text}\nSee \`/ai-roi forecast team ${team.name}\`; change the budget with \`/ai-roi budget team ${team.name} set $AMOUNT\`.`,
      });
      delivery.dmSentTo!.push(manager);
    } catch (error) {
      delivery.deliveryErrors!.push(`DM ${manager}: ${slackErrorCode(error)}`);
      deps.logger.warn({ err: error, team: team.name, manager }, 'budget alert DM failed');
    }
  }
  await deps.collections.alerts.updateOne(
    { team: team.name, period: range.key, threshold: highest },
    { $set: delivery },
  );
  return `${team.name}:${range.key}:${highest}`;
}

function slackErrorCode(error: unknown): string {
  return (error as { data?: { error?: string } }).data?.error ?? (error as Error).message ?? String(error);
}
