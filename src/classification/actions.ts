/**
 * The self-classification flows behind the buttons (listeners ack, then call these). Every flow checks the
 * clicked value and the session's owner before writing, writes before calling Slack, and tells the user
 * privately when it refuses.
 */
import { ObjectId } from 'mongodb';
import { PROMPT_MODE_LABEL } from '../../blocks/app-home.ts';
import { buildClassifyModal, type IssueRef } from '../../blocks/classify-modal.ts';
import {
  buildBulkClassifiedMessage,
  buildClassifyPrompt,
  buildSmallGroupClassifiedBlocks,
} from '../../blocks/classify-prompt.ts';
import {
  type BulkTarget,
  classFromActionId,
  decodeBulkTarget,
  decodePage,
  decodeSessionAction,
} from '../../blocks/values.ts';
import { PROMPT_MODES } from '../config.ts';
import { isObjectIdHex } from '../domain/classification.ts';
import type { PromptMode, SessionClass } from '../domain/types.ts';
import {
  type ClassificationWrite,
  recordClassification,
  recordClassifications,
  undoClassification,
} from '../store/classification-store.ts';
import { publishHome } from './home.ts';
import { type InteractionContext, MESSAGES, refreshAfterChange, tellUser } from './interaction.ts';
import { refreshPromptMessage, refreshQueueModal, updateMessage, updateQueueModal } from './messages.ts';
import { setPromptMode } from './people.ts';
import {
  linkedIssueOf,
  loadSuggestionFacts,
  loadUnanswered,
  SESSION_VIEW_PROJECTION,
  type SessionView,
  toPromptSession,
  unansweredFilter,
} from './session-view.ts';

/** Matches `/ai-roi classify`: more than anyone should have waiting. */
const QUEUE_READ_LIMIT = 500;

/** Refusals for a write result; undefined when the write went through (recorded, stale or unchanged). */
function refusal(result: ClassificationWrite): string | undefined {
  if (result.status === 'not_found') return MESSAGES.notFound;
  if (result.status === 'forbidden') return MESSAGES.foreign;
  return undefined;
}

async function guarded(ctx: InteractionContext, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    ctx.deps.logger.error({ err: error, userId: ctx.userId }, `${what} failed`);
    await tellUser(ctx, MESSAGES.failed);
  }
}

/** One click on Productive / Exploratory / Wasteful (or "Change to …"). */
export async function classifyFromClick(
  ctx: InteractionContext,
  actionId: string,
  raw: unknown,
): Promise<void> {
  const expected = classFromActionId(actionId);
  const value = decodeSessionAction(raw);
  if (!expected || !value || value.op || value.class !== expected || !isObjectIdHex(value.sessionId)) {
    ctx.deps.logger.warn({ userId: ctx.userId, actionId }, 'classify click with an unreadable value');
    await tellUser(ctx, MESSAGES.tampered);
    return;
  }
  await guarded(ctx, 'classification', async () => {
    const result = await recordClassification(ctx.deps.collections, {
      sessionId: value.sessionId,
      class: expected,
      by: 'self',
      userId: ctx.userId,
      at: ctx.at,
      ownerId: ctx.userId,
      keepNote: true,
    });
    const refused = refusal(result);
    if (refused) {
      await tellUser(ctx, refused);
      return;
    }
    await refreshAfterChange(ctx);
  });
}

export async function undoFromClick(ctx: InteractionContext, raw: unknown): Promise<void> {
  const value = decodeSessionAction(raw);
  if (value?.op !== 'undo' || value.class || !isObjectIdHex(value.sessionId)) {
    await tellUser(ctx, MESSAGES.tampered);
    return;
  }
  await guarded(ctx, 'undo', async () => {
    const result = await undoClassification(ctx.deps.collections, {
      sessionId: value.sessionId,
      by: 'self',
      userId: ctx.userId,
      at: ctx.at,
      ownerId: ctx.userId,
    });
    const refused = refusal(result);
    if (refused) {
      await tellUser(ctx, refused);
      return;
    }
    await refreshAfterChange(ctx);
  });
}

