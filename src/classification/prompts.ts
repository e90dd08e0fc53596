/**
 * Classify DMs: who is due (schedule.ts), claiming a DM slot and the sessions it carries, posting, and
 * retrying posts that failed.
 *
 * Exactly-once with any number of instances:
 * - a DM is a prompt_posts row unique on (person, local day, seq ≤ cap): two senders cannot exceed the cap;
 * - a session joins a DM through a guarded update (`prompt.firstSentAt` / `prompt.reminderSentAt` unset →
 *   set with the DM's id), so no session is in two prompts or gets two reminders;
 * - the database is written before Slack is called; a failed chat.postMessage leaves the row unposted and
 *   the prompt job retries it (with backoff, up to MAX_POST_ATTEMPTS), dropping sessions answered meanwhile.
 */
import type { ObjectId } from 'mongodb';
import { buildClassifyPrompt } from '../../blocks/classify-prompt.ts';
import { formatUsd, plural } from '../../blocks/format.ts';
import type { PromptPostDoc, SessionDoc } from '../db/collections.ts';
import type { AppDeps } from '../deps.ts';
import { localDay } from '../domain/periods.ts';
import { loadPromptPeople, type PromptPerson, recordPromptSent } from './people.ts';
import { capFor, type PromptPlan, planPrompt } from './schedule.ts';
import {
  loadSuggestionFacts,
  SESSION_VIEW_PROJECTION,
  type SessionView,
  toPromptSession,
} from './session-view.ts';

export type PromptDeps = Pick<AppDeps, 'collections' | 'config' | 'slack' | 'logger' | 'now'>;

export const MAX_POST_ATTEMPTS = 5;
/** How long a sender holds a DM before a retry may take it over. */
const SEND_LOCK_MS = 2 * 60_000;
const RETRY_BATCH = 100;
const CANDIDATE_LIMIT = 20_000;

export interface PromptRunResult {
  /** DMs posted in this run (first attempts and retries). */
  posted: number;
  failed: number;
  /** People considered and why nothing was sent to some of them. */
  skipped: Record<string, PromptPlan['reason'] | 'slot_taken'>;
}

function emptyResult(): PromptRunResult {
  return { posted: 0, failed: 0, skipped: {} };
}

/** The recurring prompt job: retry failed posts, then DM everyone who is due at their local time. */
export async function runPromptJob(deps: PromptDeps): Promise<PromptRunResult> {
  const result = await retryUnpostedPrompts(deps);
  const fresh = await promptPeople(deps);
  return {
    posted: result.posted + fresh.posted,
    failed: result.failed + fresh.failed,
    skipped: fresh.skipped,
  };
}

/**
 * For the idle-close job: people whose sessions just closed. Those in `immediate` mode are DMed now;
 * everyone else is left to the recurring job's slot at their local time.
 */
export async function schedulePromptsFor(
  deps: PromptDeps,
  slackUserIds: readonly string[],
): Promise<PromptRunResult> {
  const ids = [...new Set(slackUserIds.filter(Boolean))];
  if (ids.length === 0) return emptyResult();
  return promptPeople(deps, ids);
}

/** SessionsClosedHook shape (jobs/close-idle-sessions.ts). */
export async function promptOnSessionsClosed(
  deps: PromptDeps,
  sessions: readonly Pick<SessionDoc, 'slackUserId'>[],
): Promise<void> {
  const ids = sessions.map((s) => s.slackUserId).filter((id): id is string => Boolean(id));
  await schedulePromptsFor(deps, ids);
}

interface Candidate {
  _id: ObjectId;
  slackUserId: string;
  closedAt: Date;
  prompt?: SessionDoc['prompt'];
}

async function promptPeople(deps: PromptDeps, onlyUsers?: readonly string[]): Promise<PromptRunResult> {
  const now = deps.now();
  const reminderAfterMs = deps.config.REMINDER_AFTER_HOURS * 3_600_000;
  const remindBefore = new Date(now.getTime() - reminderAfterMs);
  const candidates = (await deps.collections.sessions
    .find(
      {
        slackUserId: onlyUsers ? { $in: [...onlyUsers] } : { $exists: true },
        closedAt: { $exists: true },
        classification: { $exists: false },
        $or: [
          { 'prompt.firstSentAt': { $exists: false } },
          { 'prompt.firstSentAt': { $lte: remindBefore }, 'prompt.reminderSentAt': { $exists: false } },
        ],
      },
      { projection: { slackUserId: 1, closedAt: 1, prompt: 1 } },
    )
    .limit(CANDIDATE_LIMIT)
    .toArray()) as Candidate[];

  const byUser = new Map<string, Candidate[]>();
  for (const c of candidates) {
    if (!c.slackUserId) continue;
    const list = byUser.get(c.slackUserId) ?? [];
    list.push(c);
    byUser.set(c.slackUserId, list);
  }
  const result = emptyResult();
  if (byUser.size === 0) return result;
  const people = await loadPromptPeople(deps, [...byUser.keys()]);
  for (const [userId, sessions] of byUser) {
    const person = people.get(userId);
    if (!person) continue;
    try {
      const outcome = await promptPerson(deps, person, sessions, now, reminderAfterMs);
      if (outcome === 'posted') result.posted += 1;
      else if (outcome === 'failed') result.failed += 1;
      else result.skipped[userId] = outcome;
    } catch (error) {
      result.failed += 1;
      deps.logger.error({ err: error, slackUserId: userId }, 'classify prompt failed');
    }
  }
  return result;
}

