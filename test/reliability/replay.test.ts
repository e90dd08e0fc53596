/**
 * Replay and idempotency: every signed (or bearer) request is sent three times at once, then the whole set is
 * replayed again three times at once. Each is stored once, and the second round changes no total.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { seedClosedSessions } from '../integration/classification-support.ts';
import { startTestApp, type TestApp } from '../support/harness.ts';
import { useFigures } from './figures.ts';
import {
  ACTIONS,
  blockAction,
  classifyValue,
  commandFields,
  formBody,
  githubHeaders,
  githubMergedPr,
  interactionBody,
  linearHeaders,
  linearIssue,
  liteLlmHeaders,
  liteLlmPayload,
  manualOutcome,
  otlpHeaders,
  otlpLogs,
  otlpMetrics,
  outcomesHeaders,
  RELIABILITY_ENV,
  slackHeaders,
  usageEvent,
  usageHeaders,
  viewSubmission,
} from './payloads.ts';
import { countAll, diffCounts, type RawHeaders, rawPost, settle } from './support.ts';

interface Signed {
  path: string;
  body: string;
  headers: RawHeaders;
}

const ALICE = 'UALICE0001';
const CAROL = 'UCAROL0001';
const COPIES = 3;

describe('replayed requests are stored once', async () => {
  const figures = useFigures('replay');
  const app: TestApp = await startTestApp({ env: RELIABILITY_ENV, service: { startJobs: false } });
  const { db, collections } = app.service.deps;
  afterAll(() => app.stop());

  const requests: { endpoint: string; request: Signed }[] = [];
  const add = (endpoint: string, path: string, body: string, headers: RawHeaders) =>
    requests.push({ endpoint, request: { path, body, headers } });

  // Usage: 10 OTLP log batches (2 calls each), 5 metric exports, 5 webhook batches (2 events), 5 LiteLLM batches.
  const OTLP_BATCHES = 10;
  for (let i = 0; i < OTLP_BATCHES; i++) {
    const body = JSON.stringify(otlpLogs({ requests: [{ costUsd: 0.5 }, { costUsd: 0.25 }] }));
    add('/v1/logs', '/v1/logs', body, otlpHeaders());
  }
  for (let i = 0; i < 5; i++) {
    add('/v1/metrics', '/v1/metrics', JSON.stringify(otlpMetrics({ usd: 1 })), otlpHeaders());
  }
  for (let i = 0; i < 5; i++) {
    const body = JSON.stringify({ events: [usageEvent({ usd: 0.4 }), usageEvent({ usd: 0.6 })] });
    add('/webhooks/usage', '/webhooks/usage', body, usageHeaders(body));
  }
  for (let i = 0; i < 5; i++) {
    const body = JSON.stringify([liteLlmPayload({ usd: 0.03 }), liteLlmPayload({ usd: 0.07 })]);
    add('/webhooks/litellm', '/webhooks/litellm', body, liteLlmHeaders());
  }
  // Outcomes: 5 Linear completions, 5 merged PRs, 5 manual outcomes.
  for (let i = 0; i < 5; i++) {
    const body = JSON.stringify(linearIssue({ identifier: `RPL-${i + 1}` }));
    add('/webhooks/linear', '/webhooks/linear', body, linearHeaders(body));
  }
  for (let i = 0; i < 5; i++) {
    const body = JSON.stringify(githubMergedPr({ number: 500 + i }));
    add('/webhooks/github', '/webhooks/github', body, githubHeaders(body));
  }
  for (let i = 0; i < 5; i++) {
    add('/api/outcomes', '/api/outcomes', JSON.stringify(manualOutcome()), outcomesHeaders());
  }
  // Slack: classify clicks and modal submissions on Alice's sessions, an admin's subscribe command.
  const sessions = await seedClosedSessions(
    collections,
    Array.from({ length: 6 }, (_, i) => ({
      userId: ALICE,
      startedAt: `2026-11-2${i}T09:00:00Z`,
      costUsd: 2 + i,
    })),
  );
  const slackForm = (endpoint: string, body: string) =>
    add(endpoint, '/slack/events', body, slackHeaders(body, 'application/x-www-form-urlencoded'));
  for (const id of sessions.slice(0, 3)) {
    slackForm(
      'slack: classify click',
      interactionBody(
        blockAction(
          ALICE,
          ACTIONS.classifyProductive,
          classifyValue(id.toHexString()),
          app.slack.responseUrl(),
        ),
      ),
    );
  }
  for (const id of sessions.slice(3)) {
    slackForm(
      'slack: classify modal',
      interactionBody(viewSubmission(ALICE, id.toHexString(), 'wasteful', 'replayed note')),
    );
  }
  slackForm(
    'slack: /ai-roi subscribe',
    formBody(
      commandFields('subscribe <#CLEADERS01|leadership> weekly mon 09:00', CAROL, app.slack.responseUrl()),
    ),
  );

  const sendAll = async () => {
    const started = Date.now();
    const statuses: { endpoint: string; statuses: (number | string)[] }[] = [];
    // One request after another, its three copies at once.
    for (const { endpoint, request } of requests) {
      const copies = await Promise.all(
        Array.from({ length: COPIES }, () =>
          rawPost(app.baseUrl, request.path, request.body, request.headers),
        ),
      );
      statuses.push({ endpoint, statuses: copies.map((c) => c.status) });
    }
    return { statuses, ms: Date.now() - started };
  };

  const totals = async () => {
    const sum = async (name: string, field: string, filter: Record<string, unknown> = {}) => {
      const [row] = await db
        .collection(name)
        .aggregate([{ $match: filter }, { $group: { _id: null, total: { $sum: `$${field}` } } }])
        .toArray();
      return Math.round(((row?.total as number | undefined) ?? 0) * 1e6) / 1e6;
    };
    return {
      usageEvents: await collections.usageEvents.countDocuments({ kind: 'api_request' }),
      eventCost: await sum('usage_events', 'costUsd', { kind: 'api_request' }),
      sessionCost: await sum('sessions', 'costUsd'),
      rollupCost: await sum('rollups_daily', 'costUsd'),
      metricPoints: await collections.metricPoints.countDocuments(),
      metricCost: await sum('sessions', 'metricCostUsd'),
      outcomes: await collections.outcomes.countDocuments(),
      deliveries: await collections.deliveries.countDocuments(),
      classifications: (
        await collections.sessions.find({ classification: { $exists: true } }).toArray()
      ).reduce((n, s) => n + s.classificationHistory.length, 0),
      subscriptions: await collections.subscriptions.countDocuments(),
      channelPosts: app.slack.messagesIn('CLEADERS01').length,
    };
  };

  const baseline = await totals();
  const seededCost = baseline.sessionCost;

  it('stores each request once when three copies arrive at once', async () => {
    const round = await sendAll();
    await settle(db, { quietMs: 150, timeoutMs: 5000 });
    const non2xx = round.statuses.flatMap((s) =>
      s.statuses
        .filter((status) => typeof status !== 'number' || status >= 300)
        .map((status) => `${s.endpoint}: ${status}`),
    );
    figures.report('distinct requests', requests.length);
    figures.report('copies sent (3 at once each)', requests.length * COPIES);
    figures.expect('copies answered other than 2xx', non2xx.length, { eq: 0 }, non2xx.slice(0, 10));
    const t = await totals();
    // Expected from what was sent: 10×(0.5+0.25) + 5×(0.4+0.6) + 5×(0.03+0.07).
    const sentCost = OTLP_BATCHES * 0.75 + 5 * 1 + 5 * 0.1;
    figures.expect('usage events stored (sent 40)', t.usageEvents - baseline.usageEvents, { eq: 40 });
    figures.expect(
      'usage event cost stored (sent $13.00)',
      Math.round((t.eventCost - baseline.eventCost) * 1e6) / 1e6,
      { eq: sentCost },
    );
    figures.expect('session cost stored (sent + seeded)', t.sessionCost, {
      eq: Math.round((sentCost + seededCost) * 1e6) / 1e6,
    });
    figures.expect('rollup cost (sent + seeded)', t.rollupCost, {
      eq: Math.round((sentCost + seededCost) * 1e6) / 1e6,
    });
    figures.expect('metric cost stored (sent 5 × $1)', t.metricCost, { eq: 5 });
    figures.expect('outcomes stored (5 issues, 5 PRs, 5 manual)', t.outcomes, { eq: 15 });
    figures.expect('classifications recorded (sent 6)', t.classifications, { eq: 6 });
    figures.expect('subscriptions created (sent 1)', t.subscriptions, { eq: 1 });
    const alice = await collections.sessions.find({ slackUserId: ALICE }).toArray();
    expect(alice.map((s) => s.classification?.class).sort()).toEqual([
      'productive',
      'productive',
      'productive',
      'wasteful',
      'wasteful',
      'wasteful',
    ]);
  });

  it('changes no total when everything is replayed again, three copies at once', async () => {
    const before = await totals();
    const documents = await settle(db, { quietMs: 100 });
    const countsBefore = await countAll(db);
    const round = await sendAll();
    const after = await settle(db, { quietMs: 150, timeoutMs: 5000 });
    const failures = round.statuses.flatMap((s) =>
      s.statuses
        .filter((status) => typeof status !== 'number' || status >= 500)
        .map((status) => `${s.endpoint}: ${status}`),
    );
    figures.expect(
      'replayed copies answered 5xx or dropped',
      failures.length,
      { eq: 0 },
      failures.slice(0, 10),
    );
    const t = await totals();
    const changed = Object.entries(t).filter(([key, value]) => before[key as keyof typeof before] !== value);
    figures.expect('totals changed by the replay', changed.length, { eq: 0 }, { before, after: t });
    // Deliveries are deduplicated and usage ids are unique: the replay adds no data. The audit trail logs every
    // call (a repeated manual outcome or subscribe is audited again): reported, left out of the invariant.
    const added = diffCounts(countsBefore, await countAll(db));
    figures.report('audit entries added by the replay', added.audit ?? 0);
    const dataAdded = after.objects - documents.objects - (added.audit ?? 0);
    figures.expect('documents added by the replay (audit aside)', dataAdded, { eq: 0 }, added);
    figures.report('replay round ms', round.ms);
  });

  // Regression: the same subscribe, or the same manual outcome, sent again changes nothing and is not audited again.
  it('replaying the same subscribe or manual outcome adds no audit entry', async () => {
    const outcome = JSON.stringify(manualOutcome());
    await rawPost(app.baseUrl, '/api/outcomes', outcome, outcomesHeaders());
    const subscribe = formBody(
      commandFields('subscribe <#CLEADERS01|leadership> weekly mon 09:00', CAROL, app.slack.responseUrl()),
    );
    await rawPost(
      app.baseUrl,
      '/slack/events',
      subscribe,
      slackHeaders(subscribe, 'application/x-www-form-urlencoded'),
    );
    await settle(db, { quietMs: 100 });
    const before = await collections.audit.countDocuments();
    await rawPost(app.baseUrl, '/api/outcomes', outcome, outcomesHeaders());
    await rawPost(
      app.baseUrl,
      '/slack/events',
      subscribe,
      slackHeaders(subscribe, 'application/x-www-form-urlencoded'),
    );
    await settle(db, { quietMs: 100 });
    expect(await collections.audit.countDocuments()).toBe(before);
  });
});
