import { undoFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** "Undo" under a recorded answer: back to unclassified, audited. */
export async function handleUndoClassification(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  await undoFromClick(interactionContext(args, deps), actionValue(args.action));
}
