import { pageFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** "Next N →" on a long classify prompt. */
export async function handlePageNext(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  await pageFromClick(interactionContext(args, deps), actionValue(args.action));
}
