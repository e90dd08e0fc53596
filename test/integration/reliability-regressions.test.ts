/**
 * Defects found by the reliability suite (test/reliability), each pinned here in the normal suite.
 */
import { MongoNetworkError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { type Collections, decodeKey } from '../../src/db/collections.ts';
import type { UsageEvent } from '../../src/domain/types.ts';
import { encodeLogsRequest } from '../../src/ingest/otlp/proto.ts';
import type { OtlpLogsRequest } from '../../src/ingest/otlp/schema.ts';
import { storeUsageEvents } from '../../src/store/usage-store.ts';
import { claudeCodeLogsRequest } from '../fixtures/otlp/claude-code.ts';
import { eventually, useTestApp } from '../support/harness.ts';

const OTLP_TOKEN = 'regression-otlp-token';
const LITELLM_TOKEN = 'regression-litellm-token';
const PROMPT = 'REGRESSION-SECRET-PROMPT text';
const RESPONSE = 'REGRESSION-SECRET-RESPONSE text';

const otlp = { 'content-type': 'application/json', authorization: `Bearer ${OTLP_TOKEN}` };

describe('reliability regressions', async () => {
  const app = await useTestApp({ env: { OTLP_TOKEN, LITELLM_TOKEN } });
  const { collections } = app.service.deps;

  const withContent = (sessionId: string): OtlpLogsRequest =>
    claudeCodeLogsRequest({
      sessionId,
      email: 'alice@example.com',
      prompts: [{ at: '2026-11-30T10:00:00Z', text: PROMPT }],
      responses: [{ at: '2026-11-30T10:00:01Z', text: RESPONSE }],
      requests: [
        { requestId: `${sessionId}-r1`, at: '2026-11-30T10:00:02Z', costUsd: 0.1, input: 1, output: 1 },
      ],
    });

  it('stores a model name containing a NUL character instead of failing with 500 (fuzz: litellm model = "\\u0000")', async () => {
    const payload = [
      {
        id: 'nul-model-1',
        trace_id: 'nul-session',
        status: 'success',
        response_cost: 0.2,
        prompt_tokens: 10,
        completion_tokens: 5,
        startTime: 1764496800,
        endTime: 1764496801,
        model: 'gpt\u0000evil.model',
        metadata: { user_api_key_user_email: 'carol@example.com' },
      },
    ];
    const response = await app.post('/webhooks/litellm', JSON.stringify(payload), {
      'content-type': 'application/json',
      authorization: `Bearer ${LITELLM_TOKEN}`,
    });
    expect(response.status).toBe(200);
    const session = await collections.sessions.findOne({ sessionKey: 'nul-session' });
    expect(session?.costUsd).toBeCloseTo(0.2, 10);
    expect(Object.keys(session!.models).map(decodeKey)).toEqual(['gpt\u0000evil.model']);
    const rollup = await collections.rollupsDaily.findOne({ person: 'unmapped:email:carol@example.com' });
    expect(Object.keys(rollup!.byModel).map(decodeKey)).toEqual(['gpt\u0000evil.model']);
  });

  it('keeps no prompt or response text in dead letters of invalid OTLP bodies, JSON or protobuf (fuzz: prompt scan)', async () => {
    const invalid = withContent('dl-json') as unknown as { resourceLogs: { resource: unknown }[] };
    invalid.resourceLogs[0]!.resource = 'not an object';
    const json = await app.post('/v1/logs', JSON.stringify(invalid), otlp);
    expect(json.status).toBe(400);
    const truncated = JSON.stringify(withContent('dl-cut'));
    const cut = await app.post('/v1/logs', truncated.slice(0, truncated.indexOf(PROMPT) + 12), otlp);
    expect(cut.status).toBe(400);
    // Protobuf bytes under the JSON content type: not JSON, cannot be searched for content → body not kept.
    const bytes = await app.post('/v1/logs', encodeLogsRequest(withContent('dl-proto')), otlp);
    expect(bytes.status).toBe(400);
    const letters = await collections.deadLetters.find({ endpoint: '/v1/logs' }).toArray();
    expect(letters).toHaveLength(3);
    expect(letters.map((letter) => letter.bodyFormat)).toEqual(['json', 'text', 'dropped']);
    const stored = JSON.stringify(letters);
    expect(stored).not.toContain('REGRESSION-SECRET');
    expect(letters.every((letter) => letter.bodySha256?.length === 64 && (letter.bodyBytes ?? 0) > 0)).toBe(
      true,
    );
  });

  it('keeps rollups exact when the database fails between the session fold and the rollup write (db-faults: rollup cost − sent)', async () => {
    // A collection whose next calls of one method fail as a dropped connection would.
    const failing = <T extends object>(target: T, methods: string[], state: { left: number }): T =>
      new Proxy(target, {
        get(object, property) {
          if (typeof property === 'string' && methods.includes(property) && state.left > 0) {
            return async () => {
              state.left -= 1;
              throw new MongoNetworkError('connection closed');
            };
          }
          const value = Reflect.get(object, property, object) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
        },
      });
    const event = (id: string, costUsd: number): UsageEvent => ({
      source: 'webhook',
      sourceEventId: id,
      kind: 'api_request',
      occurredAt: new Date('2026-11-30T10:00:00Z'),
      sessionKey: 'fold-then-fail',
      identity: { email: 'dana@example.com' },
      model: 'gpt-5',
      tokens: { input: 10, output: 1, cacheRead: 0, cacheCreation: 0 },
      costUsd,
      costKind: 'billed',
      labels: {},
    });
    const resolve = async () => new Map();
    const at = new Date('2026-11-30T10:00:00Z');
    const rollupTotal = async () =>
      (await collections.rollupsDaily.find({ person: 'unmapped:email:dana@example.com' }).toArray()).reduce(
        (sum, row) => sum + row.costUsd,
        0,
      );

    // 1. The fold lands, the rollup write fails: the sender gets an error and retries the same batch.
    const rollupsDown = {
      ...collections,
      rollupsDaily: failing(collections.rollupsDaily, ['updateOne', 'bulkWrite'], { left: 1 }),
    };
    await expect(
      storeUsageEvents(rollupsDown as Collections, [event('f-1', 0.05)], resolve, at),
    ).rejects.toThrow();
    expect((await collections.sessions.findOne({ sessionKey: 'fold-then-fail' }))?.costUsd).toBeCloseTo(
      0.05,
      10,
    );
    await storeUsageEvents(collections, [event('f-1', 0.05)], resolve, at);
    expect(await rollupTotal()).toBeCloseTo(0.05, 10);

    // 2. The rollup write lands, unparking it fails: the retry must not count it again.
    const unparkDown = {
      ...collections,
      sessions: failing(collections.sessions, ['updateOne'], { left: 1 }),
    };
    await expect(
      storeUsageEvents(unparkDown as Collections, [event('f-2', 0.07)], resolve, at),
    ).rejects.toThrow();
    await storeUsageEvents(collections, [event('f-2', 0.07)], resolve, at);
    await storeUsageEvents(collections, [event('f-2', 0.07), event('f-1', 0.05)], resolve, at);
    expect(await rollupTotal()).toBeCloseTo(0.12, 10);
    const session = await collections.sessions.findOne({ sessionKey: 'fold-then-fail' });
    expect(session?.costUsd).toBeCloseTo(0.12, 10);
    expect(session?.pendingRollups ?? []).toEqual([]);
  });

  it('answers a signed Slack payload missing the fields Bolt reads with 400, not 500 (fuzz: block_actions without user)', async () => {
    const broken = await app.interaction({
      type: 'block_actions',
      container: { type: 'message', message_ts: '1.2', channel_id: 'D1' },
      actions: [{ type: 'button', action_id: 'classify_productive', block_id: 'b', value: '{}' }],
    });
    expect(broken.status).toBe(400);
    const noView = await app.interaction({ type: 'view_submission', user: { id: 'UALICE0001' } });
    expect(noView.status).toBe(400);
    // A well-formed request is still acknowledged.
    expect((await app.command('help')).status).toBe(200);
  });

  it('answers a signed /ai-roi command that carries no text field (fuzz: byte flip in "text=")', async () => {
    const id = 'no-text-field';
    const body = new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: app.slack.teamId,
      channel_id: 'CLEADERS01',
      user_id: 'UALICE0001',
      user_name: 'alice',
      command: '/ai-roi',
      api_app_id: 'A0000TEST',
      response_url: app.slack.responseUrl(id),
      trigger_id: 'trigger-no-text',
    }).toString();
    expect((await app.postSlack(body, 'application/x-www-form-urlencoded')).status).toBe(200);
    await eventually(() => app.slack.responses.find((r) => r.id === id), { message: 'an answer' });
  });
});