/** Overflow "Add a note / link an issue" and the Home "Note / issue…" button: the classify modal. */
export async function openNoteFromClick(
  ctx: InteractionContext,
  raw: unknown,
  selectedHasUrl = false,
): Promise<void> {
  const value = decodeSessionAction(raw);
  if (
    !value ||
    value.class ||
    !isObjectIdHex(value.sessionId) ||
    (value.op !== 'note' && value.op !== 'home')
  ) {
    await tellUser(ctx, MESSAGES.tampered);
    return;
  }
  if (value.op === 'home') {
    // An option with a URL already took the user there; without one, give them the way.
    if (!selectedHasUrl) {
      const where = ctx.appHomeUrl ? `<${ctx.appHomeUrl}|App Home>` : 'the *Home* tab of ai-roi';
      await tellUser(ctx, `Your unclassified sessions are all in ${where}.`);
    }
    return;
  }
  await guarded(ctx, 'opening the classify modal', async () => {
    const { deps } = ctx;
    const session = (await deps.collections.sessions.findOne(
      { _id: new ObjectId(value.sessionId) },
      { projection: SESSION_VIEW_PROJECTION },
    )) as SessionView | null;
    if (!session) return tellUser(ctx, MESSAGES.notFound);
    if (session.slackUserId !== ctx.userId) return tellUser(ctx, MESSAGES.foreign);
    if (!ctx.triggerId) return tellUser(ctx, MESSAGES.tampered);
    const facts = await loadSuggestionFacts(deps.collections, [session]);
    const identifier = linkedIssueOf(session);
    let issue: IssueRef | undefined;
    if (identifier) {
      const cached = await deps.collections.linearIssues.findOne(
        { identifier },
        { projection: { title: 1 } },
      );
      issue = cached?.title ? { identifier, title: cached.title } : { identifier };
    }
    const view = buildClassifyModal({
      session: toPromptSession(session, facts),
      linearSearchEnabled: Boolean(deps.config.LINEAR_API_KEY),
      ...(session.classification ? { currentClass: session.classification.class } : {}),
      ...(session.classification?.note ? { note: session.classification.note } : {}),
      ...(issue ? { issue } : {}),
      ...(ctx.origin.kind === 'message'
        ? { origin: { channel: ctx.origin.channel, ts: ctx.origin.ts } }
        : ctx.origin.kind === 'home'
          ? { origin: 'home' as const }
          : {}),
    });
    // From the queue modal the form stacks on top of it; elsewhere it opens fresh.
    if (ctx.origin.kind === 'queue') await ctx.client.views.push({ trigger_id: ctx.triggerId, view });
    else await ctx.client.views.open({ trigger_id: ctx.triggerId, view });
  });
}

function sessionsOf(target: BulkTarget): Record<string, unknown> {
  if ('sessionIds' in target) {
    return { _id: { $in: target.sessionIds.filter(isObjectIdHex).map((id) => new ObjectId(id)) } };
  }
  return {
    startedAt: { $lte: target.startedUpTo },
    ...(target.belowCostUsd !== undefined ? { costUsd: { $lt: target.belowCostUsd } } : {}),
  };
}

/**
 * "Classify all remaining as …" (select with confirmation) and the small-session group buttons: every
 * still-unanswered session of the clicking user in the target. Answers already given are never overridden.
 */
export async function bulkClassifyFromClick(
  ctx: InteractionContext,
  raw: unknown,
  kind: 'all' | 'group',
  actionId?: string,
): Promise<void> {
  const target = decodeBulkTarget(raw);
  const expected = kind === 'group' ? classFromActionId(actionId ?? '') : target?.class;
  if (!target || target.class !== expected) {
    await tellUser(ctx, MESSAGES.tampered);
    return;
  }
  if ('sessionIds' in target && !target.sessionIds.every(isObjectIdHex)) {
    await tellUser(ctx, MESSAGES.tampered);
    return;
  }
  await guarded(ctx, 'bulk classification', async () => {
    const { deps } = ctx;
    const cls: SessionClass = target.class;
    const scope = sessionsOf(target);
    const [mine, foreign] = await Promise.all([
      deps.collections.sessions
        .find({ ...unansweredFilter(ctx.userId), ...scope }, { projection: { _id: 1, costUsd: 1 } })
        .toArray(),
      'sessionIds' in target
        ? deps.collections.sessions.countDocuments({ ...scope, slackUserId: { $ne: ctx.userId } })
        : Promise.resolve(0),
    ]);
    const results = await recordClassifications(
      deps.collections,
      mine.map((s) => ({
        sessionId: s._id,
        class: cls,
        by: 'self' as const,
        userId: ctx.userId,
        at: ctx.at,
        ownerId: ctx.userId,
        onlyIfUnclassified: true,
      })),
    );
    let count = 0;
    let totalUsd = 0;
    results.forEach((result, i) => {
      if (result.status !== 'recorded') return;
      count += 1;
      totalUsd += mine[i]?.costUsd ?? 0;
    });
    if (foreign > 0) await tellUser(ctx, MESSAGES.foreign);
    if (count === 0) {
      // Nothing of theirs was left to answer: leave the message as it is.
      if (foreign === 0) await tellUser(ctx, MESSAGES.nothingLeft);
      return;
    }
    await showBulkResult(ctx, kind, { class: cls, count, totalUsd });
    await refreshAfterChange(ctx, { message: false });
  });
}

