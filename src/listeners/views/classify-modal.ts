import { handleClassifyModalSubmission, type ViewArgs } from '../../classification/modal.ts';
import type { AppDeps } from '../../deps.ts';

/** The classify modal's Save: inline errors through `response_action: errors`, otherwise ack and record. */
export async function handleClassifyModal(args: ViewArgs, deps: AppDeps): Promise<void> {
  try {
    await handleClassifyModalSubmission(args, deps);
  } catch (error) {
    // Only reachable before the ack (a database read failed): Slack shows the modal's generic error.
    deps.logger.error({ err: error, userId: args.body.user.id }, 'classify modal submission failed');
  }
}
