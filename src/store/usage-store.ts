import type { Collections, PendingRollupDoc, SessionDoc } from '../db/collections.ts';
import { encodeKey, encodeKeys } from '../db/collections.ts';
import type { UsageEvent } from '../domain/types.ts';
import { identityKey } from '../ingest/identity.ts';
import {
  applyPendingRollups,
  equalOrAbsent,
  pendingId,
  type RollupIncrement,
  rollupPerson,
  rollupTeam,
  sessionClass,
} from './rollups.ts';

/** Who a telemetry identity is, as far as we know at ingest time (no Slack call on this path). */
export interface ResolvedPerson {
  slackUserId?: string;
  team?: string;
}

export type PersonResolver = (identityKeys: string[]) => Promise<Map<string, ResolvedPerson>>;

export interface StoreOutcome {
  stored: number;
  duplicates: number;
  /** Identity keys seen with no known Slack user (the caller schedules their lookup). */
  unmappedIdentities: string[];
}

const BILLABLE = new Set<UsageEvent['kind']>(['api_request', 'api_error']);

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Write events idempotently and fold them into sessions and daily rollups.
 *
 * 1. usage_events insert, unique on (source, sourceEventId): replays are detected here.
 * 2. The session fold is guarded by `foldedIds` ($nin + $push in one atomic update), so it can be retried
 *    after a failure between steps — or after a duplicate insert whose fold never happened — without
 *    counting anything twice.
 * 3. The same atomic update parks the fold's rollup increments on the session (`pendingRollups`), in the class,
 *    team and person the session had in that update (the update is guarded on them). They are then applied
 *    exactly once (rollups.ts, applyPendingRollups) — also by a retry after a failure between the fold and the
 *    rollup write, which would otherwise lose the spend from rollups for good.
 */
export async function storeUsageEvents(
  collections: Collections,
  events: UsageEvent[],
  resolvePeople: PersonResolver,
  now: Date,
): Promise<StoreOutcome> {
  if (events.length === 0) return { stored: 0, duplicates: 0, unmappedIdentities: [] };
  const keys = [...new Set(events.map((event) => identityKey(event.identity)))];
  const people = await resolvePeople(keys);
  const duplicateIds = await insertEvents(collections, events, now);

  let stored = 0;
  const toApply: PendingSession[] = [];
  for (const group of groupBySession(events)) {
    const person = people.get(identityKey(group[0]!.identity)) ?? {};
    // One atomic update per session per batch; if some events of the group were folded before
    // (a retried batch), fall back to one guarded update per event.
    const whole = await foldIntoSession(collections, group, person, now);
    const folds = whole?.folded
      ? [{ events: group, fold: whole }]
      : group.length > 1 || !whole
        ? await foldEach(collections, group, person, now)
        : [];
    for (const { events: folded, fold } of folds) {
      if (!fold.folded) continue;
      for (const event of folded) if (!duplicateIds.has(event.sourceEventId)) stored += 1;
    }
    // Parked increments of this session — ours, and any a failed earlier attempt left behind.
    const latest = folds.at(-1)?.fold ?? whole;
    if (latest?.session.pendingRollups?.length) toApply.push(latest.session);
  }
  for (const session of toApply) await applyPendingRollups(collections, session);
  return {
    stored,
    duplicates: events.length - stored,
    unmappedIdentities: keys.filter((key) => key !== 'unknown' && !people.get(key)?.slackUserId),
  };
}

function groupBySession(events: UsageEvent[]): UsageEvent[][] {
  const groups = new Map<string, UsageEvent[]>();
  for (const event of events) {
    const key = `${event.source}\u0000${event.sessionKey}`;
    const group = groups.get(key);
    // The same event twice in one batch folds once.
    if (group?.some((other) => other.sourceEventId === event.sourceEventId)) continue;
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  return [...groups.values()];
}

async function foldEach(
  collections: Collections,
  events: UsageEvent[],
  person: ResolvedPerson,
  now: Date,
): Promise<{ events: UsageEvent[]; fold: FoldResult }[]> {
  const folds: { events: UsageEvent[]; fold: FoldResult }[] = [];
  for (const event of events) {
    const fold = await foldIntoSession(collections, [event], person, now);
    if (fold) folds.push({ events: [event], fold });
  }
  return folds;
}

/** Insert every event, unordered; returns the ids that were already stored. */
async function insertEvents(collections: Collections, events: UsageEvent[], now: Date): Promise<Set<string>> {
  const duplicates = new Set<string>();
  try {
    await collections.usageEvents.insertMany(
      events.map((event) => ({ ...event, labels: encodeKeys(event.labels), receivedAt: now })),
      { ordered: false },
    );
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code: number; index: number }[] }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0 || list.some((e) => e.code !== 11000)) throw error;
    for (const writeError of list) {
      const event = events[writeError.index];
      if (event) duplicates.add(event.sourceEventId);
    }
  }
  return duplicates;
}

function totalTokens(event: UsageEvent): number {
  return event.tokens.input + event.tokens.output + event.tokens.cacheRead + event.tokens.cacheCreation;
}

type PendingSession = Pick<SessionDoc, '_id' | 'pendingRollups'>;

/** folded: this update folded the events; otherwise at least one of them had been folded before. */
type FoldResult = { folded: boolean; session: PendingSession };

const FOLD_ATTEMPTS = 4;

