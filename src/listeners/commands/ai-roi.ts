import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from '../../deps.ts';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const HELP_LINES = [
  '`/ai-roi help` — this list',
  '`/ai-roi summary [me|@user|team NAME|org] [week|month|30d|YYYY-MM]` — spend, class mix, outcomes',
];

/** `/ai-roi …`: ack at once (Slack allows 3 s), then answer ephemerally through respond(). */
export async function handleAiRoiCommand(
  { ack, respond, command }: CommandArgs,
  deps: AppDeps,
): Promise<void> {
  await ack();
  const text = command.text.trim();
  if (text === '' || text === 'help') {
    await respond({ response_type: 'ephemeral', text: ['*ai-roi commands*', ...HELP_LINES].join('\n') });
    return;
  }
  deps.logger.info({ text }, 'unknown /ai-roi subcommand');
  await respond({
    response_type: 'ephemeral',
    text: `I didn't understand \`${text}\`. Try \`/ai-roi help\`.`,
  });
}
