import { buildForecastMessage } from '../../blocks/summary.ts';
import { canViewTeam, resolveRole } from '../access/roles.ts';
import { chooseTeam } from '../access/teams.ts';
import type { TeamDoc } from '../db/collections.ts';
import { budgetStatus } from '../reports/budget-status.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

/**
 * `/ai-roi forecast [team NAME]`: the named team, else the caller's team; someone in no team gets the
 * organisation's spend forecast (no budget).
 */
export const handleForecast: CommandHandler<'forecast'> = async (command, ctx) => {
  const { deps, userId } = ctx;
  const role = await resolveRole(deps, userId);
  let team: TeamDoc | null = null;
  if (command.team !== undefined || role.managerOf.length > 0 || role.memberOf.length > 0) {
    const choice = await chooseTeam(deps.collections, role, command.team, '/ai-roi forecast team NAME');
    if (!choice.ok) {
      await replyEphemeral(ctx, choice.message);
      return;
    }
    team = choice.team;
    if (!canViewTeam(role, team.name)) {
      await replyEphemeral(
        ctx,
        `The forecast of ${team.name} is for its members and managers and for admins.`,
      );
      return;
    }
  }
  const status = await budgetStatus(deps, team);
  const message = buildForecastMessage({
    scopeLabel: team ? `Team ${team.name}` : 'Whole organisation',
    periodLabel: status.range.label,
    forecast: status.forecast,
  });
  await ctx.respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
};
