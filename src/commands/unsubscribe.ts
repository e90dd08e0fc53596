import { requireManager, resolveRole } from '../access/roles.ts';
import { describeSchedule } from '../digest/schedule.ts';
import { removeSubscription } from '../digest/subscriptions.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';
import { describeDigest } from './subscribe.ts';

/** `/ai-roi unsubscribe #channel`: stops the channel's digest and removes its job. */
export const handleUnsubscribe: CommandHandler<'unsubscribe'> = async (command, ctx) => {
  const { deps } = ctx;
  const existing = await deps.collections.subscriptions.findOne({ channel: command.channelId });
  if (!existing) {
    await replyEphemeral(
      ctx,
      `<#${command.channelId}> has no digest subscription, so there is nothing to stop.`,
    );
    return;
  }
  const role = await resolveRole(deps, ctx.userId);
  const team = existing.scope.kind === 'team' ? existing.scope.team : undefined;
  const access = requireManager(role, team, 'stop digests');
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return;
  }
  const removed = await removeSubscription(deps, command.channelId, ctx.userId);
  if (!removed) {
    await replyEphemeral(
      ctx,
      `<#${command.channelId}> has no digest subscription, so there is nothing to stop.`,
    );
    return;
  }
  await replyEphemeral(
    ctx,
    `Stopped ${describeDigest(removed)} in <#${removed.channel}> (${describeSchedule(removed)}). Nothing more will be posted there.`,
  );
};
