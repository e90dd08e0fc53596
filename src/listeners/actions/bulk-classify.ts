import { bulkClassifyFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** "Classify all remaining as …" (the select carries its own confirmation dialog). */
export async function handleBulkClassify(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  await bulkClassifyFromClick(interactionContext(args, deps), actionValue(args.action), 'all');
}
