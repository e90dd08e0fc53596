/**
 * Updating a classify DM in place. The message's blocks (from the click payload, or as last stored on its
 * prompt_posts row) are the skeleton; every session in it is re-rendered from the database, so the
 * message always shows what is recorded — even after clicks processed out of order or answers given
 * elsewhere — at the cost of one chat.update.
 */
import type { Block, KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { ObjectId } from 'mongodb';
import {
  buildClassifiedSessionBlocks,
  buildPromptSessionBlocks,
  replaceSessionBlocks,
  replaceSmallGroupBlocks,
} from '../../blocks/classify-prompt.ts';
import type { SlackMessage } from '../../blocks/kit.ts';
import { buildQueueModal } from '../../blocks/queue-modal.ts';
import { parseSessionBlockId } from '../../blocks/values.ts';
import type { AppDeps } from '../deps.ts';
import { isObjectIdHex } from '../domain/classification.ts';
import {
  loadSuggestionFacts,
  recordedOf,
  SESSION_VIEW_PROJECTION,
  type SessionView,
  toPromptSession,
} from './session-view.ts';

type MessageDeps = Pick<AppDeps, 'collections' | 'logger' | 'now'>;

type AnyBlock = Block & Record<string, unknown>;

const FALLBACK_TEXT = 'Classify your AI sessions: productive, exploratory or wasteful?';

function asBlocks(raw: unknown): AnyBlock[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const ok = raw.every(
    (b) =>
      typeof b === 'object' &&
      b !== null &&
      typeof (b as { type?: unknown }).type === 'string' &&
      ['string', 'undefined'].includes(typeof (b as { block_id?: unknown }).block_id),
  );
  return ok ? (raw as AnyBlock[]) : undefined;
}

/** Session ids named by the block ids of a message (only ids that can be stored sessions). */
export function sessionIdsIn(blocks: readonly { block_id?: string }[]): string[] {
  const ids = new Set<string>();
  for (const block of blocks) {
    const parsed = parseSessionBlockId(block.block_id);
    if (parsed && isObjectIdHex(parsed.sessionId)) ids.add(parsed.sessionId);
  }
  return [...ids];
}

export interface RefreshMessageInput {
  client: WebClient;
  userId: string;
  channel: string;
  ts: string;
  blocks?: unknown[];
  text?: string;
  appHomeUrl?: string;
  /** Replaces the small-session group (after one of its buttons was used). */
  smallGroup?: KnownBlock[];
}

/** Re-render the sessions of a prompt DM from the database and chat.update it. False when it could not. */
export async function refreshPromptMessage(deps: MessageDeps, input: RefreshMessageInput): Promise<boolean> {
  const stored = input.blocks
    ? undefined
    : await deps.collections.promptPosts.findOne({ channel: input.channel, messageTs: input.ts });
  const skeleton = asBlocks(input.blocks) ?? asBlocks(stored?.blocks);
  if (!skeleton) return false;
  const blocks = await renderSessions(deps, input.userId, skeleton, input);
  return updateMessage(deps, input.client, {
    channel: input.channel,
    ts: input.ts,
    message: { text: input.text || FALLBACK_TEXT, blocks },
  });
}

/** The same for the `/ai-roi classify` queue modal (views.update). */
export async function refreshQueueModal(
  deps: MessageDeps,
  input: {
    client: WebClient;
    userId: string;
    viewId: string;
    blocks?: unknown[];
    appHomeUrl?: string;
    smallGroup?: KnownBlock[];
  },
): Promise<boolean> {
  const skeleton = asBlocks(input.blocks);
  if (!skeleton) return false;
  const blocks = await renderSessions(deps, input.userId, skeleton, input);
  return updateQueueModal(deps, input.client, input.viewId, { text: FALLBACK_TEXT, blocks });
}

/** views.update of the queue modal with a prompt-shaped body. */
export async function updateQueueModal(
  deps: MessageDeps,
  client: WebClient,
  viewId: string,
  message: { text: string; blocks: (Block | KnownBlock)[] },
): Promise<boolean> {
  try {
    // The blocks are the modal's own (as Slack echoed them) with re-rendered session blocks.
    await client.views.update({
      view_id: viewId,
      view: buildQueueModal({ text: message.text, blocks: message.blocks as KnownBlock[] }),
    });
    return true;
  } catch (error) {
    deps.logger.error({ err: error, viewId }, 'views.update of the classify queue failed');
    return false;
  }
}

async function renderSessions(
  deps: MessageDeps,
  userId: string,
  skeleton: AnyBlock[],
  input: { appHomeUrl?: string; smallGroup?: KnownBlock[] },
): Promise<(AnyBlock | KnownBlock)[]> {
  const ids = sessionIdsIn(skeleton);
  const docs = (await deps.collections.sessions
    .find(
      { _id: { $in: ids.map((id) => new ObjectId(id)) }, slackUserId: userId },
      { projection: SESSION_VIEW_PROJECTION },
    )
    .toArray()) as SessionView[];
  const facts = await loadSuggestionFacts(deps.collections, docs);

  let blocks: (AnyBlock | KnownBlock)[] = skeleton;
  if (input.smallGroup) blocks = replaceSmallGroupBlocks(blocks, input.smallGroup);
  for (const doc of docs) {
    const view = toPromptSession(doc, facts);
    const recorded = recordedOf(doc);
    const replacement = recorded
      ? buildClassifiedSessionBlocks(view, recorded)
      : buildPromptSessionBlocks(view, input.appHomeUrl ? { appHomeUrl: input.appHomeUrl } : {});
    blocks = replaceSessionBlocks(blocks, view.id, replacement);
  }
  return blocks;
}

/** chat.update, and remember the new blocks on the prompt_posts row (the skeleton for later updates). */
export async function updateMessage(
  deps: MessageDeps,
  client: WebClient,
  input: {
    channel: string;
    ts: string;
    message: { text: string; blocks: (Block | KnownBlock)[] } | SlackMessage;
  },
): Promise<boolean> {
  try {
    await client.chat.update({
      channel: input.channel,
      ts: input.ts,
      text: input.message.text,
      blocks: input.message.blocks,
    });
  } catch (error) {
    // The answer is already stored; the message catches up on the next click or from App Home.
    deps.logger.error(
      { err: error, channel: input.channel, ts: input.ts },
      'chat.update of a classify DM failed',
    );
    return false;
  }
  await deps.collections.promptPosts.updateOne(
    { channel: input.channel, messageTs: input.ts },
    { $set: { blocks: input.message.blocks, updatedAt: deps.now() } },
  );
  return true;
}
