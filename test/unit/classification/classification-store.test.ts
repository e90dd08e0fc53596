import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SessionClass, UsageEvent } from '../../../src/domain/types.ts';
import { identityKey } from '../../../src/ingest/identity.ts';
import {
  recordClassification,
  recordClassifications,
  undoClassification,
} from '../../../src/store/classification-store.ts';
import { storeUsageEvents } from '../../../src/store/usage-store.ts';
import { useTestDatabase } from '../../support/db.ts';

const { collections: c } = await useTestDatabase('classification_store');
const USER = 'UALICE0001';
const identity = { email: 'alice@example.com' };

function event(sessionKey: string, costUsd: number, at: string): UsageEvent {
  return {
    source: 'claude_code',
    sourceEventId: randomUUID(),
    kind: 'api_request',
    occurredAt: new Date(at),
    sessionKey,
    identity,
    model: 'claude-sonnet-4.5',
    tokens: { input: 10, output: 1, cacheRead: 0, cacheCreation: 0 },
    costUsd,
    costKind: 'estimated',
    labels: {},
  };
}

const resolve = async () => new Map([[identityKey(identity), { slackUserId: USER }]]);

async function session(costs: [number, string][]) {
  const key = randomUUID();
  await storeUsageEvents(
    c,
    costs.map(([cost, at]) => event(key, cost, at)),
    resolve,
    new Date(),
  );
  return (await c.sessions.findOne({ sessionKey: key }))!;
}

async function spend(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const row of await c.rollupsDaily.find({ person: USER }).toArray()) {
    out[row.class] = Math.round(((out[row.class] ?? 0) + row.costUsd) * 100) / 100;
  }
  return out;
}

describe('classification store', () => {
  it('moves exactly the per-day spend between classes, and back on undo', async () => {
    await c.rollupsDaily.deleteMany({});
    const s = await session([
      [3, '2025-01-13T23:50:00Z'],
      [4, '2025-01-14T00:10:00Z'],
    ]);
    const at = new Date('2025-01-14T09:00:00Z');
    const result = await recordClassification(c, {
      sessionId: s._id,
      class: 'productive',
      by: 'self',
      userId: USER,
      at,
    });
    expect(result.status).toBe('recorded');
    const rows = await c.rollupsDaily.find({ person: USER, class: 'productive' }).sort({ day: 1 }).toArray();
    expect(rows.map((r) => [r.day, r.costUsd])).toEqual([
      ['2025-01-13', 3],
      ['2025-01-14', 4],
    ]);
    expect(await spend()).toMatchObject({ productive: 7, unclassified: 0 });
    await undoClassification(c, {
      sessionId: s._id,
      by: 'self',
      userId: USER,
      at: new Date(at.getTime() + 1),
    });
    expect(await spend()).toMatchObject({ productive: 0, unclassified: 7 });
  });

  it('refuses other people, unknown and malformed ids without writing', async () => {
    const s = await session([[1, '2025-01-13T10:00:00Z']]);
    const base = { class: 'wasteful' as const, by: 'self' as const, at: new Date() };
    expect(
      await recordClassification(c, { ...base, sessionId: s._id, userId: 'UBOB', ownerId: 'UBOB' }),
    ).toEqual({
      status: 'forbidden',
      ownerId: USER,
    });
    expect((await recordClassification(c, { ...base, sessionId: 'nope', userId: USER })).status).toBe(
      'not_found',
    );
    expect(
      (await recordClassification(c, { ...base, sessionId: 'aaaaaaaaaaaaaaaaaaaaaaaa', userId: USER }))
        .status,
    ).toBe('not_found');
    expect((await c.sessions.findOne({ _id: s._id }))?.classificationHistory).toEqual([]);
  });

  it('stays consistent under concurrent answers and concurrent usage: last answer (by time) wins', async () => {
    await c.rollupsDaily.deleteMany({});
    const s = await session([[10, '2025-01-13T10:00:00Z']]);
    const classes: SessionClass[] = ['productive', 'exploratory', 'wasteful'];
    const writes = Array.from({ length: 24 }, (_, i) =>
      recordClassification(c, {
        sessionId: s._id,
        class: classes[i % 3]!,
        by: 'self',
        userId: USER,
        // Out of order on purpose: the latest instant is i = 7.
        at: new Date(Date.UTC(2025, 0, 13, 12, (i * 7) % 24)),
      }),
    );
    const usage = Array.from({ length: 6 }, (_, i) =>
      storeUsageEvents(c, [event(s.sessionKey, 1, `2025-01-13T11:0${i}:00Z`)], resolve, new Date()),
    );
    await Promise.all([...writes, ...usage]);
    const after = (await c.sessions.findOne({ _id: s._id }))!;
    // i*7 % 24 is largest (23) at i = 17 → class index 17 % 3 = 2.
    expect(after.classification?.class).toBe('wasteful');
    // Every write that changed something is audited; repeats of the current answer are not.
    expect(after.classificationHistory.length).toBeGreaterThanOrEqual(3);
    expect(after.classificationHistory.length).toBeLessThanOrEqual(24);
    expect(after.costUsd).toBe(16);
    expect({ productive: 0, exploratory: 0, unclassified: 0, ...(await spend()) }).toEqual({
      productive: 0,
      exploratory: 0,
      wasteful: 16,
      unclassified: 0,
    });
  });

  it('bulk writes never override an answer when asked not to', async () => {
    const a = await session([[2, '2025-01-13T10:00:00Z']]);
    const b = await session([[3, '2025-01-13T10:00:00Z']]);
    const at = new Date('2025-01-13T12:00:00Z');
    await recordClassification(c, { sessionId: a._id, class: 'productive', by: 'self', userId: USER, at });
    const results = await recordClassifications(
      c,
      [a, b].map((s) => ({
        sessionId: s._id,
        class: 'wasteful' as const,
        by: 'self' as const,
        userId: USER,
        at: new Date(at.getTime() + 1000),
        onlyIfUnclassified: true,
      })),
    );
    expect(results.map((r) => r.status)).toEqual(['already_classified', 'recorded']);
    expect((await c.sessions.findOne({ _id: a._id }))?.classification?.class).toBe('productive');
  });
});
