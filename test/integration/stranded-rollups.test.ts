import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { applyStrandedRollups } from '../../jobs/apply-pending-rollups.ts';
import { recordClassification } from '../../src/store/classification-store.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedStoredSession } from '../support/seed-session.ts';

describe('parked rollup increments', async () => {
  const { collections } = await useTestDatabase('stranded');
  const spendByClass = async (person: string) => {
    const rows = await collections.rollupsDaily.find({ person }).toArray();
    const totals: Record<string, number> = {};
    for (const row of rows) totals[row.class] = (totals[row.class] ?? 0) + row.costUsd;
    return totals;
  };

  it('a classification moves its spend through a parked increment and leaves nothing parked', async () => {
    const id = await seedStoredSession(collections, {
      source: 'claude_code',
      sessionKey: 'parked-1',
      email: 'ana@example.com',
      slackUserId: 'UANA000001',
      calls: [
        { at: '2026-11-30T10:00:00Z', costUsd: 2 },
        { at: '2026-12-01T10:00:00Z', costUsd: 3 },
      ],
      tokens: { input: 1, output: 1, cacheRead: 0, cacheCreation: 0 },
    });
    const result = await recordClassification(collections, {
      sessionId: id,
      class: 'productive',
      by: 'self',
      userId: 'UANA000001',
      at: new Date('2026-12-02T09:00:00Z'),
    });
    expect(result.status).toBe('recorded');
    expect(await spendByClass('UANA000001')).toMatchObject({ unclassified: 0, productive: 5 });
    const session = await collections.sessions.findOne({ _id: new ObjectId(id) });
    expect(session?.pendingRollups ?? []).toEqual([]);
  });

  it('applies increments a crash left parked, exactly once, and only once they are stale', async () => {
    const id = await seedStoredSession(collections, {
      source: 'claude_code',
      sessionKey: 'parked-2',
      email: 'ben@example.com',
      slackUserId: 'UBEN000001',
      calls: [{ at: '2026-11-30T10:00:00Z', costUsd: 4 }],
      tokens: { input: 1, output: 1, cacheRead: 0, cacheCreation: 0 },
    });
    // The state a crash right after the atomic class write leaves: class set, move parked, rollups untouched.
    const parkedAt = new Date('2026-12-02T09:00:00Z');
    const base = { day: '2026-11-30', team: '', person: 'UBEN000001', estimatedCostUsd: 0, tokens: 0 };
    await collections.sessions.updateOne(
      { _id: new ObjectId(id) },
      {
        $set: {
          classification: { class: 'wasteful', by: 'self', userId: 'UBEN000001', at: parkedAt },
          updatedAt: parkedAt,
        },
        $push: {
          pendingRollups: {
            id: 'crashed-move',
            increments: [
              { ...base, class: 'unclassified', costUsd: -4 },
              { ...base, class: 'wasteful', costUsd: 4 },
            ],
          },
        },
      },
    );
    const now = (ms: number) => () => new Date(parkedAt.getTime() + ms);
    expect(await applyStrandedRollups({ collections, now: now(10_000) })).toBe(0);
    expect(await spendByClass('UBEN000001')).toMatchObject({ unclassified: 4 });

    expect(await applyStrandedRollups({ collections, now: now(120_000) })).toBe(1);
    expect(await applyStrandedRollups({ collections, now: now(180_000) })).toBe(0);
    expect(await spendByClass('UBEN000001')).toMatchObject({ unclassified: 0, wasteful: 4 });
  });
});
