import { z } from 'zod';
import type { UsageEvent } from '../domain/types.ts';
import { compactIdentity } from './identity.ts';
import { normaliseRepo } from './repo.ts';
import { type ParseResult, parseWith } from './result.ts';

/**
 * The documented generic usage webhook: any tool can POST one event, or `{ "events": [...] }`
 * (at most 1000), signed with Standard Webhooks (see standard-webhooks.ts). Unknown fields are
 * ignored so senders can add their own; known fields are checked strictly and errors name the path.
 */

export const MAX_WEBHOOK_BATCH = 1000;

const nonNegativeInt = z
  .number({ error: 'Expected a number' })
  .int('Expected an integer')
  .min(0, 'Number must be ≥ 0')
  .max(Number.MAX_SAFE_INTEGER, 'Number is too large');

const label = (max: number) =>
  z
    .string({ error: 'Expected a string' })
    .trim()
    .min(1, 'Must not be empty')
    .max(max, `At most ${max} characters`);

export const usageWebhookEventSchema = z.object({
  /** The sender's name for itself, e.g. "cursor-export"; namespaces ids and session keys. */
  source: label(64).regex(/^[\w.:-]+$/, 'Letters, digits and . _ : - only'),
  id: label(200),
  occurredAt: z.iso.datetime({ offset: true, error: 'Expected an ISO 8601 date-time with Z or an offset' }),
  person: z
    .object({
      email: z.email('Expected an email address').max(320).optional(),
      externalId: label(200).optional(),
    })
    .refine((person) => person.email !== undefined || person.externalId !== undefined, {
      error: 'Needs email or externalId',
    }),
  sessionKey: label(200),
  model: label(200),
  tokens: z.object({
    input: nonNegativeInt,
    output: nonNegativeInt,
    cacheRead: nonNegativeInt.optional(),
    cacheCreation: nonNegativeInt.optional(),
  }),
  cost: z.object({
    usd: z
      .number({ error: 'Expected a number' })
      .min(0, 'Number must be ≥ 0')
      .max(1e9, 'Number is too large'),
    kind: z.enum(['estimated', 'billed'], { error: 'Expected "estimated" or "billed"' }),
  }),
  repo: label(300).optional(),
  branch: label(300).optional(),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/i, 'Expected a hex commit id (7-40 characters)')
    .optional(),
  linearIssue: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$/, 'Expected a Linear identifier like ENG-123')
    .optional(),
  team: label(100).optional(),
});

export type UsageWebhookEvent = z.infer<typeof usageWebhookEventSchema>;

const batchSchema = z.object({
  events: z
    .array(usageWebhookEventSchema, { error: 'Expected an array of events' })
    .max(MAX_WEBHOOK_BATCH, `At most ${MAX_WEBHOOK_BATCH} events per request`),
});

/** One event or a `{ events }` batch, as a list; errors read e.g. "events[3].cost.usd - Number must be ≥ 0". */
export function parseUsageWebhook(body: unknown): ParseResult<UsageWebhookEvent[]> {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'events' in body) {
    const batch = parseWith(batchSchema, body);
    return batch.ok ? { ok: true, value: batch.value.events } : batch;
  }
  const single = parseWith(usageWebhookEventSchema, body);
  return single.ok ? { ok: true, value: [single.value] } : single;
}

export function webhookEventToUsageEvent(event: UsageWebhookEvent): UsageEvent {
  const usage: UsageEvent = {
    source: 'webhook',
    sourceEventId: `${event.source}:${event.id}`,
    kind: 'api_request',
    occurredAt: new Date(event.occurredAt),
    // Two senders may both use "session-1"; the sender's label keeps their sessions apart.
    sessionKey: `${event.source}:${event.sessionKey}`,
    identity: compactIdentity({ email: event.person.email, externalId: event.person.externalId }),
    model: event.model,
    tokens: {
      input: event.tokens.input,
      output: event.tokens.output,
      cacheRead: event.tokens.cacheRead ?? 0,
      cacheCreation: event.tokens.cacheCreation ?? 0,
    },
    costUsd: event.cost.usd,
    costKind: event.cost.kind,
    labels: { source: event.source },
  };
  if (event.repo) usage.repo = normaliseRepo(event.repo);
  if (event.branch) usage.branch = event.branch;
  if (event.commit) usage.commit = event.commit.toLowerCase();
  if (event.linearIssue) usage.linearIssue = event.linearIssue.toUpperCase();
  if (event.team) usage.team = event.team;
  return usage;
}

/** Parse and normalise in one step. */
export function usageEventsFromWebhook(body: unknown): ParseResult<UsageEvent[]> {
  const parsed = parseUsageWebhook(body);
  return parsed.ok ? { ok: true, value: parsed.value.map(webhookEventToUsageEvent) } : parsed;
}
