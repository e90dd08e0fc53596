import { buildClassifyPrompt } from '../../blocks/classify-prompt.ts';
import { buildQueueLoadingModal, buildQueueModal } from '../../blocks/queue-modal.ts';
import { loadUnanswered, toPromptSession } from '../classification/session-view.ts';
import { type CommandHandler, replyEphemeral } from './context.ts';

/** More than anyone should have waiting; the prompt lists the biggest and offers "classify all remaining". */
const QUEUE_READ_LIMIT = 500;

/**
 * `/ai-roi classify`: opens the caller's queue in a modal. The modal opens first (the trigger_id is only valid
 * for 3 s, so it must not wait for the database) and is then filled in with views.update.
 */
export const handleClassify: CommandHandler<'classify'> = async (_command, ctx) => {
  const { deps, userId } = ctx;
  let viewId: string | undefined;
  try {
    const opened = await ctx.client.views.open({ trigger_id: ctx.triggerId, view: buildQueueLoadingModal() });
    viewId = opened.view?.id;
  } catch (error) {
    deps.logger.warn({ err: error, userId }, 'views.open failed for /ai-roi classify');
  }
  if (!viewId) {
    await replyEphemeral(
      ctx,
      'I could not open the window (Slack took too long). Your unclassified sessions are in my App Home tab; or try `/ai-roi classify` again.',
    );
    return;
  }
  const { sessions: docs, facts } = await loadUnanswered(deps.collections, userId, {
    limit: QUEUE_READ_LIMIT,
  });
  const prompt = buildClassifyPrompt({
    sessions: docs.map((doc) => toPromptSession(doc, facts)),
    costFloorUsd: deps.config.PROMPT_COST_FLOOR_USD,
  });
  await ctx.client.views.update({ view_id: viewId, view: buildQueueModal(prompt) });
};
