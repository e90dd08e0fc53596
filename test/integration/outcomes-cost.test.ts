import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionClass } from '../../src/domain/types.ts';
import { linkSessionIssues } from '../../src/outcomes/auto-link.ts';
import { loadCostPerOutcome, loadOutcomeReport } from '../../src/outcomes/cost.ts';
import { useTestApp } from '../support/harness.ts';
import {
  issuePayload,
  OUTCOME_ENV,
  OUTCOMES_TOKEN,
  postGithub,
  postLinear,
  seedSession,
} from './outcomes-support.ts';

/**
 * Hand-computed dataset, team Payments, period Oct 1–8 2026, now Oct 12 (calibration within 7 days):
 *   s1 $30 productive, ends Oct 2: ENG-1 (branch) + PR acme/api#10 (commit) → $15 each
 *   s2 $20 productive, ends Oct 3: ENG-1 (declared on its events)         → ENG-1 = 15 + 20 = $35
 *   s3 $60 wasteful,   ends Oct 5: ENG-2 (branch) + ENG-4 (canceled)      → $30 each
 *   s4 $40 productive, ends Oct 6: nothing linked (its 7-day window is still open on Oct 12: pending)
 *   s5 $10 productive, ends Sep 25 (before the period): ENG-2            → ENG-2 = 30 + 10 = $40
 *   s6 $8, team Platform: ENG-1                                           (not Payments)
 *   s7 $12 exploratory, ends Oct 1: manual outcome "Launch" (Oct 2)       → $12
 *   s8 $5 wasteful,    ends Oct 1: nothing linked (window closed Oct 8: not shipped)
 *   ENG-5 completed Oct 7 in the Linear team "Payments", no sessions      → without AI
 */
const day = (d: number, h = 10) => new Date(Date.UTC(2026, 9, d, h)).toISOString();
const NOW = new Date('2026-10-12T00:00:00Z');
const period = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-08T00:00:00Z') };
const MERGE_SHA = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';

