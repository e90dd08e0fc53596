import { classifyFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** Productive / Exploratory / Wasteful (and "Change to …"): ack, record, update the message in place. */
export async function handleClassifySession(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  await classifyFromClick(interactionContext(args, deps), args.action.action_id, actionValue(args.action));
}
