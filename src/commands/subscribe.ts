import { slackDate } from '../../blocks/format.ts';
import { requireManager, resolveRole } from '../access/roles.ts';
import { findTeam, listTeams, unknownTeamMessage } from '../access/teams.ts';
import type { SubscriptionDoc } from '../db/collections.ts';
import { checkBotInChannel, subscriberTimeZone } from '../digest/channel.ts';
import { describeSchedule } from '../digest/schedule.ts';
import { saveSubscription } from '../digest/subscriptions.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

/** "the weekly leadership digest for all teams" / "the team digest for Payments". */
export function describeDigest(s: Pick<SubscriptionDoc, 'scope' | 'audience'>): string {
  const scope = s.scope.kind === 'team' ? s.scope.team : 'all teams';
  return `the ${s.audience} digest for ${scope}`;
}

/**
 * `/ai-roi subscribe #channel [daily|weekly|monthly] [mon 09:00] [team NAME|org] [leadership|team]`:
 * managers of the team (any manager for org digests) and admins; the bot must already be in the channel.
 */
export const handleSubscribe: CommandHandler<'subscribe'> = async (command, ctx) => {
  const { deps } = ctx;
  const role = await resolveRole(deps, ctx.userId);
  let scope = command.scope;
  if (scope.kind === 'team') {
    const team = await findTeam(deps.collections, scope.team);
    if (!team) {
      const teams = (await listTeams(deps.collections)).map((t) => t.name);
      await replyEphemeral(ctx, unknownTeamMessage(scope.team, teams));
      return;
    }
    scope = { kind: 'team', team: team.name };
  }
  const access = requireManager(
    role,
    scope.kind === 'team' ? scope.team : undefined,
    'subscribe channels to digests',
  );
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return;
  }
  const existing = await deps.collections.subscriptions.findOne({ channel: command.channelId });
  if (existing?.scope.kind === 'team') {
    const replace = requireManager(
      role,
      existing.scope.team,
      `change the ${existing.scope.team} digest in this channel`,
    );
    if (!replace.ok) {
      await replyEphemeral(ctx, replace.reason);
      return;
    }
  }
  const channel = await checkBotInChannel(ctx.client, command.channelId);
  if (!channel.ok) {
    await replyEphemeral(ctx, `${channel.message} Nothing was subscribed.`);
    return;
  }

  const tz = await subscriberTimeZone(deps, ctx.userId);
  const weekday =
    command.cadence === 'weekly'
      ? command.weekday
      : command.cadence === 'monthly'
        ? command.dayOfMonth
        : undefined;
  const saved = await saveSubscription(
    deps,
    {
      channel: command.channelId,
      cadence: command.cadence,
      ...(weekday !== undefined && { weekday }),
      time: command.time,
      tz,
      scope,
      audience: command.audience,
    },
    ctx.userId,
  );
  const s = saved.subscription;
  const what = `${describeDigest(s)}, ${describeSchedule(s)}`;
  const first = s.nextRunAt ? ` Next post: ${slackDate(s.nextRunAt)}.` : '';
  const verb = saved.created
    ? `Subscribed <#${s.channel}> to ${what}.`
    : `Updated <#${s.channel}>: ${what} (was ${describeDigest(saved.before!)}, ${describeSchedule(saved.before!)}).`;
  await replyEphemeral(
    ctx,
    `${verb}${first} The time follows your Slack timezone. See it early with \`/ai-roi digest preview <#${s.channel}>\`; stop it with \`/ai-roi unsubscribe <#${s.channel}>\`.`,
  );
};