async function promptPerson(
  deps: PromptDeps,
  person: PromptPerson,
  sessions: Candidate[],
  now: Date,
  reminderAfterMs: number,
): Promise<'posted' | 'failed' | PromptPlan['reason'] | 'slot_taken'> {
  const day = localDay(now, person.tz);
  const sentToday = await deps.collections.promptPosts.countDocuments({
    slackUserId: person.slackUserId,
    day,
  });
  const plan = planPrompt({
    mode: person.mode,
    tz: person.tz,
    now,
    pending: sessions
      .filter((s) => !s.prompt?.firstSentAt)
      .map((s) => ({ id: s._id.toHexString(), closedAt: s.closedAt })),
    remindable: sessions
      .filter((s) => s.prompt?.firstSentAt && !s.prompt.reminderSentAt)
      .map((s) => ({ id: s._id.toHexString(), firstSentAt: s.prompt!.firstSentAt! })),
    reminderAfterMs,
    sentToday,
    dailyCap: deps.config.PROMPT_DAILY_CAP,
  });
  if (!plan.send) return plan.reason ?? 'nothing_due';

  const post = await claimSlot(deps, person, plan.day, sentToday, now);
  if (!post) return 'slot_taken';
  const ids = new Map(sessions.map((s) => [s._id.toHexString(), s._id]));
  const pick = (list: string[]) => list.map((id) => ids.get(id)).filter((id): id is ObjectId => Boolean(id));
  const claimed = await claimSessions(
    deps,
    post,
    person.slackUserId,
    pick(plan.newIds),
    pick(plan.reminderIds),
    now,
  );
  if (claimed.sessionIds.length === 0 && claimed.reminderSessionIds.length === 0) {
    // Someone else (another instance) took these sessions first: give the slot back.
    await deps.collections.promptPosts.deleteOne({ _id: post._id });
    return 'slot_taken';
  }
  return (await deliver(deps, { ...post, ...claimed })) ? 'posted' : 'failed';
}

