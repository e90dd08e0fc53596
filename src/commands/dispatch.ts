import type { Command } from '../domain/command.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import { handleHelp } from './help.ts';

type Handlers = { [K in Command['kind']]?: CommandHandler<K> };

/**
 * Subcommand → handler. Each feature registers its handlers in its own module; a subcommand without a
 * handler yet answers that it is not available rather than failing silently.
 */
const HANDLERS: Handlers = {
  help: handleHelp,
};

export async function dispatchCommand(command: Command, ctx: CommandContext): Promise<void> {
  const handler = HANDLERS[command.kind] as CommandHandler<typeof command.kind> | undefined;
  if (!handler) {
    await ctx.respond({
      response_type: 'ephemeral',
      text: `\`/ai-roi ${command.kind}\` is not available in this version yet. Try \`/ai-roi help\`.`,
    });
    return;
  }
  await handler(command as never, ctx);
}
