/** Seeding, clicking and reading helpers shared by the self-classification suites. */
import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { expect } from 'vitest';
import type { Collections, SessionDoc } from '../../src/db/collections.ts';
import type { UsageEvent } from '../../src/domain/types.ts';
import { identityKey } from '../../src/ingest/identity.ts';
import type { FakeUser, PostedMessage } from '../../src/sandbox/fake-slack-api.ts';
import { storeUsageEvents } from '../../src/store/usage-store.ts';
import { eventually, type TestApp } from '../support/harness.ts';

export const ALICE = 'UALICE0001'; // Europe/Berlin
export const BOB = 'UBOB000001'; // America/New_York
export const CAROL = 'UCAROL0001'; // UTC
export const DAVE = 'UDAVE00001'; // UTC

export const USERS: FakeUser[] = [
  { id: ALICE, name: 'alice', email: 'alice@example.com', tz: 'Europe/Berlin' },
  { id: BOB, name: 'bob', email: 'bob@example.com', tz: 'America/New_York' },
  { id: CAROL, name: 'carol', email: 'carol@example.com', tz: 'UTC' },
  { id: DAVE, name: 'dave', email: 'dave@example.com', tz: 'UTC' },
];

/** A clock the service reads through deps.now(); tests move it. */
export class TestClock {
  constructor(private current: Date) {}
  now = (): Date => new Date(this.current);
  set(iso: string | Date): void {
    this.current = new Date(iso);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface SessionSeed {
  userId: string;
  startedAt: string;
  /** Minutes of activity (one api_request at the start and one at the end). */
  minutes?: number;
  costUsd: number;
  closedAt?: string;
  repo?: string;
  branch?: string;
  commit?: string;
  team?: string;
  /** Leave the session open (the idle-close job closes it). */
  open?: boolean;
}

let counter = 0;

/** Closed sessions through the real store (events → session → rollups), then closed as the idle job does. */
export async function seedClosedSessions(
  collections: Collections,
  seeds: SessionSeed[],
): Promise<ObjectId[]> {
  const ids: ObjectId[] = [];
  for (const seed of seeds) {
    const email = `${seed.userId.toLowerCase()}@example.com`;
    const identity = { email };
    const sessionKey = `cls-${++counter}-${randomUUID()}`;
    const start = new Date(seed.startedAt);
    const end = new Date(start.getTime() + (seed.minutes ?? 20) * 60_000);
    const half = seed.costUsd / 2;
    const event = (at: Date, costUsd: number, commit?: string): UsageEvent => ({
      source: 'claude_code',
      sourceEventId: `evt-${randomUUID()}`,
      kind: 'api_request',
      occurredAt: at,
      sessionKey,
      identity,
      model: 'claude-sonnet-4.5',
      tokens: { input: 1000, output: 100, cacheRead: 0, cacheCreation: 0 },
      costUsd,
      costKind: 'estimated',
      ...(seed.repo ? { repo: seed.repo } : {}),
      ...(seed.branch ? { branch: seed.branch } : {}),
      ...(commit ? { commit } : {}),
      labels: {},
    });
    const person = { slackUserId: seed.userId, ...(seed.team ? { team: seed.team } : {}) };
    await storeUsageEvents(
      collections,
      [event(start, half), event(end, seed.costUsd - half, seed.commit)],
      async () => new Map([[identityKey(identity), person]]),
      start,
    );
    const closedAt = seed.closedAt ? new Date(seed.closedAt) : new Date(end.getTime() + 30 * 60_000);
    const session = seed.open
      ? await collections.sessions.findOne({ sessionKey })
      : await collections.sessions.findOneAndUpdate(
          { sessionKey },
          { $set: { closedAt } },
          { returnDocument: 'after' },
        );
    ids.push(session!._id);
  }
  return ids;
}

export async function sessionById(collections: Collections, id: ObjectId | string): Promise<SessionDoc> {
  const doc = await collections.sessions.findOne({ _id: typeof id === 'string' ? new ObjectId(id) : id });
  if (!doc) throw new Error(`no session ${String(id)}`);
  return doc;
}

/** Spend per class of one person in rollups_daily (rounded to cents). */
export async function spendByClass(
  collections: Collections,
  person: string,
): Promise<Record<string, number>> {
  const rows = await collections.rollupsDaily.find({ person }).toArray();
  const out: Record<string, number> = { productive: 0, exploratory: 0, wasteful: 0, unclassified: 0 };
  for (const row of rows) out[row.class] = (out[row.class] ?? 0) + row.costUsd;
  for (const key of Object.keys(out)) out[key] = Math.round(out[key]! * 100) / 100;
  return out;
}

export function dmsTo(app: TestApp, userId: string): PostedMessage[] {
  return app.slack.messagesIn(app.slack.dmChannelFor(userId));
}

type Json = Record<string, unknown>;

/** Every interactive element of a block list with the block it sits in. */
export function elementsOf(blocks: unknown[] | undefined): { blockId?: string; element: Json }[] {
  const out: { blockId?: string; element: Json }[] = [];
  for (const block of (blocks ?? []) as Json[]) {
    const blockId = block.block_id as string | undefined;
    const elements = (block.elements as Json[] | undefined) ?? [];
    for (const element of elements) if (element.action_id) out.push({ blockId, element });
    const accessory = block.accessory as Json | undefined;
    if (accessory?.action_id) out.push({ blockId, element: accessory });
  }
  return out;
}

/** The element with this action_id in the blocks of one session (or anywhere when no session is given). */
export function findElement(
  blocks: unknown[] | undefined,
  actionId: string,
  sessionId?: string,
): { blockId?: string; element: Json } {
  const found = elementsOf(blocks).find(
    (e) => e.element.action_id === actionId && (!sessionId || e.blockId?.endsWith(`:${sessionId}`)),
  );
  if (!found) throw new Error(`no ${actionId}${sessionId ? ` for ${sessionId}` : ''} in the blocks`);
  return found;
}

export function blockIds(blocks: unknown[] | undefined): string[] {
  return ((blocks ?? []) as Json[]).map((b) => String(b.block_id ?? ''));
}

export interface ClickOptions {
  userId: string;
  actionId: string;
  /** The raw value sent (defaults to the element's value). */
  value?: string;
  blockId?: string;
  /** Slack's click time as a Date (default: none, the server clock is used). */
  clickedAt?: Date;
  /** For selects/overflows: the chosen option. */
  selectedOption?: Json;
  type?: string;
}

function actionTs(date: Date | undefined): Json {
  return date ? { action_ts: (date.getTime() / 1000).toFixed(6) } : {};
}

function actionPayload(options: ClickOptions): Json {
  return {
    type: options.type ?? (options.selectedOption ? 'static_select' : 'button'),
    action_id: options.actionId,
    block_id: options.blockId ?? 'b',
    ...(options.selectedOption ? { selected_option: options.selectedOption } : { value: options.value }),
    ...actionTs(options.clickedAt),
  };
}

/** A signed block_actions request for a click in a DM message, as Slack sends it. */
export function clickInMessage(
  app: TestApp,
  message: PostedMessage,
  options: ClickOptions,
): Promise<Response> {
  return app.interaction({
    type: 'block_actions',
    user: { id: options.userId, username: options.userId.toLowerCase(), team_id: app.slack.teamId },
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    channel: { id: message.channel, name: 'directmessage' },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text,
      blocks: message.blocks,
      user: app.slack.botUserId,
    },
    actions: [actionPayload(options)],
  });
}

/** Click an element of a message by action id (and session), sending its own value. */
export function clickElement(
  app: TestApp,
  message: PostedMessage,
  userId: string,
  actionId: string,
  sessionId?: string,
  extra: Partial<ClickOptions> = {},
): Promise<Response> {
  const { blockId, element } = findElement(message.blocks, actionId, sessionId);
  return clickInMessage(app, message, {
    userId,
    actionId,
    blockId,
    value: element.value as string | undefined,
    ...extra,
  });
}

/** A signed block_actions request for a click in the App Home view. */
export function clickInHome(app: TestApp, view: Json, options: ClickOptions): Promise<Response> {
  return app.interaction({
    type: 'block_actions',
    user: { id: options.userId, username: options.userId.toLowerCase(), team_id: app.slack.teamId },
    container: { type: 'view', view_id: 'VHOME' },
    view: {
      id: 'VHOME',
      type: 'home',
      callback_id: '',
      blocks: view.blocks,
      private_metadata: '',
      state: { values: {} },
    },
    actions: [actionPayload(options)],
  });
}

export function openHome(app: TestApp, userId: string): Promise<Response> {
  return app.event({ type: 'app_home_opened', user: userId, tab: 'home', channel: `D${userId.slice(1)}` });
}

/** Wait for the number of calls to a Slack method to reach `count`. */
export async function callsReach(
  app: TestApp,
  method: string,
  count: number,
  message?: string,
): Promise<void> {
  await eventually(() => app.slack.callsTo(method).length >= count, {
    message: message ?? `${method} called ${count} times (was ${app.slack.callsTo(method).length})`,
  });
}

/** Latest version of a posted message (the fake updates chat.update in place). */
export function messageAt(app: TestApp, channel: string, ts: string): PostedMessage {
  const found = app.slack.messages.find((m) => m.channel === channel && m.ts === ts);
  if (!found) throw new Error(`no message ${channel}/${ts}`);
  return found;
}

/** The Home view's queue items: session ids of blocks `session:<id>`. */
export function homeQueue(view: Json | undefined): string[] {
  return blockIds(view?.blocks as unknown[])
    .filter((id) => id.startsWith('session:'))
    .map((id) => id.slice(8));
}

export function ephemeralTexts(app: TestApp): string[] {
  return app.slack.responses.map((r) => String(r.body.text ?? ''));
}

/** Empty the collections these suites write, and the fake's records, between tests. */
export async function resetData(app: TestApp): Promise<void> {
  const c = app.service.deps.collections;
  await Promise.all([
    c.sessions.deleteMany({}),
    c.usageEvents.deleteMany({}),
    c.rollupsDaily.deleteMany({}),
    c.promptPosts.deleteMany({}),
    c.people.deleteMany({}),
    c.teams.deleteMany({}),
    c.linearIssues.deleteMany({}),
  ]);
  app.slack.reset();
}

export function expectOk(response: Response): void {
  expect(response.status).toBe(200);
}
