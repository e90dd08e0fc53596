import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { dispatchCommand } from '../../commands/dispatch.ts';
import type { AppDeps } from '../../deps.ts';
import { parseCommand } from '../../domain/command.ts';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * `/ai-roi …`: ack at once (Slack allows 3 s), then parse and answer through respond().
 * Unparseable input gets what was understood, what was wrong and the closest valid usage.
 */
export async function handleAiRoiCommand(
  { ack, respond, command, client }: CommandArgs,
  deps: AppDeps,
): Promise<void> {
  await ack();
  // Slack always sends `text` (empty when none was typed); a body without it must still get an answer.
  const parsed = parseCommand(command.text ?? '');
  if (!parsed.ok) {
    const understood = parsed.understood ? `I read \`${parsed.understood}\`, then: ` : '';
    await respond({
      response_type: 'ephemeral',
      text: `${understood}${parsed.problem}\nUsage: \`${parsed.usage}\``,
    });
    return;
  }
  try {
    await dispatchCommand(parsed.command, {
      deps,
      userId: command.user_id,
      channelId: command.channel_id,
      triggerId: command.trigger_id,
      client,
      respond,
    });
  } catch (error) {
    deps.logger.error({ err: error, command: parsed.command.kind }, '/ai-roi failed');
    await respond({
      response_type: 'ephemeral',
      text: `Sorry, \`/ai-roi ${parsed.command.kind}\` failed on our side; nothing was changed. Please try again.`,
    });
  }
}
