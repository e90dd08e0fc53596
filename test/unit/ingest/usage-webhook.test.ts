import { describe, expect, it } from 'vitest';
import {
  MAX_WEBHOOK_BATCH,
  parseUsageWebhook,
  usageEventsFromWebhook,
} from '../../../src/ingest/usage-webhook.ts';

const event = (overrides: Record<string, unknown> = {}) => ({
  source: 'cursor-export',
  id: 'evt_1',
  occurredAt: '2026-03-02T10:00:00Z',
  person: { email: 'ada@example.com' },
  sessionKey: 'sess-1',
  model: 'gpt-4.1',
  tokens: { input: 100, output: 20 },
  cost: { usd: 0.05, kind: 'billed' },
  ...overrides,
});

function errorOf(body: unknown): string {
  const result = parseUsageWebhook(body);
  if (result.ok) throw new Error('expected a validation error');
  return result.error;
}

describe('usage webhook mapping', () => {
  it('maps one event to a UsageEvent', () => {
    const result = usageEventsFromWebhook(
      event({
        person: { email: 'ada@example.com', externalId: 'u-7' },
        tokens: { input: 100, output: 20, cacheRead: 5, cacheCreation: 1 },
        repo: 'git@github.com:acme/api.git',
        branch: 'eng-123-login',
        commit: 'ABCDEF1',
        linearIssue: 'eng-123',
        team: 'platform',
        unknownField: 'ignored',
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: [
        {
          source: 'webhook',
          sourceEventId: 'cursor-export:evt_1',
          kind: 'api_request',
          occurredAt: new Date('2026-03-02T10:00:00Z'),
          sessionKey: 'cursor-export:sess-1',
          identity: { email: 'ada@example.com', externalId: 'u-7' },
          model: 'gpt-4.1',
          tokens: { input: 100, output: 20, cacheRead: 5, cacheCreation: 1 },
          costUsd: 0.05,
          costKind: 'billed',
          repo: 'acme/api',
          branch: 'eng-123-login',
          commit: 'abcdef1',
          linearIssue: 'ENG-123',
          team: 'platform',
          labels: { source: 'cursor-export' },
        },
      ],
    });
  });

  it('accepts a batch and an empty batch', () => {
    const batch = parseUsageWebhook({ events: [event(), event({ id: 'evt_2' })] });
    expect(batch.ok && batch.value.map((e) => e.id)).toEqual(['evt_1', 'evt_2']);
    expect(parseUsageWebhook({ events: [] })).toEqual({ ok: true, value: [] });
  });

  it('accepts offsets in occurredAt and defaults cache tokens to 0', () => {
    const result = usageEventsFromWebhook(event({ occurredAt: '2026-03-02T12:00:00+02:00' }));
    expect(result.ok && result.value[0]).toMatchObject({
      occurredAt: new Date('2026-03-02T10:00:00Z'),
      tokens: { cacheRead: 0, cacheCreation: 0 },
    });
  });
});

describe('usage webhook validation messages', () => {
  it('names the path inside a batch', () => {
    const events = [event(), event(), event(), event({ cost: { usd: -1, kind: 'billed' } })];
    expect(errorOf({ events })).toBe('events[3].cost.usd - Number must be ≥ 0');
  });

  it('explains each field rule', () => {
    expect(errorOf(event({ tokens: { input: 1.5, output: 0 } }))).toBe('tokens.input - Expected an integer');
    expect(errorOf(event({ tokens: { input: -1, output: 0 } }))).toBe('tokens.input - Number must be ≥ 0');
    expect(errorOf(event({ tokens: { input: '5', output: 0 } }))).toBe('tokens.input - Expected a number');
    expect(errorOf(event({ cost: { usd: Number.POSITIVE_INFINITY, kind: 'billed' } }))).toMatch(
      /^cost\.usd - /,
    );
    expect(errorOf(event({ cost: { usd: 1, kind: 'guess' } }))).toBe(
      'cost.kind - Expected "estimated" or "billed"',
    );
    expect(errorOf(event({ person: {} }))).toBe('person - Needs email or externalId');
    expect(errorOf(event({ person: { email: 'not-an-email' } }))).toBe(
      'person.email - Expected an email address',
    );
    expect(errorOf(event({ occurredAt: 'yesterday' }))).toBe(
      'occurredAt - Expected an ISO 8601 date-time with Z or an offset',
    );
    expect(errorOf(event({ commit: 'xyz' }))).toBe('commit - Expected a hex commit id (7-40 characters)');
    expect(errorOf(event({ linearIssue: '123' }))).toBe(
      'linearIssue - Expected a Linear identifier like ENG-123',
    );
    expect(errorOf(event({ source: 'has space' }))).toBe('source - Letters, digits and . _ : - only');
    expect(errorOf(event({ id: '' }))).toBe('id - Must not be empty');
  });

  it('names every missing required field', () => {
    const error = errorOf({});
    for (const field of ['source', 'id', 'occurredAt', 'person', 'sessionKey'])
      expect(error).toContain(`${field} - `);
    expect(error).toMatch(/\(\d+ more\)$/);
  });

  it('caps batches at 1000 events', () => {
    const events = Array.from({ length: MAX_WEBHOOK_BATCH + 1 }, (_, i) => event({ id: `e${i}` }));
    expect(errorOf({ events })).toBe('events - At most 1000 events per request');
    expect(errorOf({ events: 'x' })).toBe('events - Expected an array of events');
    expect(errorOf(null)).toMatch(/^\(root\) - /);
  });
});