/** The surface a bulk answer came from, updated to say what was recorded (failures are only logged). */
async function showBulkResult(
  ctx: InteractionContext,
  kind: 'all' | 'group',
  summary: { class: SessionClass; count: number; totalUsd: number },
): Promise<void> {
  const { deps } = ctx;
  const appHome = ctx.appHomeUrl ? { appHomeUrl: ctx.appHomeUrl } : {};
  try {
    if (ctx.origin.kind === 'queue') {
      if (kind === 'all') {
        await updateQueueModal(deps, ctx.client, ctx.origin.viewId, buildBulkClassifiedMessage(summary));
      } else {
        await refreshQueueModal(deps, {
          client: ctx.client,
          userId: ctx.userId,
          viewId: ctx.origin.viewId,
          smallGroup: buildSmallGroupClassifiedBlocks(summary),
          ...(ctx.origin.blocks ? { blocks: ctx.origin.blocks } : {}),
          ...appHome,
        });
      }
    }
    if (ctx.origin.kind === 'message') {
      if (kind === 'all') {
        await updateMessage(deps, ctx.client, {
          channel: ctx.origin.channel,
          ts: ctx.origin.ts,
          message: buildBulkClassifiedMessage({ ...summary, ...appHome }),
        });
      } else {
        await refreshPromptMessage(deps, {
          client: ctx.client,
          userId: ctx.userId,
          channel: ctx.origin.channel,
          ts: ctx.origin.ts,
          smallGroup: buildSmallGroupClassifiedBlocks(summary),
          ...(ctx.origin.blocks ? { blocks: ctx.origin.blocks } : {}),
          ...(ctx.origin.text ? { text: ctx.origin.text } : {}),
          ...appHome,
        });
      }
    }
  } catch (error) {
    deps.logger.error({ err: error, userId: ctx.userId }, 'showing a bulk classification failed');
  }
}

/** "Next N →" on a long prompt (DM or queue modal): the next page of its still-unanswered sessions. */
export async function pageFromClick(ctx: InteractionContext, raw: unknown): Promise<void> {
  const page = decodePage(raw);
  const { origin } = ctx;
  if (page === undefined || (origin.kind !== 'message' && origin.kind !== 'queue')) {
    await tellUser(ctx, MESSAGES.tampered);
    return;
  }
  await guarded(ctx, 'paging a prompt', async () => {
    const { deps } = ctx;
    let scope: Record<string, unknown> = {};
    if (origin.kind === 'message') {
      const post = await deps.collections.promptPosts.findOne({
        channel: origin.channel,
        messageTs: origin.ts,
      });
      if (!post) return tellUser(ctx, MESSAGES.tampered);
      if (post.slackUserId !== ctx.userId) return tellUser(ctx, MESSAGES.foreign);
      scope = { _id: { $in: [...post.sessionIds, ...post.reminderSessionIds] } };
    }
    // The queue modal pages through the whole queue, as `/ai-roi classify` built it.
    const { sessions, facts } = await loadUnanswered(deps.collections, ctx.userId, {
      limit: QUEUE_READ_LIMIT,
      scope,
    });
    const message = buildClassifyPrompt({
      sessions: sessions.map((s) => toPromptSession(s, facts)),
      page,
      costFloorUsd: deps.config.PROMPT_COST_FLOOR_USD,
      ...(ctx.appHomeUrl ? { appHomeUrl: ctx.appHomeUrl } : {}),
    });
    if (origin.kind === 'queue') await updateQueueModal(deps, ctx.client, origin.viewId, message);
    else await updateMessage(deps, ctx.client, { channel: origin.channel, ts: origin.ts, message });
  });
}

export function isPromptMode(value: unknown): value is PromptMode {
  return typeof value === 'string' && (PROMPT_MODES as readonly string[]).includes(value);
}

/** The prompt-preference select on App Home. */
export async function setPromptModeFromClick(ctx: InteractionContext, raw: unknown): Promise<void> {
  if (!isPromptMode(raw)) {
    await tellUser(ctx, MESSAGES.tampered);
    return;
  }
  await guarded(ctx, 'saving the prompt preference', async () => {
    await setPromptMode(ctx.deps, ctx.userId, raw);
    if (ctx.origin.kind === 'home') await publishHome(ctx.deps, ctx.userId, { client: ctx.client });
    else await tellUser(ctx, `Saved: ${PROMPT_MODE_LABEL[raw].toLowerCase()}.`);
  });
}
