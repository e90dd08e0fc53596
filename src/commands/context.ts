import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../deps.ts';
import type { Command } from '../domain/command.ts';

/** Everything a subcommand handler needs; handlers run after the ack and answer through `respond`. */
export interface CommandContext {
  deps: AppDeps;
  /** The caller's Slack user id. */
  userId: string;
  channelId: string;
  triggerId: string;
  /** Web API client with the bot token (from Bolt's context). */
  client: WebClient;
  respond: RespondFn;
}

export type CommandOf<K extends Command['kind']> = Extract<Command, { kind: K }>;

export type CommandHandler<K extends Command['kind']> = (
  command: CommandOf<K>,
  ctx: CommandContext,
) => Promise<void>;

/** Ephemeral answer helper: personal data never goes to the channel unless asked for (`share`). */
export async function replyEphemeral(ctx: CommandContext, text: string, blocks?: unknown[]): Promise<void> {
  await ctx.respond({ response_type: 'ephemeral', text, ...(blocks ? { blocks: blocks as never } : {}) });
}
