import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { closeIdleSessions } from '../../jobs/close-idle-sessions.ts';
import { resolveIdentities } from '../../jobs/resolve-identities.ts';
import { encodeLogsRequest, encodeMetricsRequest } from '../../src/ingest/otlp/proto.ts';
import { signStandardWebhook } from '../../src/ingest/standard-webhooks.ts';
import { claudeCodeLogsRequest, claudeCodeMetricsRequest } from '../fixtures/otlp/claude-code.ts';
import { useTestApp } from '../support/harness.ts';

const OTLP_TOKEN = 'otlp-test-token';
const LITELLM_TOKEN = 'litellm-test-token';
const USAGE_SECRET = `whsec_${Buffer.from('usage-webhook-test-secret-32bytes!').toString('base64')}`;
const SECRET_PROMPT = 'TOP-SECRET-PROMPT-do-not-store';
const SECRET_RESPONSE = 'TOP-SECRET-RESPONSE-do-not-store';

const json = { 'content-type': 'application/json', authorization: `Bearer ${OTLP_TOKEN}` };
const protobuf = { 'content-type': 'application/x-protobuf', authorization: `Bearer ${OTLP_TOKEN}` };

describe('usage ingestion', async () => {
  const app = await useTestApp({
    env: { OTLP_TOKEN, LITELLM_TOKEN, USAGE_WEBHOOK_SECRET: USAGE_SECRET, SESSION_IDLE_MINUTES: '30' },
  });
  const { collections } = app.service.deps;
  const t0 = Date.parse('2026-11-30T10:00:00Z');

  const logs = (sessionId: string, requests: { id: string; cost: number; input?: number; at?: number }[]) =>
    claudeCodeLogsRequest({
      sessionId,
      email: 'alice@example.com',
      resource: { team: 'payments', branch: 'alice/pay-12-refunds' },
      requests: requests.map((r, i) => ({
        requestId: r.id,
        at: new Date(r.at ?? t0 + i * 1000),
        costUsd: r.cost,
        input: r.input ?? 1000,
        output: 200,
        cacheRead: 50,
        cacheCreation: 10,
      })),
    });

  it('stores Claude Code api_request events from OTLP/JSON and folds them into one session', async () => {
    const body = logs('sess-json', [
      { id: 'req_json_1', cost: 0.5 },
      { id: 'req_json_2', cost: 0.25 },
    ]);
    const response = await app.post('/v1/logs', JSON.stringify(body), json);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({});
    const session = await collections.sessions.findOne({ sessionKey: 'sess-json' });
    expect(session?.costUsd).toBeCloseTo(0.75, 10);
    expect(session?.tokens).toEqual({ input: 2000, output: 400, cacheRead: 100, cacheCreation: 20 });
    expect(session?.apiRequests).toBe(2);
    expect(session?.branch).toBe('alice/pay-12-refunds');
    expect(session?.team).toBe('payments');
    expect(session?.costSource).toBe('events');
    const rollups = await collections.rollupsDaily
      .find({ person: 'unmapped:email:alice@example.com' })
      .toArray();
    expect(rollups.reduce((sum, r) => sum + r.costUsd, 0)).toBeCloseTo(0.75, 10);
    expect(rollups.every((r) => r.class === 'unclassified')).toBe(true);
  });

  it('accepts protobuf and gzip, answering in the request content type', async () => {
    const body = encodeLogsRequest(logs('sess-proto', [{ id: 'req_proto_1', cost: 1.5 }]));
    const response = await app.post('/v1/logs', gzipSync(body), { ...protobuf, 'content-encoding': 'gzip' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect((await collections.sessions.findOne({ sessionKey: 'sess-proto' }))?.costUsd).toBe(1.5);
  });

  it('stores a replayed batch once, even when replayed concurrently', async () => {
    const body = JSON.stringify(
      logs('sess-replay', [
        { id: 'req_r_1', cost: 0.1 },
        { id: 'req_r_2', cost: 0.2 },
        { id: 'req_r_3', cost: 0.3 },
      ]),
    );
    const responses = await Promise.all([1, 2, 3, 4].map(() => app.post('/v1/logs', body, json)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await collections.usageEvents.countDocuments({ sessionKey: 'sess-replay' })).toBe(3);
    const session = await collections.sessions.findOne({ sessionKey: 'sess-replay' });
    expect(session?.costUsd).toBeCloseTo(0.6, 10);
    expect(session?.apiRequests).toBe(3);
  });

  it('keeps exact totals when many requests for one session arrive concurrently', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify(logs('sess-concurrent', [{ id: `req_c_${i}`, cost: 0.01 * (i + 1), input: i + 1 }])),
    );
    const responses = await Promise.all(bodies.map((body) => app.post('/v1/logs', body, json)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const session = await collections.sessions.findOne({ sessionKey: 'sess-concurrent' });
    expect(session?.apiRequests).toBe(20);
    expect(session?.costUsd).toBeCloseTo(2.1, 10);
    expect(session?.tokens.input).toBe(210);
  });

  it('counts prompts and responses but never stores their text', async () => {
    const body = claudeCodeLogsRequest({
      sessionId: 'sess-private',
      email: 'alice@example.com',
      prompts: [{ at: new Date(t0), text: SECRET_PROMPT }],
      responses: [{ at: new Date(t0 + 10), text: SECRET_RESPONSE }],
      requests: [{ requestId: 'req_private_1', at: new Date(t0 + 20), costUsd: 0.2, input: 10, output: 10 }],
    });
    expect(JSON.stringify(body)).toContain(SECRET_PROMPT);
    const response = await app.post('/v1/logs', JSON.stringify(body), json);
    expect(response.status).toBe(200);
    const session = await collections.sessions.findOne({ sessionKey: 'sess-private' });
    expect(session?.promptsCounted).toBe(2);
    for (const name of (await app.service.deps.db.listCollections().toArray()).map((c) => c.name)) {
      const docs = await app.service.deps.db.collection(name).find({}).toArray();
      const text = JSON.stringify(docs);
      expect(text, `collection ${name}`).not.toContain(SECRET_PROMPT);
      expect(text, `collection ${name}`).not.toContain(SECRET_RESPONSE);
    }
  });

  it('refuses missing or wrong credentials with 401 and stores nothing', async () => {
    const before = await collections.usageEvents.countDocuments();
    const body = JSON.stringify(logs('sess-unauth', [{ id: 'req_unauth', cost: 1 }]));
    const noToken = await app.post('/v1/logs', body, { 'content-type': 'application/json' });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { message: string }).message).toMatch(/bearer/i);
    expect((await app.post('/v1/logs', body, { ...json, authorization: 'Bearer nope' })).status).toBe(401);
    expect((await app.post('/v1/metrics', body, { ...json, authorization: 'Basic abc' })).status).toBe(401);
    expect((await app.post('/webhooks/litellm', '[]', { authorization: 'Bearer wrong' })).status).toBe(401);
    const usage = JSON.stringify({ source: 'x', id: '1' });
    expect((await app.post('/webhooks/usage', usage, { 'content-type': 'application/json' })).status).toBe(
      401,
    );
    const badSig = signStandardWebhook(USAGE_SECRET, `${usage} `, { id: 'msg_1' });
    expect((await app.post('/webhooks/usage', usage, { ...badSig })).status).toBe(401);
    const stale = signStandardWebhook(USAGE_SECRET, usage, {
      id: 'msg_2',
      at: new Date(Date.now() - 10 * 60_000),
    });
    expect((await app.post('/webhooks/usage', usage, { ...stale })).status).toBe(401);
    expect(await collections.usageEvents.countDocuments()).toBe(before);
  });

  it('answers undecodable bodies with 400 and keeps authenticated invalid ones as dead letters', async () => {
    const garbage = await app.post('/v1/logs', Buffer.from([0xff, 0x01, 0x02]), protobuf);
    expect(garbage.status).toBe(400);
    const wrongType = await app.post('/v1/logs', '{}', { ...json, 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    const usage = JSON.stringify({
      source: 'ci-bot',
      id: 'evt-bad',
      occurredAt: '2026-11-30T10:00:00Z',
      person: { email: 'bob@example.com' },
      sessionKey: 's1',
      model: 'gpt-5',
      tokens: { input: 10, output: 5 },
      cost: { usd: -5, kind: 'billed' },
    });
    const response = await app.post('/webhooks/usage', usage, {
      ...signStandardWebhook(USAGE_SECRET, usage, { id: 'msg_bad' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain('cost.usd');
    const letters = await collections.deadLetters.find({ endpoint: '/webhooks/usage' }).toArray();
    expect(letters).toHaveLength(1);
    expect(letters[0]?.body).toContain('evt-bad');
    expect(await collections.usageEvents.countDocuments({ sourceEventId: 'ci-bot:evt-bad' })).toBe(0);
  });

  it('refuses bodies over the size limit with 413', async () => {
    const big = Buffer.alloc(app.config.INGEST_MAX_BODY_BYTES + 10, 32);
    const response = await app.post('/v1/logs', big, json);
    expect(response.status).toBe(413);
  });

  it('stores signed generic webhook batches idempotently', async () => {
    const body = JSON.stringify({
      events: [1, 2].map((n) => ({
        source: 'ci-bot',
        id: `evt-${n}`,
        occurredAt: '2026-11-30T11:00:00Z',
        person: { email: 'bob@example.com' },
        sessionKey: 'bob-run-1',
        model: 'gpt-5',
        tokens: { input: 100, output: 50 },
        cost: { usd: 0.4, kind: 'billed' },
        repo: 'acme/api',
        branch: 'bob/eng-7-fix',
        linearIssue: 'ENG-7',
      })),
    });
    const first = await app.post('/webhooks/usage', body, {
      ...signStandardWebhook(USAGE_SECRET, body, { id: 'msg_ok' }),
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ stored: 2, duplicates: 0 });
    const again = await app.post('/webhooks/usage', body, {
      ...signStandardWebhook(USAGE_SECRET, body, { id: 'msg_ok' }),
    });
    expect(await again.json()).toEqual({ stored: 0, duplicates: 2 });
    const session = await collections.sessions.findOne({ source: 'webhook' });
    expect(session?.costUsd).toBeCloseTo(0.8, 10);
    expect(session?.costKind).toBe('billed');
    expect(session?.repo).toBe('acme/api');
  });

  it('maps LiteLLM generic_api batches', async () => {
    const payload = [
      {
        id: 'litellm-1',
        call_type: 'acompletion',
        status: 'success',
        response_cost: 0.12,
        prompt_tokens: 300,
        completion_tokens: 40,
        total_tokens: 340,
        startTime: 1764496800,
        endTime: 1764496802,
        model: 'gpt-4o',
        metadata: {
          user_api_key_user_email: 'carol@example.com',
          user_api_key_team_alias: 'platform',
          session_id: 'lite-s1',
        },
        messages: [{ role: 'user', content: SECRET_PROMPT }],
      },
    ];
    const response = await app.post('/webhooks/litellm', JSON.stringify(payload), {
      'content-type': 'application/json',
      authorization: `Bearer ${LITELLM_TOKEN}`,
    });
    expect(response.status).toBe(200);
    const session = await collections.sessions.findOne({ source: 'litellm' });
    expect(session?.costUsd).toBeCloseTo(0.12, 10);
    expect(session?.team).toBe('platform');
    expect(JSON.stringify(await collections.usageEvents.find({ source: 'litellm' }).toArray())).not.toContain(
      SECRET_PROMPT,
    );
  });

  it('does not double-count cost when a session sends both events and metrics', async () => {
    await app.post('/v1/logs', JSON.stringify(logs('sess-both', [{ id: 'req_both_1', cost: 2 }])), json);
    const metrics = claudeCodeMetricsRequest({
      sessionId: 'sess-both',
      email: 'alice@example.com',
      start: new Date(t0),
      at: new Date(t0 + 60_000),
      cost: [{ usd: 2 }],
      tokens: [{ input: 1000, output: 200 }],
      commits: 1,
    });
    const response = await app.post('/v1/metrics', encodeMetricsRequest(metrics), protobuf);
    expect(response.status).toBe(200);
    const before = await collections.sessions.findOne({ sessionKey: 'sess-both' });
    expect(before?.costUsd).toBe(2);
    expect(before?.metricCostUsd).toBe(2);
    // Metrics-only session: its metric cost becomes its cost when it closes, exactly once.
    const metricsOnly = claudeCodeMetricsRequest({
      sessionId: 'sess-metrics-only',
      email: 'alice@example.com',
      start: new Date(t0),
      at: new Date(t0 + 60_000),
      cost: [{ usd: 3 }],
    });
    await app.post('/v1/metrics', JSON.stringify(metricsOnly), json);
    await app.post('/v1/metrics', JSON.stringify(metricsOnly), json); // replay: stored once
    const deps = { ...app.service.deps, now: () => new Date(t0 + 2 * 60 * 60_000) };
    await closeIdleSessions(deps);
    await closeIdleSessions(deps);
    const both = await collections.sessions.findOne({ sessionKey: 'sess-both' });
    const only = await collections.sessions.findOne({ sessionKey: 'sess-metrics-only' });
    expect(both?.costUsd).toBe(2);
    expect(both?.closedAt).toBeInstanceOf(Date);
    expect(only?.costUsd).toBe(3);
    expect(only?.costSource).toBe('metrics');
    // Every dollar of every session is in exactly one rollup row (whoever the person turned out to be).
    const rollups = await collections.rollupsDaily.find({}).toArray();
    const sessions = await collections.sessions.find({}).toArray();
    expect(rollups.reduce((sum, r) => sum + r.costUsd, 0)).toBeCloseTo(
      sessions.reduce((sum, s) => sum + s.costUsd, 0),
      8,
    );
  });

  it('maps telemetry emails to Slack users through users.lookupByEmail and moves their spend', async () => {
    await app.post('/v1/logs', JSON.stringify(logs('sess-map', [{ id: 'req_map_1', cost: 0.9 }])), json);
    await resolveIdentities(app.service.deps);
    const session = await collections.sessions.findOne({ sessionKey: 'sess-map' });
    expect(session?.slackUserId).toBe('UALICE0001');
    expect(app.slack.callsTo('users.lookupByEmail').some((c) => c.args.email === 'alice@example.com')).toBe(
      true,
    );
    const unmapped = await collections.rollupsDaily
      .find({ person: 'unmapped:email:alice@example.com' })
      .toArray();
    expect(unmapped.reduce((sum, r) => sum + r.costUsd, 0)).toBeCloseTo(0, 8);
    // A person Slack does not know stays unmapped (still counted) and is not looked up again for a day.
    await app.post(
      '/v1/logs',
      JSON.stringify(
        claudeCodeLogsRequest({
          sessionId: 'sess-ghost',
          email: 'ghost@example.com',
          requests: [{ requestId: 'req_ghost', at: new Date(t0), costUsd: 0.3, input: 1, output: 1 }],
        }),
      ),
      json,
    );
    await resolveIdentities(app.service.deps);
    const lookups = app.slack
      .callsTo('users.lookupByEmail')
      .filter((c) => c.args.email === 'ghost@example.com').length;
    await resolveIdentities(app.service.deps);
    expect(
      app.slack.callsTo('users.lookupByEmail').filter((c) => c.args.email === 'ghost@example.com').length,
    ).toBe(lookups);
    const ghost = await collections.rollupsDaily
      .find({ person: 'unmapped:email:ghost@example.com' })
      .toArray();
    expect(ghost.reduce((sum, r) => sum + r.costUsd, 0)).toBeCloseTo(0.3, 8);
  });

  it('handles cumulative metric temporality as deltas', async () => {
    const at = (minutes: number, usd: number) =>
      JSON.stringify(
        claudeCodeMetricsRequest({
          sessionId: 'sess-cumulative',
          email: 'bob@example.com',
          temporality: 'cumulative',
          start: new Date(t0),
          at: new Date(t0 + minutes * 60_000),
          cost: [{ usd }],
        }),
      );
    for (const body of [at(1, 1), at(2, 2.5), at(3, 4)])
      expect((await app.post('/v1/metrics', body, json)).status).toBe(200);
    expect(
      (await collections.sessions.findOne({ sessionKey: 'sess-cumulative' }))?.metricCostUsd,
    ).toBeCloseTo(4, 10);
  });
});
