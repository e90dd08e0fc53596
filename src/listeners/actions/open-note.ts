import { openNoteFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** "Note / issue…" on an App Home queue item: the classify modal. */
export async function handleOpenNote(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  await openNoteFromClick(interactionContext(args, deps), actionValue(args.action));
}
