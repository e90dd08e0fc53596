/** Signing and seeding helpers shared by the outcomes suites. */
import { createHmac, randomUUID } from 'node:crypto';
import type { Collections } from '../../src/db/collections.ts';
import type { TestApp } from '../support/harness.ts';
import { seedStoredSession } from '../support/seed-session.ts';

export const LINEAR_SECRET = 'lin_wh_test_secret_0123456789';
export const GITHUB_SECRET = "It's a Secret to Everybody";
export const OUTCOMES_TOKEN = 'outcomes-api-token-0123456789';

export const OUTCOME_ENV = {
  LINEAR_WEBHOOK_SECRET: LINEAR_SECRET,
  GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
  OUTCOMES_API_TOKEN: OUTCOMES_TOKEN,
};

export function linearSignature(body: string, secret = LINEAR_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export function githubSignature(body: string, secret = GITHUB_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface IssueEvent {
  identifier: string;
  stateType: string;
  /** Linear's updatedAt of this change (orders deliveries). */
  updatedAt: Date;
  title?: string;
  completedAt?: Date;
  canceledAt?: Date;
  team?: { key: string; name: string };
  project?: string;
}

/** An Issue update payload shaped like Linear's (EntityWebhookPayload with IssueWebhookPayload data). */
export function issuePayload(event: IssueEvent, webhookTimestamp = Date.now()): Record<string, unknown> {
  const key = event.identifier.split('-')[0]!;
  return {
    action: 'update',
    type: 'Issue',
    createdAt: event.updatedAt.toISOString(),
    organizationId: 'org-1',
    webhookId: 'webhook-1',
    webhookTimestamp,
    url: `https://linear.app/acme/issue/${event.identifier}`,
    updatedFrom: {
      stateId: 'state-before',
      updatedAt: new Date(event.updatedAt.getTime() - 1000).toISOString(),
    },
    data: {
      id: `issue-${event.identifier.toLowerCase()}`,
      identifier: event.identifier,
      number: Number(event.identifier.split('-')[1]),
      title: event.title ?? `Issue ${event.identifier}`,
      url: `https://linear.app/acme/issue/${event.identifier}`,
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: event.updatedAt.toISOString(),
      completedAt: event.completedAt?.toISOString() ?? null,
      canceledAt: event.canceledAt?.toISOString() ?? null,
      stateId: `state-${event.stateType}`,
      state: { id: `state-${event.stateType}`, name: event.stateType, type: event.stateType, color: '#000' },
      teamId: `team-${key.toLowerCase()}`,
      team: event.team ?? { id: `team-${key.toLowerCase()}`, key, name: key === 'ENG' ? 'Engineering' : key },
      project: event.project ? { id: 'project-1', name: event.project } : null,
      labelIds: [],
      labels: [],
      priority: 0,
      priorityLabel: 'No priority',
      prioritySortOrder: 0,
      sortOrder: 0,
      previousIdentifiers: [],
      subscriberIds: [],
      reactionData: {},
    },
  };
}

export function postLinear(
  app: TestApp,
  payload: unknown,
  options: { deliveryId?: string; signature?: string; raw?: string } = {},
): Promise<Response> {
  const body = options.raw ?? JSON.stringify(payload);
  return app.post('/webhooks/linear', body, {
    'content-type': 'application/json; charset=utf-8',
    'linear-delivery': options.deliveryId ?? randomUUID(),
    'linear-event': 'Issue',
    'user-agent': 'Linear-Webhook',
    'linear-signature': options.signature ?? linearSignature(body),
  });
}

export function postGithub(
  app: TestApp,
  event: string,
  payload: unknown,
  options: { deliveryId?: string; signature?: string | null; raw?: string } = {},
): Promise<Response> {
  const body = options.raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.deliveryId ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/test',
  };
  const signature = options.signature === undefined ? githubSignature(body) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return app.post('/webhooks/github', body, headers);
}

export interface SeedSession {
  email?: string;
  slackUserId?: string;
  team?: string;
  /** Times and costs of its api_request events. */
  calls: { at: string; costUsd: number }[];
  repo?: string;
  branch?: string;
  commit?: string;
  linearIssue?: string;
}

let counter = 0;

/** A session written the way ingestion writes it (usage events folded by the real store). */
export async function seedSession(collections: Collections, seed: SeedSession): Promise<string> {
  return seedStoredSession(collections, {
    ...seed,
    source: 'webhook',
    sessionKey: `webhook:seed-${++counter}-${randomUUID()}`,
    email: seed.email ?? 'dev@example.com',
    tokens: { input: 100, output: 10, cacheRead: 0, cacheCreation: 0 },
  });
}
