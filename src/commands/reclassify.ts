import { recordAudit } from '../access/audit.ts';
import { isManagerOf, type Role, resolveRole } from '../access/roles.ts';
import type { SessionDoc } from '../db/collections.ts';
import { formatUsd } from '../domain/money.ts';
import { formatDayShort, utcDay } from '../domain/periods.ts';
import type { SessionClass } from '../domain/types.ts';
import { recordClassification } from '../store/classification-store.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';
import { sessionFromArgument } from './session-arg.ts';

const LABEL: Record<SessionClass | 'unclassified', string> = {
  productive: 'Productive',
  exploratory: 'Exploratory',
  wasteful: 'Wasteful',
  unclassified: 'Unclassified',
};

function describeSession(session: SessionDoc): string {
  const where = [session.repo, session.branch].filter(Boolean).join(' on ');
  return `${formatDayShort(utcDay(session.startedAt))}, ${formatUsd(session.costUsd ?? 0)}${where ? `, ${where}` : ''}`;
}

function refusal(role: Role, session: SessionDoc): string | undefined {
  if (role.isAdmin) return undefined;
  if (session.team && isManagerOf(role, session.team)) return undefined;
  if (session.slackUserId === role.userId) {
    return 'Reclassifying is for managers. To change your own answer, use the buttons in App Home or `/ai-roi classify`.';
  }
  if (!session.team) return 'That session belongs to no team, so only a workspace admin can reclassify it.';
  return `Only managers of ${session.team} and workspace admins can reclassify its sessions.`;
}

/** `/ai-roi reclassify SESSION CLASS`: a manager's correction, audited, and the engineer is told by DM. */
export const handleReclassify: CommandHandler<'reclassify'> = async (command, ctx) => {
  const { deps, userId } = ctx;
  const session = await sessionFromArgument(ctx, command.session, '/ai-roi reclassify 65f0c2 productive');
  if (!session) return;
  const role = await resolveRole(deps, userId);
  const refused = refusal(role, session);
  if (refused) {
    await replyEphemeral(ctx, refused);
    return;
  }
  const id = session._id!.toHexString();
  const previous = session.classification?.class ?? 'unclassified';
  if (previous === command.class) {
    await replyEphemeral(
      ctx,
      `Session \`${id}\` (${describeSession(session)}) is already *${LABEL[command.class]}*.`,
    );
    return;
  }
  const now = deps.now();
  const result = await recordClassification(deps.collections, {
    sessionId: session._id!,
    class: command.class,
    by: 'manager',
    userId,
    at: now,
  });
  if (result.status === 'not_found') {
    await replyEphemeral(ctx, 'That session was deleted in the meantime; nothing was changed.');
    return;
  }
  if (result.status !== 'recorded' && result.status !== 'unchanged') {
    await replyEphemeral(
      ctx,
      'A newer answer was recorded for that session in the meantime; nothing was changed.',
    );
    return;
  }
  if (result.status === 'unchanged') {
    await replyEphemeral(
      ctx,
      `Session \`${id}\` (${describeSession(session)}) is already *${LABEL[command.class]}*.`,
    );
    return;
  }
  await recordAudit(
    deps.collections,
    {
      actor: userId,
      action: 'session.reclassify',
      target: `session:${id}`,
      before: {
        class: previous,
        by: session.classification?.by ?? null,
        userId: session.classification?.userId ?? null,
      },
      after: { class: command.class, by: 'manager', userId },
    },
    now,
  );
  let told = '';
  if (session.slackUserId && session.slackUserId !== userId) {
    try {
      await deps.slack.chat.postMessage({
        channel: session.slackUserId,
        text: `<@${userId}> changed the class of your AI session \`${id}\` (${describeSession(session)}) from *${LABEL[previous]}* to *${LABEL[command.class]}*. If you see it differently, talk to them; your other answers are unchanged.`,
      });
      told = ` <@${session.slackUserId}> was told by DM.`;
    } catch (error) {
      deps.logger.warn({ err: error, session: id }, 'reclassify DM failed');
      told = ` I could not DM <@${session.slackUserId}>; please tell them.`;
    }
  }
  await replyEphemeral(
    ctx,
    `Session \`${id}\` (${describeSession(session)}) is now *${LABEL[command.class]}* (was ${LABEL[previous]}). The change is audited.${told}`,
  );
};
