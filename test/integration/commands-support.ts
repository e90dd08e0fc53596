/** Seeding and asking helpers shared by the /ai-roi command suites. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Collections, TeamDoc } from '../../src/db/collections.ts';
import type { FakeUser } from '../../src/sandbox/fake-slack-api.ts';
import { eventually, type TestApp } from '../support/harness.ts';
import { seedStoredSession } from '../support/seed-session.ts';

export const ALICE = 'UALICE0001'; // manager of Payments
export const BOB = 'UBOB000001'; // engineer in Payments
export const CAROL = 'UCAROL0001'; // workspace admin
export const DAVE = 'UDAVE00001'; // engineer in Platform
export const ERIN = 'UERIN00001'; // manager of Platform
export const FRANK = 'UFRANK0001'; // engineer, no team
export const GINA = 'UGINA00001'; // engineer in Payments
export const HANK = 'UHANK00001'; // engineer in Payments

export const USERS: FakeUser[] = [
  { id: ALICE, name: 'alice', email: 'alice@example.com', tz: 'Europe/Berlin' },
  { id: BOB, name: 'bob', email: 'bob@example.com', tz: 'UTC' },
  { id: CAROL, name: 'carol', email: 'carol@example.com', tz: 'UTC', isAdmin: true },
  { id: DAVE, name: 'dave', email: 'dave@example.com', tz: 'UTC' },
  { id: ERIN, name: 'erin', email: 'erin@example.com', tz: 'UTC' },
  { id: FRANK, name: 'frank', email: 'frank@example.com', tz: 'UTC' },
  { id: GINA, name: 'gina', email: 'gina@example.com', tz: 'UTC' },
  { id: HANK, name: 'hank', email: 'hank@example.com', tz: 'UTC' },
];

export const mention = (id: string) => `<@${id}|${USERS.find((u) => u.id === id)?.name ?? 'someone'}>`;

export async function seedTeam(
  collections: Collections,
  team: Partial<TeamDoc> & Pick<TeamDoc, 'name'>,
): Promise<void> {
  const now = new Date('2025-11-01T00:00:00Z');
  await collections.teams.insertOne({ members: [], managers: [], createdAt: now, updatedAt: now, ...team });
}

export interface SeedSession {
  email: string;
  /** Known person (else the identity stays unmapped). */
  slackUserId?: string;
  team?: string;
  sessionKey?: string;
  /** One api_request per entry. */
  calls: { at: string; costUsd: number; model?: string }[];
  repo?: string;
  branch?: string;
}

let counter = 0;

/** Usage through the real store (events → session → rollups), as ingestion writes it. */
export async function seedSession(collections: Collections, seed: SeedSession): Promise<string> {
  return seedStoredSession(collections, {
    ...seed,
    source: 'claude_code',
    sessionKey: seed.sessionKey ?? `seed-${++counter}-${randomUUID()}`,
    tokens: { input: 1000, output: 100, cacheRead: 10, cacheCreation: 1 },
  });
}

/** Daily spend for one person from `from` for `days` days (one session per day). */
export async function seedDaily(
  collections: Collections,
  input: { email: string; slackUserId?: string; team?: string; from: string; days: number; costUsd: number },
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < input.days; i++) {
    const day = new Date(Date.parse(`${input.from}T10:00:00Z`) + i * 86_400_000).toISOString();
    ids.push(
      await seedSession(collections, {
        email: input.email,
        ...(input.slackUserId && { slackUserId: input.slackUserId }),
        ...(input.team && { team: input.team }),
        calls: [{ at: day, costUsd: input.costUsd }],
        repo: 'acme/payments',
        branch: 'feature/refunds',
      }),
    );
  }
  return ids;
}

export interface Answer {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
}

/** Send `/ai-roi <text>` as `user`; resolves with the `count` answers posted to its response_url. */
export async function ask(app: TestApp, text: string, user: string, count = 1): Promise<Answer[]> {
  const id = randomUUID();
  const response = await app.command(text, user, { response_url: app.slack.responseUrl(id) });
  expect(response.status).toBe(200);
  const answers = await eventually(
    () => {
      const found = app.slack.responses.filter((r) => r.id === id);
      return found.length >= count ? found : undefined;
    },
    { message: `answer to /ai-roi ${text}` },
  );
  return answers.map((a) => a.body as Answer);
}

/** One ephemeral answer, as plain text (text plus every text in its blocks). */
export async function askText(app: TestApp, text: string, user: string): Promise<string> {
  const [answer] = await ask(app, text, user);
  expect(answer!.response_type).toBe('ephemeral');
  return flatten(answer!);
}

export function flatten(answer: Answer): string {
  const texts: string[] = [answer.text ?? ''];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') texts.push(value);
        else walk(value);
      }
    }
  };
  walk(answer.blocks);
  return texts.join('\n');
}
