import type { ActionArgs } from '../../classification/interaction.ts';

/** "Open App Home" is a link button: Slack opens the URL, but still sends the click, which must be acked. */
export async function handleOpenQueue(args: ActionArgs): Promise<void> {
  await args.ack();
}
