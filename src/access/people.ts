import type { PersonDoc } from '../db/collections.ts';
import type { AppDeps } from '../deps.ts';
import { isValidTimeZone } from '../domain/periods.ts';

/** users.info answers (name, timezone, admin flag) are reused for this long before Slack is asked again. */
export const PERSON_CACHE_MS = 60 * 60 * 1000;

export type PeopleDeps = Pick<AppDeps, 'collections' | 'slack' | 'logger' | 'now'>;

export interface PersonInfo {
  slackUserId: string;
  name?: string;
  tz?: string;
  /** Workspace admin, owner or primary owner. ADMIN_USER_IDS is applied by roles.ts, not here. */
  isWorkspaceAdmin: boolean;
}

interface SlackUser {
  id?: string;
  name?: string;
  real_name?: string;
  tz?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  profile?: { display_name?: string; real_name?: string };
}

function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

function fromDoc(doc: PersonDoc): PersonInfo {
  return {
    slackUserId: doc.slackUserId,
    ...(doc.name !== undefined && { name: doc.name }),
    ...(doc.tz !== undefined && { tz: doc.tz }),
    isWorkspaceAdmin: doc.isAdmin === true,
  };
}

/**
 * A Slack user's name, timezone and admin flag: from the people cache while fresh, else users.info
 * (which refreshes the cache). Null when Slack says the user does not exist, was deactivated or is a bot.
 * When Slack cannot be reached the stale cache answers; with no cache at all the user counts as a
 * non-admin with no known timezone (never the other way round).
 */
export async function getPerson(
  deps: PeopleDeps,
  slackUserId: string,
  options: { maxAgeMs?: number } = {},
): Promise<PersonInfo | null> {
  const now = deps.now();
  const cached = await deps.collections.people.findOne({ slackUserId });
  const maxAge = options.maxAgeMs ?? PERSON_CACHE_MS;
  if (cached?.slackCheckedAt && now.getTime() - cached.slackCheckedAt.getTime() < maxAge)
    return fromDoc(cached);
  let user: SlackUser | undefined;
  try {
    const answer = await deps.slack.users.info({ user: slackUserId });
    user = answer.user as SlackUser | undefined;
  } catch (error) {
    const code = slackError(error);
    if (code === 'user_not_found' || code === 'user_not_visible') return null;
    deps.logger.warn({ err: error, slackUserId }, 'users.info failed; using what is cached');
    return cached ? fromDoc(cached) : { slackUserId, isWorkspaceAdmin: false };
  }
  if (!user || user.deleted || user.is_bot) return null;
  const name = user.profile?.display_name || user.real_name || user.name;
  const tz = user.tz && isValidTimeZone(user.tz) ? user.tz : undefined;
  const isAdmin = Boolean(user.is_admin || user.is_owner || user.is_primary_owner);
  await upsertPerson(deps, slackUserId, {
    ...(name ? { name } : {}),
    ...(tz ? { tz } : {}),
    isAdmin,
    slackCheckedAt: now,
    updatedAt: now,
  });
  return {
    slackUserId,
    ...(name ? { name } : {}),
    ...(tz ? { tz } : {}),
    isWorkspaceAdmin: isAdmin,
  };
}

/** The answer when a mentioned user does not resolve to a person. */
export function unknownUserMessage(slackUserIds: string | readonly string[]): string {
  const ids = typeof slackUserIds === 'string' ? [slackUserIds] : slackUserIds;
  return `I can't find ${ids.map((id) => `<@${id}>`).join(', ')} in this workspace (deactivated, a bot, or not a member).`;
}

/** The timezone to read a person's periods in: theirs, else the workspace default. */
export async function personTimeZone(
  deps: PeopleDeps & Pick<AppDeps, 'config'>,
  slackUserId: string,
): Promise<string> {
  const person = await getPerson(deps, slackUserId);
  return person?.tz ?? deps.config.TZ_DEFAULT;
}

/** Upsert into people; two first writers of one person race on the unique index, and the loser retries as an update. */
export async function upsertPerson(
  deps: Pick<AppDeps, 'collections'>,
  slackUserId: string,
  set: Partial<Omit<PersonDoc, '_id' | 'slackUserId' | 'emails' | 'accountIds'>>,
  addToSet: { emails?: string[]; accountIds?: string[] } = {},
): Promise<void> {
  const each = Object.fromEntries(
    Object.entries(addToSet)
      .filter(([, values]) => values && values.length > 0)
      .map(([field, values]) => [field, { $each: values }]),
  );
  const hasAdd = Object.keys(each).length > 0;
  const setOnInsert: Record<string, unknown> = { slackUserId };
  if (!each.emails) setOnInsert.emails = [];
  if (!each.accountIds) setOnInsert.accountIds = [];
  const update = { $set: set, $setOnInsert: setOnInsert, ...(hasAdd ? { $addToSet: each } : {}) };
  for (let attempt = 0; ; attempt++) {
    try {
      await deps.collections.people.updateOne({ slackUserId }, update, { upsert: true });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || attempt > 0) throw error;
    }
  }
}
