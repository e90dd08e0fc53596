import { buildHelpMessage } from '../../blocks/help.ts';
import { COMMAND_HELP } from '../domain/command-help.ts';
import type { CommandHandler } from './context.ts';

export const handleHelp: CommandHandler<'help'> = async (command, ctx) => {
  const entries = command.topic ? COMMAND_HELP.filter((entry) => entry.name === command.topic) : COMMAND_HELP;
  const message = buildHelpMessage(
    entries.map((e) => ({ usage: e.usage, description: e.description, example: e.examples[0] ?? '' })),
  );
  await ctx.respond({ response_type: 'ephemeral', ...message });
};
