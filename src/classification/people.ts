import { getPerson, upsertPerson } from '../access/people.ts';
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
      { projection: { slackUserId: 1, tz: 1, promptMode: 1, homeOpenedAt: 1, name: 1 } },
    )
    .toArray();
  const byId = new Map(docs.map((doc) => [doc.slackUserId, doc]));
  const out = new Map<string, PromptPerson>();
  for (const id of slackUserIds) {
    const doc = byId.get(id);
    // Off means no prompt at all, so there is nothing to place in time.
    const mode = doc?.promptMode ?? deps.config.PROMPT_DEFAULT_MODE;
    if (mode === 'off') {
      out.set(id, promptPersonOf(deps, id, doc));
      continue;
    }
    // The shared people cache (users.info at most once per TZ_TTL_MS); it falls back to what is cached.
    const person = await getPerson(deps, id, { maxAgeMs: TZ_TTL_MS });
    out.set(id, promptPersonOf(deps, id, { ...doc, ...(person?.tz ? { tz: person.tz } : {}) }));
  }
  return out;
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
