import { buildBudgetMessage } from '../../blocks/summary.ts';
import { recordAudit } from '../access/audit.ts';
import { canManageTeam, canViewTeam, requireManager, resolveRole } from '../access/roles.ts';
import { chooseTeam } from '../access/teams.ts';
import type { TeamDoc } from '../db/collections.ts';
import { DEFAULT_ALERT_THRESHOLDS } from '../domain/budget-alerts.ts';
import type { BudgetAction } from '../domain/command-schema.ts';
import { formatPct, formatUsd } from '../domain/money.ts';
import type { Budget, SessionClass } from '../domain/types.ts';
import { budgetStatus } from '../reports/budget-status.ts';
import { type CommandContext, type CommandHandler, replyEphemeral } from './context.ts';

/** A public or private channel (not a DM), where a team's alerts can be posted. */
function isChannel(id: string): boolean {
  return /^[CG][A-Z0-9]+$/.test(id);
}

function splitText(split: Budget['split']): string {
  if (!split) return 'none';
  return (['productive', 'exploratory', 'wasteful'] as const)
    .filter((c) => split[c] !== undefined)
    .map((c) => `${c} ${formatPct(split[c] ?? 0)}`)
    .join(' / ');
}

export function describeBudget(budget: Budget | undefined): string {
  if (!budget) return 'no budget';
  return `${formatUsd(budget.amountUsd)} ${budget.period}${budget.split ? `, split ${splitText(budget.split)}` : ''}`;
}

function thresholdsText(thresholds: readonly number[]): string {
  return thresholds.length > 0 ? thresholds.map((t) => formatPct(t)).join(', ') : 'off';
}

function alertRoute(team: Pick<TeamDoc, 'alertChannel'>): string {
  return team.alertChannel
    ? `post in <#${team.alertChannel}> and DM the team's managers`
    : "DM the team's managers";
}

export const handleBudget: CommandHandler<'budget'> = async (command, ctx) => {
  const { deps, userId } = ctx;
  const role = await resolveRole(deps, userId);
  const choice = await chooseTeam(deps.collections, role, command.team, '/ai-roi budget team NAME');
  if (!choice.ok) {
    await replyEphemeral(ctx, choice.message);
    return;
  }
  const team = choice.team;
  if (command.action.type === 'show') {
    if (!canViewTeam(role, team.name)) {
      await replyEphemeral(
        ctx,
        `The budget of ${team.name} is visible to its members and managers and to admins.`,
      );
      return;
    }
    const status = await budgetStatus(deps, team);
    const manage = canManageTeam(role, team.name);
    const hint = manage
      ? `Change it: \`/ai-roi budget team ${team.name} set $2,000 monthly\` · \`split productive=60 exploratory=30 wasteful=10\` · \`alerts 50,80,100\`. Alerts ${alertRoute(team)}.`
      : undefined;
    const message = buildBudgetMessage({
      scopeLabel: team.name,
      periodLabel: status.range.kind === 'week' ? 'this week' : 'this month',
      ...(team.budget && { budget: team.budget }),
      spentUsd: status.forecast.spentUsd,
      mix: status.mix,
      ...(hint && { hint }),
    });
    await ctx.respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
    return;
  }
  const access = requireManager(role, team.name, `change the budget of ${team.name}`);
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return;
  }
  await changeBudget(team, command.action, ctx);
};

async function changeBudget(
  team: TeamDoc,
  action: Exclude<BudgetAction, { type: 'show' }>,
  ctx: CommandContext,
) {
  const { deps, userId } = ctx;
  const current = team.budget;
  if (!current && action.type !== 'set') {
    await replyEphemeral(
      ctx,
      `${team.name} has no budget yet, so there is nothing to ${action.type === 'split' ? 'split' : 'alert on'}. Set an amount first: \`/ai-roi budget team ${team.name} set $2,000 monthly\`.`,
    );
    return;
  }
  let next: Budget;
  let auditAction: 'budget.set' | 'budget.split' | 'budget.alerts';
  if (action.type === 'set') {
    next = {
      amountUsd: action.amountUsd,
      period: action.period,
      alertThresholds: current?.alertThresholds ?? [...DEFAULT_ALERT_THRESHOLDS],
      ...(current?.split && { split: current.split }),
    };
    auditAction = 'budget.set';
  } else if (action.type === 'split') {
    next = {
      amountUsd: current!.amountUsd,
      period: current!.period,
      alertThresholds: current!.alertThresholds,
    };
    if (action.split) next.split = action.split as Record<SessionClass, number>;
    auditAction = 'budget.split';
  } else {
    next = { ...current!, alertThresholds: action.thresholds };
    auditAction = 'budget.alerts';
  }
  // Alerts go to the channel the alerts were configured in; the first budget set in a channel also picks it.
  const here = isChannel(ctx.channelId) ? ctx.channelId : undefined;
  const moveAlerts =
    here !== undefined && (action.type === 'alerts' || (action.type === 'set' && !team.alertChannel));
  const now = deps.now();
  const before = await deps.collections.teams.findOneAndUpdate(
    { _id: team._id },
    { $set: { budget: next, updatedAt: now, ...(moveAlerts && { alertChannel: here }) } },
    { returnDocument: 'before' },
  );
  if (!before) {
    await replyEphemeral(ctx, `${team.name} was deleted in the meantime; nothing was changed.`);
    return;
  }
  const alertChannel = moveAlerts ? here : before.alertChannel;
  await recordAudit(
    deps.collections,
    {
      actor: userId,
      action: auditAction,
      target: `team:${team.name}`,
      before: { budget: before.budget ?? null, alertChannel: before.alertChannel ?? null },
      after: { budget: next, alertChannel: alertChannel ?? null },
    },
    now,
  );

  const was = before.budget ? ` (was ${describeBudget(before.budget)})` : '';
  let text: string;
  if (action.type === 'set') {
    text = `Budget of *${team.name}* is now ${formatUsd(next.amountUsd)} ${next.period}${was}.`;
  } else if (action.type === 'split') {
    text = next.split
      ? `Split of *${team.name}*'s budget is now ${splitText(next.split)} (was ${splitText(before.budget?.split)}).`
      : `*${team.name}*'s budget no longer has a per-class split (was ${splitText(before.budget?.split)}).`;
  } else {
    text = `Alerts for *${team.name}* are now at ${thresholdsText(next.alertThresholds)} (were ${thresholdsText(before.budget?.alertThresholds ?? [])}).`;
  }
  const route = alertRoute({ ...(alertChannel && { alertChannel }) });
  if (next.alertThresholds.length > 0) {
    text += `\nAlerts at ${thresholdsText(next.alertThresholds)} of the ${next.period === 'weekly' ? 'weekly' : 'monthly'} budget ${route}, once per threshold per period.`;
  }
  if (moveAlerts && here && next.alertThresholds.length > 0) {
    const member = await botIsMember(ctx, here);
    if (member === false)
      text += `\n:warning: I am not in <#${here}>: invite me (\`/invite @ai-roi\`) so alerts can be posted there.`;
  }
  await replyEphemeral(ctx, text);
}

async function botIsMember(ctx: CommandContext, channel: string): Promise<boolean | undefined> {
  try {
    const info = await ctx.client.conversations.info({ channel });
    return (info.channel as { is_member?: boolean } | undefined)?.is_member;
  } catch (error) {
    ctx.deps.logger.warn({ err: error, channel }, 'conversations.info failed');
    return undefined;
  }
}