/** `field: value`, or "absent" when there is no value (an absent guard is not copied into an upserted doc). */
/**
 * Fold events of one session in one atomic update, parking their rollup increments on it. The increments are
 * computed from the session as read just before, and the update only applies while the session is still so
 * (class, person, team unchanged); otherwise it is read again and retried. Returns undefined when the session
 * could not be updated in FOLD_ATTEMPTS tries, { folded: false } when an event was already folded.
 */
async function foldIntoSession(
  collections: Collections,
  events: UsageEvent[],
  person: ResolvedPerson,
  now: Date,
): Promise<FoldResult | undefined> {
  const first = events[0]!;
  const inc: Record<string, number> = {};
  const add = (field: string, value: number) => {
    inc[field] = (inc[field] ?? 0) + value;
  };
  const set: Record<string, unknown> = { updatedAt: now };
  const commits = new Set<string>();
  let startedAt = first.occurredAt;
  let lastEventAt = first.occurredAt;
  for (const event of events) {
    add('costUsd', event.costUsd);
    add('tokens.input', event.tokens.input);
    add('tokens.output', event.tokens.output);
    add('tokens.cacheRead', event.tokens.cacheRead);
    add('tokens.cacheCreation', event.tokens.cacheCreation);
    add(`costByDay.${utcDay(event.occurredAt)}`, event.costUsd);
    add('apiRequests', event.kind === 'api_request' ? 1 : 0);
    add('apiErrors', event.kind === 'api_error' ? 1 : 0);
    add('promptsCounted', event.kind === 'user_prompt' || event.kind === 'assistant_response' ? 1 : 0);
    if (event.model && BILLABLE.has(event.kind)) add(`models.${encodeKey(event.model)}`, 1);
    if (event.repo) set.repo = event.repo;
    if (event.branch) set.branch = event.branch;
    if (event.kind === 'api_request') set.costSource = 'events';
    if (event.commit) commits.add(event.commit);
    if (event.occurredAt < startedAt) startedAt = event.occurredAt;
    if (event.occurredAt > lastEventAt) lastEventAt = event.occurredAt;
  }
  const setOnInsert: Record<string, unknown> = {
    identity: first.identity,
    identityKey: identityKey(first.identity),
    costKind: first.costKind,
    links: [],
    outcomeIds: [],
    classificationHistory: [],
    labels: encodeKeys(first.labels),
  };
  if (commits.size === 0) setOnInsert.commits = [];
  // Person and team are fixed when the session is created; later mapping moves spend explicitly.
  const team = person.team ?? first.team;
  if (person.slackUserId) setOnInsert.slackUserId = person.slackUserId;
  if (team) setOnInsert.team = team;
  const ids = events.map((event) => event.sourceEventId);
  const key = { source: first.source, sessionKey: first.sessionKey };
  const projection = { _id: 1, pendingRollups: 1 };

  for (let attempt = 0; attempt < FOLD_ATTEMPTS; attempt++) {
    const current = await collections.sessions.findOne(key, {
      projection: { slackUserId: 1, identityKey: 1, team: 1, classification: 1, repo: 1 },
    });
    // Where this fold's spend goes in rollups: the session as it is now, or as this update creates it.
    const owner: Pick<SessionDoc, 'slackUserId' | 'identityKey' | 'team' | 'classification' | 'repo'> =
      current ?? {
        identityKey: identityKey(first.identity),
        ...(person.slackUserId && { slackUserId: person.slackUserId }),
        ...(team && { team }),
      };
    const repo = (set.repo as string | undefined) ?? owner.repo;
    const pending: PendingRollupDoc = { id: pendingId(), increments: [] };
    for (const event of events) {
      if (event.costUsd === 0 && totalTokens(event) === 0) continue;
      const increment: RollupIncrement = {
        day: utcDay(event.occurredAt),
        team: rollupTeam(owner),
        person: rollupPerson(owner),
        class: sessionClass(owner),
        costUsd: event.costUsd,
        estimatedCostUsd: event.costKind === 'estimated' ? event.costUsd : 0,
        tokens: totalTokens(event),
      };
      if (repo) increment.repo = repo;
      if (event.model) increment.model = event.model;
      pending.increments.push(increment);
    }
    const update = {
      $inc: inc,
      $set: set,
      $setOnInsert: setOnInsert,
      $min: { startedAt },
      $max: { lastEventAt },
      $push: {
        foldedIds: { $each: ids },
        ...(pending.increments.length ? { pendingRollups: pending } : {}),
      },
      ...(commits.size ? { $addToSet: { commits: { $each: [...commits] } } } : {}),
    };
    const filter = {
      ...key,
      foldedIds: { $nin: ids },
      // Still the session the increments were computed for.
      ...equalOrAbsent('slackUserId', owner.slackUserId),
      ...equalOrAbsent('team', owner.team),
      ...equalOrAbsent('classification.class', owner.classification?.class),
    };
    try {
      const after = await collections.sessions.findOneAndUpdate(filter, update, {
        upsert: true,
        returnDocument: 'after',
        projection,
      });
      if (after) return { folded: true, session: after };
    } catch (error) {
      // The filter missed the existing session and the upsert hit the unique key: an event is already
      // folded, the session changed since it was read, or two first events of one session raced to create it.
      if ((error as { code?: number }).code !== 11000) throw error;
      const folded = await collections.sessions.findOne({ ...key, foldedIds: { $in: ids } }, { projection });
      if (folded) return { folded: false, session: folded };
    }
  }
  return undefined;
}