/** Take the next free DM number for this person's day, up to their cap. */
async function claimSlot(
  deps: PromptDeps,
  person: PromptPerson,
  day: string,
  sentToday: number,
  now: Date,
): Promise<PromptPostDoc | undefined> {
  const cap = capFor(person.mode, deps.config.PROMPT_DAILY_CAP);
  for (let seq = sentToday + 1; seq <= cap; seq++) {
    const doc: PromptPostDoc = {
      slackUserId: person.slackUserId,
      day,
      seq,
      claimedAt: now,
      sessionIds: [],
      reminderSessionIds: [],
      attempts: 1,
      lockedUntil: new Date(now.getTime() + SEND_LOCK_MS),
    };
    try {
      const { insertedId } = await deps.collections.promptPosts.insertOne(doc);
      return { ...doc, _id: insertedId };
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
  return undefined;
}

async function claimSessions(
  deps: PromptDeps,
  post: PromptPostDoc,
  slackUserId: string,
  newIds: ObjectId[],
  reminderIds: ObjectId[],
  now: Date,
): Promise<Pick<PromptPostDoc, 'sessionIds' | 'reminderSessionIds'>> {
  const postId = post._id!;
  const sessions = deps.collections.sessions;
  if (newIds.length > 0) {
    await sessions.updateMany(
      {
        _id: { $in: newIds },
        slackUserId,
        classification: { $exists: false },
        'prompt.firstSentAt': { $exists: false },
      },
      { $set: { 'prompt.firstSentAt': now, 'prompt.postId': postId } },
    );
  }
  if (reminderIds.length > 0) {
    await sessions.updateMany(
      {
        _id: { $in: reminderIds },
        slackUserId,
        classification: { $exists: false },
        'prompt.firstSentAt': { $exists: true },
        'prompt.reminderSentAt': { $exists: false },
      },
      { $set: { 'prompt.reminderSentAt': now, 'prompt.reminderPostId': postId } },
    );
  }
  const [mine, reminded] = await Promise.all([
    newIds.length > 0
      ? sessions.find({ 'prompt.postId': postId }, { projection: { _id: 1 } }).toArray()
      : Promise.resolve([]),
    reminderIds.length > 0
      ? sessions.find({ 'prompt.reminderPostId': postId }, { projection: { _id: 1 } }).toArray()
      : Promise.resolve([]),
  ]);
  const claimed = { sessionIds: mine.map((s) => s._id), reminderSessionIds: reminded.map((s) => s._id) };
  await deps.collections.promptPosts.updateOne({ _id: postId }, { $set: claimed });
  return claimed;
}

/** The summary line under the header; says so when the DM carries the one reminder. */
export function promptIntro(input: {
  newCount: number;
  reminderCount: number;
  totalUsd: number;
}): string | undefined {
  if (input.reminderCount === 0) return undefined;
  const earlier = plural(input.reminderCount, 'session');
  const lead =
    input.newCount > 0
      ? `${plural(input.newCount, 'new session')} to classify, and a gentle reminder: ${earlier} from earlier still ${input.reminderCount === 1 ? 'has' : 'have'} no answer`
      : `A gentle reminder: ${earlier} from earlier still ${input.reminderCount === 1 ? 'has' : 'have'} no answer`;
  return `${lead} (${formatUsd(input.totalUsd)} in all). This is the only reminder; after it they wait quietly in App Home.`;
}

/** Post (or re-post) one claimed DM. True when Slack accepted it. */
async function deliver(deps: PromptDeps, post: PromptPostDoc): Promise<boolean> {
  const postId = post._id!;
  const now = deps.now();
  const all = [...post.sessionIds, ...post.reminderSessionIds];
  const sessions = (await deps.collections.sessions
    .find({ _id: { $in: all }, classification: { $exists: false } }, { projection: SESSION_VIEW_PROJECTION })
    .toArray()) as SessionView[];
  if (sessions.length === 0) {
    await deps.collections.promptPosts.updateOne(
      { _id: postId },
      { $set: { abandonedAt: now, lastError: 'every session was answered before the DM went out' } },
    );
    return false;
  }
  const facts = await loadSuggestionFacts(deps.collections, sessions);
  const reminded = new Set(post.reminderSessionIds.map((id) => id.toHexString()));
  const reminderCount = sessions.filter((s) => reminded.has(s._id.toHexString())).length;
  const intro = promptIntro({
    newCount: sessions.length - reminderCount,
    reminderCount,
    totalUsd: sessions.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
  });
  const message = buildClassifyPrompt({
    sessions: sessions.map((s) => toPromptSession(s, facts)),
    costFloorUsd: deps.config.PROMPT_COST_FLOOR_USD,
    ...(intro ? { intro } : {}),
  });
  try {
    // Posting to the user id opens (or reuses) the app DM: one call instead of conversations.open + post.
    const answer = await deps.slack.chat.postMessage({
      channel: post.slackUserId,
      text: message.text,
      blocks: message.blocks,
    });
    const channel = answer.channel ?? post.slackUserId;
    const ts = answer.ts ?? '';
    await deps.collections.promptPosts.updateOne(
      { _id: postId },
      {
        $set: { channel, messageTs: ts, postedAt: now, blocks: message.blocks, updatedAt: now },
        $unset: { lastError: '' },
      },
    );
    await deps.collections.sessions.updateMany(
      { _id: { $in: sessions.map((s) => s._id) } },
      { $set: { 'prompt.channel': channel, 'prompt.messageTs': ts } },
    );
    await recordPromptSent(deps, post.slackUserId, now);
    return true;
  } catch (error) {
    const attempts = post.attempts ?? 1;
    const retryAt = new Date(now.getTime() + Math.min(60, 2 ** attempts) * 60_000);
    await deps.collections.promptPosts.updateOne(
      { _id: postId },
      { $set: { lastError: errorText(error), lockedUntil: retryAt } },
    );
    deps.logger.warn(
      { err: error, slackUserId: post.slackUserId, attempts, retryAt },
      'classify prompt DM failed; the prompt job retries it',
    );
    return false;
  }
}

function errorText(error: unknown): string {
  const data = (error as { data?: { error?: string } }).data;
  return (data?.error ?? (error as Error).message ?? String(error)).slice(0, 300);
}

/** Posts whose chat.postMessage failed (or whose sender died): take each over once its lock passed. */
export async function retryUnpostedPrompts(deps: PromptDeps): Promise<PromptRunResult> {
  const result = emptyResult();
  for (let i = 0; i < RETRY_BATCH; i++) {
    const now = deps.now();
    const post = await deps.collections.promptPosts.findOneAndUpdate(
      { postedAt: { $exists: false }, abandonedAt: { $exists: false }, lockedUntil: { $lte: now } },
      { $set: { lockedUntil: new Date(now.getTime() + SEND_LOCK_MS) }, $inc: { attempts: 1 } },
      { returnDocument: 'after', sort: { lockedUntil: 1 } },
    );
    if (!post) break;
    if (post.attempts > MAX_POST_ATTEMPTS) {
      await deps.collections.promptPosts.updateOne({ _id: post._id }, { $set: { abandonedAt: now } });
      deps.logger.error(
        { slackUserId: post.slackUserId, attempts: post.attempts, lastError: post.lastError },
        'classify prompt DM given up; the sessions stay in App Home and get the one reminder',
      );
      continue;
    }
    if (await deliver(deps, post)) result.posted += 1;
    else result.failed += 1;
  }
  return result;
}