describe('outcomes: cost per outcome and calibration through the I/O module', async () => {
  // Jobs off: closing idle sessions would end them "now", and linking is driven by the test.
  const app = await useTestApp({ env: OUTCOME_ENV, service: { now: () => NOW, startJobs: false } });
  const { collections } = app.service.deps;
  const s: Record<string, string> = {};

  const classify = async (id: string, cls: SessionClass) => {
    await collections.sessions.updateOne(
      { _id: new ObjectId(id) },
      { $set: { classification: { class: cls, by: 'self', userId: 'UALICE0001', at: NOW } } },
    );
  };

  beforeAll(async () => {
    for (const identifier of ['ENG-1', 'ENG-2', 'ENG-4', 'ENG-5']) app.linear.addIssue({ identifier });
    const payments = { team: 'Payments', slackUserId: 'UALICE0001', email: 'alice@example.com' };
    s.s1 = await seedSession(collections, {
      ...payments,
      calls: [{ at: day(2), costUsd: 30 }],
      repo: 'acme/api',
      branch: 'alice/eng-1-login',
      commit: MERGE_SHA.slice(0, 12),
    });
    s.s2 = await seedSession(collections, {
      ...payments,
      calls: [{ at: day(3), costUsd: 20 }],
      linearIssue: 'ENG-1',
    });
    s.s3 = await seedSession(collections, {
      ...payments,
      calls: [
        { at: day(5, 8), costUsd: 25 },
        { at: day(5), costUsd: 35 },
      ],
      branch: 'alice/eng-2-refunds',
      linearIssue: 'ENG-4',
    });
    s.s4 = await seedSession(collections, { ...payments, calls: [{ at: day(6), costUsd: 40 }] });
    s.s5 = await seedSession(collections, {
      ...payments,
      calls: [{ at: '2026-09-25T10:00:00.000Z', costUsd: 10 }],
      branch: 'eng-2-spike',
    });
    s.s6 = await seedSession(collections, {
      team: 'Platform',
      email: 'bob@example.com',
      calls: [{ at: day(2), costUsd: 8 }],
      linearIssue: 'ENG-1',
    });
    s.s7 = await seedSession(collections, { ...payments, calls: [{ at: day(1), costUsd: 12 }] });
    s.s8 = await seedSession(collections, { ...payments, calls: [{ at: day(1), costUsd: 5 }] });
    for (const [id, cls] of [
      ['s1', 'productive'],
      ['s2', 'productive'],
      ['s3', 'wasteful'],
      ['s4', 'productive'],
      ['s5', 'productive'],
      ['s7', 'exploratory'],
      ['s8', 'wasteful'],
    ] as const) {
      await classify(s[id]!, cls);
    }

    // Outcomes arrive the way they do in production: Linear and GitHub webhooks, and the manual outcomes API.
    const closed = async (identifier: string, stateType: string, when: string, team?: string) => {
      const response = await postLinear(
        app,
        issuePayload({
          identifier,
          stateType,
          updatedAt: new Date(when),
          ...(stateType === 'completed' ? { completedAt: new Date(when) } : { canceledAt: new Date(when) }),
          ...(team ? { team: { key: 'PAY', name: team } } : {}),
        }),
      );
      expect(response.status).toBe(200);
    };
    await closed('ENG-1', 'completed', day(3, 12));
    await closed('ENG-2', 'completed', day(6, 12));
    await closed('ENG-4', 'canceled', day(5, 12));
    await closed('ENG-5', 'completed', day(7, 12), 'Payments');
    // Sessions are linked after the issues closed: linking attaches them to the existing outcomes.
    await linkSessionIssues(app.service.deps, Object.values(s));

    const pr = {
      action: 'closed',
      number: 10,
      pull_request: {
        number: 10,
        title: 'Refactor session store',
        html_url: 'https://github.com/acme/api/pull/10',
        merged: true,
        merged_at: day(4),
        merge_commit_sha: MERGE_SHA,
        head: { ref: 'alice/refactor', sha: 'aaaaaaa1111111', repo: { full_name: 'acme/api' } },
        base: { ref: 'main', repo: { full_name: 'acme/api' } },
      },
      repository: { full_name: 'acme/api', default_branch: 'main' },
    };
    expect((await postGithub(app, 'pull_request', pr)).status).toBe(200);

    const manual = await app.post(
      '/api/outcomes',
      JSON.stringify({
        title: 'Launch of the refunds beta',
        url: 'https://acme.test/launch',
        completedAt: day(2, 0),
        sessions: [s.s7],
        team: 'Payments',
        recordedBy: 'UALICE0001',
      }),
      { authorization: `Bearer ${OUTCOMES_TOKEN}`, 'content-type': 'application/json' },
    );
    expect(manual.status).toBe(201);
  });

  it('splits each session evenly over its outcomes and prices each kind of outcome', async () => {
    const report = await loadOutcomeReport(app.service.deps, { team: 'Payments', period, withinDays: 7 });
    const cost = report.cost;
    expect(cost.perOutcome.map((o) => [o.ref, o.costUsd, o.sessionCount])).toEqual([
      ['ENG-2', 40, 2],
      ['ENG-1', 35, 2],
      ['acme/api#10', 15, 1],
      ['url:https://acme.test/launch', 12, 1],
    ]);
    expect(cost.issues).toEqual({ count: 2, withoutAi: 1, costUsd: 75, costPerOutcome: 37.5 });
    expect(cost.prs).toEqual({ count: 1, withoutAi: 0, costUsd: 15, costPerOutcome: 15 });
    expect(cost.manual).toEqual({ count: 1, withoutAi: 0, costUsd: 12, costPerOutcome: 12 });
    expect(cost.all).toEqual({ count: 4, withoutAi: 1, costUsd: 102, costPerOutcome: 25.5 });
    // Ended in the period: s1 30 + s2 20 + s3 60 + s4 40 + s7 12 + s8 5 = 167; linked to shipped work: 122.
    expect(cost.totalSpendUsd).toBe(167);
    expect(cost.linkedSpendUsd).toBe(122);
    expect(cost.linkedShare).toBeCloseTo(122 / 167, 10);
  });

  it('measures calibration: productive sessions that shipped, wasteful ones that shipped anyway', async () => {
    const { calibration } = await loadOutcomeReport(app.service.deps, {
      team: 'Payments',
      period,
      withinDays: 7,
    });
    expect(calibration.withinDays).toBe(7);
    expect(calibration.productive).toEqual({
      sessions: 2,
      shipped: 2,
      shippedShare: 1,
      costUsd: 50,
      shippedCostUsd: 50,
      shippedCostShare: 1,
      pending: 1,
    });
    expect(calibration.wasteful).toEqual({
      sessions: 2,
      shipped: 1,
      shippedShare: 0.5,
      costUsd: 65,
      shippedCostUsd: 60,
      shippedCostShare: 60 / 65,
      pending: 0,
    });
  });

  it('counts every team for the org, and nothing of other teams for a team', async () => {
    const org = await loadCostPerOutcome(app.service.deps, { period });
    expect(org.perOutcome.find((o) => o.ref === 'ENG-1')).toMatchObject({ costUsd: 43, sessionCount: 3 });
    expect(org.totalSpendUsd).toBe(175);
    const platform = await loadCostPerOutcome(app.service.deps, { team: 'Platform', period });
    expect(platform.perOutcome.map((o) => [o.ref, o.costUsd])).toEqual([['ENG-1', 8]]);
    expect(platform.issues.withoutAi).toBe(0);
  });

  it('records manual outcomes idempotently and refuses bad requests', async () => {
    const body = JSON.stringify({
      title: 'Launch of the refunds beta',
      url: 'https://acme.test/launch',
      sessions: [s.s7],
    });
    const headers = { authorization: `Bearer ${OUTCOMES_TOKEN}`, 'content-type': 'application/json' };
    const again = await app.post('/api/outcomes', body, headers);
    expect(again.status).toBe(200);
    expect(await collections.outcomes.countDocuments({ kind: 'manual' })).toBe(1);
    expect((await collections.sessions.findOne({ _id: new ObjectId(s.s7) }))!.outcomeIds).toHaveLength(1);

    expect((await app.post('/api/outcomes', body, { 'content-type': 'application/json' })).status).toBe(401);
    const bad = await app.post('/api/outcomes', JSON.stringify({ title: '', sessions: ['nope'] }), headers);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/title|sessions/);
  });
});
