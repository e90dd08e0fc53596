/**
 * What every classification listener shares: reading a block_actions payload defensively, telling the
 * clicking user something privately, and refreshing the surfaces after a change.
 */
import type { AllMiddlewareArgs, BlockAction, RespondFn, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../deps.ts';
import { VIEWS } from '../ids.ts';
import { refreshHomeAfterChange } from './home.ts';
import { refreshPromptMessage, refreshQueueModal } from './messages.ts';

export type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export type Origin =
  | { kind: 'message'; channel: string; ts: string; blocks?: unknown[]; text?: string }
  | { kind: 'home' }
  /** The `/ai-roi classify` queue modal: the prompt's blocks in a view, updated with views.update. */
  | { kind: 'queue'; viewId: string; blocks?: unknown[] }
  | { kind: 'other' };

export interface InteractionContext {
  deps: AppDeps;
  client: WebClient;
  userId: string;
  respond?: RespondFn;
  origin: Origin;
  /** slack://app?…&tab=home, from the payload's team and app ids. */
  appHomeUrl?: string;
  /** When the user clicked (Slack's action_ts, never later than our clock). */
  at: Date;
  triggerId?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The click time from action_ts ("1700000000.123456"); our clock when absent, malformed or ahead. */
export function clickTime(actionTs: unknown, now: Date): Date {
  if (typeof actionTs !== 'string' || !/^\d{9,11}(\.\d{1,6})?$/.test(actionTs)) return now;
  const ms = Math.round(Number(actionTs) * 1000);
  return ms > now.getTime() ? now : new Date(ms);
}

export function interactionContext(args: ActionArgs, deps: AppDeps): InteractionContext {
  const { body, client } = args;
  const container: Record<string, unknown> = isRecord(body.container) ? body.container : {};
  let origin: Origin = { kind: 'other' };
  if (
    container.type === 'message' &&
    typeof container.channel_id === 'string' &&
    typeof container.message_ts === 'string'
  ) {
    const blocks: unknown = body.message?.blocks;
    origin = {
      kind: 'message',
      channel: container.channel_id,
      ts: container.message_ts,
      ...(Array.isArray(blocks) ? { blocks } : {}),
      ...(typeof body.message?.text === 'string' ? { text: body.message.text } : {}),
    };
  } else if (container.type === 'view' && body.view?.type === 'home') {
    origin = { kind: 'home' };
  } else if (container.type === 'view' && body.view?.callback_id === VIEWS.queueModal && body.view.id) {
    const blocks: unknown = body.view.blocks;
    origin = { kind: 'queue', viewId: body.view.id, ...(Array.isArray(blocks) ? { blocks } : {}) };
  }
  const team = body.team?.id ?? body.user.team_id;
  const ctx: InteractionContext = {
    deps,
    client,
    userId: body.user.id,
    origin,
    at: clickTime(body.actions?.[0]?.action_ts, deps.now()),
  };
  if (typeof body.response_url === 'string' && body.response_url && typeof args.respond === 'function') {
    ctx.respond = args.respond;
  }
  if (team && body.api_app_id) ctx.appHomeUrl = `slack://app?team=${team}&id=${body.api_app_id}&tab=home`;
  if (typeof body.trigger_id === 'string') ctx.triggerId = body.trigger_id;
  return ctx;
}

/** The raw `value` of the clicked element (button value or selected option value). */
export function actionValue(action: unknown): unknown {
  if (!isRecord(action)) return undefined;
  if (action.value !== undefined) return action.value;
  const selected = action.selected_option;
  return isRecord(selected) ? selected.value : undefined;
}

/**
 * A private note to the clicking user: ephemeral through response_url in messages; a DM from App Home,
 * which has no response_url and no place for ephemeral messages.
 */
export async function tellUser(ctx: InteractionContext, text: string): Promise<void> {
  try {
    if (ctx.respond) {
      await ctx.respond({ response_type: 'ephemeral', replace_original: false, text });
      return;
    }
    await ctx.client.chat.postMessage({ channel: ctx.userId, text });
  } catch (error) {
    ctx.deps.logger.error({ err: error, userId: ctx.userId }, 'could not tell the user');
  }
}

export const MESSAGES = {
  tampered:
    'That button carried data I could not read, so nothing was recorded. Classify the session from the *Home* tab of ai-roi instead.',
  notFound: 'That session no longer exists, so nothing was recorded.',
  foreign:
    'That session belongs to someone else, so nothing was recorded: people classify their own sessions. (Managers can change a team member’s class with `/ai-roi reclassify`, which is audited.)',
  failed: 'Sorry, recording that failed on our side; nothing was changed. Please try again.',
  nothingLeft: 'Nothing left to classify there: every one of those sessions already has an answer.',
} as const;

/**
 * After a change: the message (or queue modal) the click came from is re-rendered in place (one
 * chat.update / views.update), the Home is re-published when the click came from it or the user has one.
 */
export async function refreshAfterChange(
  ctx: InteractionContext,
  options: { message?: boolean } = {},
): Promise<void> {
  const { deps, origin } = ctx;
  // The answer is stored by now: a failed refresh is logged, never reported as a failed answer.
  try {
    if (origin.kind === 'queue' && options.message !== false) {
      await refreshQueueModal(deps, {
        client: ctx.client,
        userId: ctx.userId,
        viewId: origin.viewId,
        ...(origin.blocks ? { blocks: origin.blocks } : {}),
        ...(ctx.appHomeUrl ? { appHomeUrl: ctx.appHomeUrl } : {}),
      });
    }
    if (origin.kind === 'message' && options.message !== false) {
      await refreshPromptMessage(deps, {
        client: ctx.client,
        userId: ctx.userId,
        channel: origin.channel,
        ts: origin.ts,
        ...(origin.blocks ? { blocks: origin.blocks } : {}),
        ...(origin.text ? { text: origin.text } : {}),
        ...(ctx.appHomeUrl ? { appHomeUrl: ctx.appHomeUrl } : {}),
      });
    }
    await refreshHomeAfterChange(deps, ctx.userId, { client: ctx.client, force: origin.kind === 'home' });
  } catch (error) {
    deps.logger.error({ err: error, userId: ctx.userId }, 'refreshing after a classification failed');
  }
}
