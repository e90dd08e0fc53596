import { openNoteFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** The per-session overflow: "Add a note / link an issue" opens the modal; "Open in App Home" points there. */
export async function handleSessionOverflow(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  const selected = (args.action as { selected_option?: { url?: unknown } }).selected_option;
  await openNoteFromClick(
    interactionContext(args, deps),
    actionValue(args.action),
    typeof selected?.url === 'string',
  );
}
