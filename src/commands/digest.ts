import { slackDate } from '../../blocks/format.ts';
import { requireManager, resolveRole } from '../access/roles.ts';
import type { SubscriptionDoc } from '../db/collections.ts';
import { checkBotInChannel, inviteHint, subscriberTimeZone } from '../digest/channel.ts';
import { composeDigest } from '../digest/compose.ts';
import { deliverDigest, slackErrorCode } from '../digest/post.ts';
import {
  type DigestSchedule,
  describeSchedule,
  digestPeriodFor,
  nextOccurrence,
} from '../digest/schedule.ts';
import { type CommandContext, type CommandHandler, replyEphemeral } from './context.ts';
import { describeDigest } from './subscribe.ts';

/** Without a subscription, a channel gets the default: the org leadership digest, weekly on Monday 09:00. */
function defaultSubscription(
  channel: string,
  tz: string,
): Pick<SubscriptionDoc, 'channel' | 'scope' | 'audience'> & DigestSchedule {
  return {
    channel,
    cadence: 'weekly',
    weekday: 1,
    time: '09:00',
    tz,
    scope: { kind: 'org' },
    audience: 'leadership',
  };
}

async function resolveTarget(ctx: CommandContext, channel: string) {
  const existing = await ctx.deps.collections.subscriptions.findOne({ channel });
  const subscription =
    existing ?? defaultSubscription(channel, await subscriberTimeZone(ctx.deps, ctx.userId));
  return { subscription, subscribed: existing !== null };
}

/**
 * `/ai-roi digest preview [#channel]`: the channel's next digest, privately (numbers as of now).
 * `/ai-roi digest now [#channel]`: post it to the channel now (outside the schedule; the scheduled
 * post still happens). Managers of the digest's team (any manager for org digests) and admins.
 */
export const handleDigest: CommandHandler<'digest'> = async (command, ctx) => {
  const { deps } = ctx;
  const channel = command.channelId ?? ctx.channelId;
  const { subscription, subscribed } = await resolveTarget(ctx, channel);
  const role = await resolveRole(deps, ctx.userId);
  const team = subscription.scope.kind === 'team' ? subscription.scope.team : undefined;
  const access = requireManager(role, team, command.action === 'now' ? 'post digests' : 'preview digests');
  if (!access.ok) {
    await replyEphemeral(ctx, access.reason);
    return;
  }
  const now = deps.now();

  if (command.action === 'preview') {
    const next = nextOccurrence(subscription, now);
    const { period } = digestPeriodFor(subscription, next);
    const digest = await composeDigest(deps, subscription, period, now);
    const intro = subscribed
      ? `Preview of ${describeDigest(subscription)} in <#${channel}> (${describeSchedule(subscription)}); it posts ${slackDate(next)}. Numbers as of now; only you can see this.`
      : `<#${channel}> has no digest subscription. This is what ${describeDigest(subscription)} would look like (${describeSchedule(subscription)}); subscribe with \`/ai-roi subscribe <#${channel}>\`. Only you can see this.`;
    await replyEphemeral(ctx, intro);
    const message = digest.message();
    await ctx.respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
    return;
  }

  const check = await checkBotInChannel(ctx.client, channel);
  if (!check.ok) {
    await replyEphemeral(ctx, `${check.message} Nothing was posted.`);
    return;
  }
  const { period } = digestPeriodFor(subscription, now);
  const digest = await composeDigest(deps, subscription, period, now);
  try {
    const delivered = await deliverDigest(deps, channel, digest);
    const chart =
      delivered.chart === 'attached' ? ' with its chart' : ' (the chart could not be attached this time)';
    await replyEphemeral(
      ctx,
      `Posted ${describeDigest(subscription)} for ${period.label} to <#${channel}>${chart}.`,
    );
  } catch (error) {
    const code = slackErrorCode(error);
    deps.logger.warn({ err: error, channel }, 'digest now failed');
    const hint = code === 'not_in_channel' ? ` ${inviteHint(channel)}` : ' Please try again in a minute.';
    await replyEphemeral(
      ctx,
      `I could not post the digest to <#${channel}>${code ? ` (\`${code}\`)` : ''}.${hint}`,
    );
  }
};
