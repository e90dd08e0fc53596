/** `/ai-roi help`: every subcommand with what it does and an example. */
import type { KnownBlock } from '@slack/types';
import { definitionsLine, escapeMrkdwn, packLines } from './format.ts';
import { context, header, type SlackMessage, section } from './kit.ts';
import { LIMITS } from './limits.ts';

export interface HelpEntry {
  /** e.g. `/ai-roi summary [week|month]` */
  usage: string;
  description: string;
  /** e.g. `/ai-roi summary month` */
  example: string;
}

/** Entries beyond what fits in one message are packed several to a section (never more than 50 blocks). */
export function buildHelpMessage(entries: readonly HelpEntry[]): SlackMessage {
  const lines = entries.map(
    (e) =>
      `*\`${escapeMrkdwn(e.usage).replace(/`/g, "'")}\`* — ${escapeMrkdwn(e.description)}\n_e.g._ \`${escapeMrkdwn(e.example).replace(/`/g, "'")}\``,
  );
  // One section per command reads best; pack several per section only if that would exceed the limit.
  const budget = LIMITS.blocks.message - 2;
  const chunks = lines.length <= budget ? lines : packLines(lines, LIMITS.sectionText).slice(0, budget);
  const blocks: KnownBlock[] = [header('ai-roi commands')];
  for (const chunk of chunks) blocks.push(section(chunk));
  blocks.push(context([`Classes: ${definitionsLine()}`]));
  const text = ['ai-roi commands:', ...entries.map((e) => `${e.usage} — ${e.description}`)].join('\n');
  return { text: text.slice(0, LIMITS.messageText), blocks };
}
