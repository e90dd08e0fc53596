import { bulkClassifyFromClick } from '../../classification/actions.ts';
import { type ActionArgs, actionValue, interactionContext } from '../../classification/interaction.ts';
import type { AppDeps } from '../../deps.ts';

/** One class for the whole group of small sessions (below the cost floor). */
export async function handleBulkClassifyGroup(args: ActionArgs, deps: AppDeps): Promise<void> {
  await args.ack();
  await bulkClassifyFromClick(
    interactionContext(args, deps),
    actionValue(args.action),
    'group',
    args.action.action_id,
  );
}
