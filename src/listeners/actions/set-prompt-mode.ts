import { setPromptModeFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** The "Ask me to classify sessions" select on App Home. */
export async function handleSetPromptMode(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  await setPromptModeFromClick(interactionContext(args, deps), actionValue(args.action));
}
