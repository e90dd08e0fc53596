import type { Collections, SessionDoc } from '../db/collections.ts';
import { encodeKey, encodeKeys } from '../db/collections.ts';
import type { UsageEvent } from '../domain/types.ts';
import { identityKey } from '../ingest/identity.ts';
import {
  applyRollupIncrements,
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
 * 2. The session fold is guarded by `foldedIds` ($ne + $push in one atomic update), so it can be retried
 *    after a failure between steps — or after a duplicate insert whose fold never happened — without
 *    counting anything twice.
 * 3. Rollups get the increment only when the fold actually applied, in the class the session had in
 *    that same update (see rollups.ts for why this stays consistent with reclassification).
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

  const increments: RollupIncrement[] = [];
  let stored = 0;
  for (const group of groupBySession(events)) {
    const person = people.get(identityKey(group[0]!.identity)) ?? {};
    // One atomic update per session per batch; if some events of the group were folded before
    // (a retried batch), fall back to one guarded update per event.
    const whole = await foldIntoSession(collections, group, person, now);
    const folds = whole
      ? [{ events: group, session: whole }]
      : await foldEach(collections, group, person, now);
    for (const fold of folds) {
      for (const event of fold.events) {
        if (!duplicateIds.has(event.sourceEventId)) stored += 1;
        if (event.costUsd === 0 && totalTokens(event) === 0) continue;
        increments.push({
          day: utcDay(event.occurredAt),
          team: rollupTeam(fold.session),
          person: rollupPerson(fold.session),
          class: sessionClass(fold.session),
          costUsd: event.costUsd,
          estimatedCostUsd: event.costKind === 'estimated' ? event.costUsd : 0,
          tokens: totalTokens(event),
          repo: fold.session.repo,
          model: event.model,
        });
      }
    }
  }
  await applyRollupIncrements(collections, increments);
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
): Promise<{ events: UsageEvent[]; session: FoldedSession }[]> {
  const folds: { events: UsageEvent[]; session: FoldedSession }[] = [];
  for (const event of events) {
    const session = await foldIntoSession(collections, [event], person, now);
    if (session) folds.push({ events: [event], session });
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

type FoldedSession = Pick<SessionDoc, 'slackUserId' | 'identityKey' | 'team' | 'classification' | 'repo'>;

/**
 * Fold events of one session in one atomic update. Returns the session after the fold, or undefined
 * when at least one of these events was already folded (the caller then retries one by one).
 */
async function foldIntoSession(
  collections: Collections,
  events: UsageEvent[],
  person: ResolvedPerson,
  now: Date,
): Promise<FoldedSession | undefined> {
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
  const update = {
    $inc: inc,
    $set: set,
    $setOnInsert: setOnInsert,
    $min: { startedAt },
    $max: { lastEventAt },
    $push: { foldedIds: { $each: ids } },
    ...(commits.size ? { $addToSet: { commits: { $each: [...commits] } } } : {}),
  };
  const filter = { source: first.source, sessionKey: first.sessionKey, foldedIds: { $nin: ids } };
  const projection = { slackUserId: 1, identityKey: 1, team: 1, classification: 1, repo: 1 };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const after = await collections.sessions.findOneAndUpdate(filter, update, {
        upsert: true,
        returnDocument: 'after',
        projection,
      });
      return after ?? undefined;
    } catch (error) {
      // Either an event is already folded (the filter missed the existing session and the upsert hit the
      // unique key), or two first events of one session raced to create it: one retry tells which.
      if ((error as { code?: number }).code !== 11000) throw error;
    }
  }
  return undefined;
}
