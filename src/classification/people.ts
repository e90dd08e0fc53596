import type { PersonDoc } from '../db/collections.ts';
import type { AppDeps } from '../deps.ts';
import { isValidTimeZone } from '../domain/periods.ts';
import type { PromptMode } from '../domain/types.ts';

/** Timezones change rarely: one users.info per person per day at most. */
export const TZ_TTL_MS = 24 * 3_600_000;

export interface PromptPerson {
  slackUserId: string;
  tz: string;
  mode: PromptMode;
  /** The mode is the workspace default (PROMPT_DEFAULT_MODE), not a personal choice. */
  modeIsDefault: boolean;
  homeOpenedAt?: Date;
  name?: string;
}

type PersonFields = Pick<PersonDoc, 'tz' | 'promptMode' | 'homeOpenedAt' | 'name'>;

export function promptPersonOf(
  deps: Pick<AppDeps, 'config'>,
  slackUserId: string,
  doc: PersonFields | null | undefined,
): PromptPerson {
  const tz = doc?.tz && isValidTimeZone(doc.tz) ? doc.tz : deps.config.TZ_DEFAULT;
  return {
    slackUserId,
    tz,
    mode: doc?.promptMode ?? deps.config.PROMPT_DEFAULT_MODE,
    modeIsDefault: !doc?.promptMode,
    ...(doc?.homeOpenedAt ? { homeOpenedAt: doc.homeOpenedAt } : {}),
    ...(doc?.name ? { name: doc.name } : {}),
  };
}

/** Upsert fields on a person; people rows also come from identity mapping, so only set what we own. */
async function upsertPerson(
  deps: Pick<AppDeps, 'collections'>,
  slackUserId: string,
  set: Partial<PersonDoc>,
  setOnInsert: Partial<PersonDoc> = {},
): Promise<void> {
  const update = {
    $set: set,
    $setOnInsert: { emails: [], accountIds: [], ...setOnInsert },
  };
  try {
    await deps.collections.people.updateOne({ slackUserId }, update, { upsert: true });
  } catch (error) {
    // Two first writers raced on the unique slackUserId: the row exists now, update it.
    if ((error as { code?: number }).code !== 11000) throw error;
    await deps.collections.people.updateOne({ slackUserId }, update);
  }
}

/**
 * The person as the prompt job needs them, with the Slack timezone cached in `people` (users.info when
 * unknown or older than a day). A failed lookup falls back to the cached or default timezone.
 */
export async function loadPromptPeople(
  deps: Pick<AppDeps, 'collections' | 'config' | 'slack' | 'logger' | 'now'>,
  slackUserIds: readonly string[],
): Promise<Map<string, PromptPerson>> {
  const docs = await deps.collections.people
    .find(
      { slackUserId: { $in: [...slackUserIds] } },
      { projection: { slackUserId: 1, tz: 1, tzCheckedAt: 1, promptMode: 1, homeOpenedAt: 1, name: 1 } },
    )
    .toArray();
  const byId = new Map(docs.map((doc) => [doc.slackUserId, doc]));
  const now = deps.now();
  const out = new Map<string, PromptPerson>();
  for (const id of slackUserIds) {
    const doc = byId.get(id);
    // Off means no prompt at all, so there is nothing to place in time.
    const mode = doc?.promptMode ?? deps.config.PROMPT_DEFAULT_MODE;
    const fresh = doc?.tz && doc.tzCheckedAt && now.getTime() - doc.tzCheckedAt.getTime() < TZ_TTL_MS;
    if (mode === 'off' || fresh) {
      out.set(id, promptPersonOf(deps, id, doc));
      continue;
    }
    const tz = await lookupTimeZone(deps, id);
    if (tz) await upsertPerson(deps, id, { tz, tzCheckedAt: now, updatedAt: now });
    out.set(id, promptPersonOf(deps, id, { ...doc, ...(tz ? { tz } : {}) }));
  }
  return out;
}

async function lookupTimeZone(
  deps: Pick<AppDeps, 'slack' | 'logger'>,
  slackUserId: string,
): Promise<string | undefined> {
  try {
    const result = await deps.slack.users.info({ user: slackUserId });
    const tz = result.user?.tz;
    return tz && isValidTimeZone(tz) ? tz : undefined;
  } catch (error) {
    deps.logger.warn({ err: error, slackUserId }, 'users.info failed; using the cached or default timezone');
    return undefined;
  }
}

export async function loadPerson(
  deps: Pick<AppDeps, 'collections' | 'config'>,
  slackUserId: string,
): Promise<PromptPerson> {
  const doc = await deps.collections.people.findOne(
    { slackUserId },
    { projection: { tz: 1, promptMode: 1, homeOpenedAt: 1, name: 1 } },
  );
  return promptPersonOf(deps, slackUserId, doc);
}

export async function setPromptMode(
  deps: Pick<AppDeps, 'collections' | 'now'>,
  slackUserId: string,
  mode: PromptMode,
): Promise<void> {
  await upsertPerson(deps, slackUserId, { promptMode: mode, updatedAt: deps.now() });
}

/** Remembers that this user has a Home tab worth keeping fresh (and when they last looked at it). */
export async function markHomeOpened(
  deps: Pick<AppDeps, 'collections' | 'now'>,
  slackUserId: string,
): Promise<void> {
  const now = deps.now();
  await upsertPerson(deps, slackUserId, { homeOpenedAt: now, updatedAt: now });
}

export async function recordPromptSent(
  deps: Pick<AppDeps, 'collections'>,
  slackUserId: string,
  at: Date,
): Promise<void> {
  await upsertPerson(deps, slackUserId, { lastPromptAt: at, updatedAt: at });
}
