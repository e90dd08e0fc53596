import type { SessionDoc } from '../db/collections.ts';
import { findSessionByRef } from '../reports/session-ref.ts';
import { type CommandContext, replyEphemeral } from './context.ts';

/**
 * The session a command names by id (or its first characters). When there is not exactly one, the caller
 * has been told what to type and undefined is returned.
 */
export async function sessionFromArgument(
  ctx: CommandContext,
  ref: string,
  example: string,
): Promise<SessionDoc | undefined> {
  const lookup = await findSessionByRef(ctx.deps.collections, ref);
  if (lookup.status === 'found') return lookup.session;
  await replyEphemeral(
    ctx,
    lookup.status === 'ambiguous'
      ? `Several sessions have ids starting with \`${ref}\`; type more of the id.`
      : `No session has an id starting with \`${ref}\`. Copy the id from the session message, App Home or an export, e.g. \`${example}\`.`,
  );
  return undefined;
}
