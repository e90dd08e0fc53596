import { isManagerOf, resolveRole } from '../access/roles.ts';
import type { SessionDoc } from '../db/collections.ts';
import { linkSessionManually, type ManualLinkResult } from '../outcomes/auto-link.ts';
import { type CommandContext, type CommandHandler, replyEphemeral } from './context.ts';
import { sessionFromArgument } from './session-arg.ts';

/** Owners link their own sessions; managers of the session's team and workspace admins may link any of theirs. */
async function refusal(ctx: CommandContext, session: SessionDoc): Promise<string | undefined> {
  if (session.slackUserId && session.slackUserId === ctx.userId) return undefined;
  const role = await resolveRole(ctx.deps, ctx.userId);
  if (role.isAdmin) return undefined;
  if (session.team && isManagerOf(role, session.team)) return undefined;
  return session.team
    ? `That session is not yours. Only its owner, managers of ${session.team} and workspace admins can link it.`
    : 'That session is not yours. Only its owner and workspace admins can link it.';
}

function answer(sessionShort: string, result: ManualLinkResult): string {
  const title = result.issue?.title ? ` (${result.issue.title})` : '';
  const counted = result.outcomes.length
    ? ` It now counts toward ${result.outcomes.map((ref) => `*${ref}*`).join(', ')}.`
    : ' When the issue is completed, the session counts toward it.';
  switch (result.status) {
    case 'linked':
      return `Linked session \`${sessionShort}\` to *${result.identifier}*${title}.${counted}`;
    case 'already_linked':
      return `Session \`${sessionShort}\` is already linked to *${result.identifier}*${title}.${result.outcomes.length ? counted : ''}`;
    case 'unknown_issue':
      return `Linear does not know *${result.identifier}*, so it is kept as unconfirmed and does not count. Check the identifier and run \`/ai-roi link ${sessionShort} ENG-123\` again.`;
    case 'unconfirmed':
      return `Linked session \`${sessionShort}\` to *${result.identifier}*, unconfirmed for now: Linear could not be reached. It is checked again automatically.`;
  }
}

/** `/ai-roi link SESSION ENG-123`: link a session to a Linear issue by hand (evidence `manual`). */
export const handleLink: CommandHandler<'link'> = async (command, ctx) => {
  const { deps } = ctx;
  const session = await sessionFromArgument(ctx, command.session, '/ai-roi link 65f0c2 ENG-123');
  if (!session) return;
  const refused = await refusal(ctx, session);
  if (refused) {
    await replyEphemeral(ctx, refused);
    return;
  }
  const result = await linkSessionManually(deps, {
    sessionId: session._id!,
    identifier: command.issue,
    userId: ctx.userId,
  });
  // 12 characters: the creation second plus 4 random hex digits, so sessions stored together stay apart.
  await replyEphemeral(ctx, answer(session._id!.toHexString().slice(0, 12), result));
};
