import type { Command } from '../domain/command.ts';
import { handleBudget } from './budget.ts';
import { handleClassify } from './classify.ts';
import type { CommandContext, CommandHandler } from './context.ts';
import { handleDigest } from './digest.ts';
import { handleExport } from './export.ts';
import { handleForecast } from './forecast.ts';
import { handleHelp } from './help.ts';
import { handleLink } from './link.ts';
import { handleMap } from './map.ts';
import { handlePrefs } from './prefs.ts';
import { handleReclassify } from './reclassify.ts';
import { handleSubscribe } from './subscribe.ts';
import { handleSummary } from './summary.ts';
import { handleTeam } from './team.ts';
import { handleTemplates } from './templates.ts';
import { handleUnmapped } from './unmapped.ts';
import { handleUnsubscribe } from './unsubscribe.ts';

type Handlers = { [K in Command['kind']]?: CommandHandler<K> };

/**
 * Subcommand → handler. Each feature registers its handlers in its own module; a subcommand without a
 * handler yet answers that it is not available rather than failing silently.
 */
const HANDLERS: Handlers = {
  help: handleHelp,
  summary: handleSummary,
  budget: handleBudget,
  forecast: handleForecast,
  team: handleTeam,
  map: handleMap,
  unmapped: handleUnmapped,
  classify: handleClassify,
  reclassify: handleReclassify,
  export: handleExport,
  subscribe: handleSubscribe,
  unsubscribe: handleUnsubscribe,
  digest: handleDigest,
  templates: handleTemplates,
  prefs: handlePrefs,
  link: handleLink,
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
