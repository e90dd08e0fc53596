import { describe, expect, it } from 'vitest';
import {
  liteLlmTime,
  mapLiteLlmPayloads,
  parseLiteLlmBody,
  parseLiteLlmText,
  tagLabels,
} from '../../../src/ingest/litellm.ts';
import { expectNoSecrets } from './helpers.ts';

/** A StandardLoggingPayload as LiteLLM's generic_api callback sends it (trimmed to what matters). */
const payload = (overrides: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-abc',
  trace_id: 'trace-1',
  call_type: 'acompletion',
  status: 'success',
  response_cost: 0.0123,
  prompt_tokens: 800,
  completion_tokens: 120,
  total_tokens: 920,
  startTime: 1772445600.25,
  endTime: 1772445601.75,
  completionStartTime: 1772445600.9,
  model: 'gpt-4.1',
  model_group: 'gpt-4.1',
  model_id: 'model-123',
  custom_llm_provider: 'openai',
  api_base: 'https://api.openai.com/v1',
  end_user: '',
  request_tags: ['prod', 'team:platform', 'repo=acme/api', 42],
  metadata: {
    user_api_key_hash: 'hash',
    user_api_key_alias: 'ada-laptop',
    user_api_key_user_id: 'user-7',
    user_api_key_user_email: 'ada@example.com',
    user_api_key_team_id: 'team-1',
    user_api_key_team_alias: 'platform',
    user_api_key_org_id: null,
    spend_logs_metadata: { branch: 'ENG-9-cache' },
    requester_metadata: null,
  },
  messages: [{ role: 'user', content: 'LITELLM-PROMPT-SECRET' }],
  response: { choices: [{ message: { content: 'LITELLM-RESPONSE-SECRET' } }] },
  hidden_params: { additional_headers: { secret: 'HIDDEN-SECRET' } },
  error_information: null,
  ...overrides,
});

function mapBody(body: unknown) {
  const parsed = parseLiteLlmBody(body);
  if (!parsed.ok) throw new Error(parsed.error);
  return mapLiteLlmPayloads(parsed.value);
}

describe('LiteLLM generic_api payloads', () => {
  it('maps a successful call', () => {
    expect(mapBody([payload()])).toEqual({
      rejected: [],
      events: [
        {
          source: 'litellm',
          sourceEventId: 'chatcmpl-abc',
          kind: 'api_request',
          occurredAt: new Date(1772445600250),
          sessionKey: 'trace-1',
          identity: { email: 'ada@example.com', userId: 'user-7' },
          model: 'gpt-4.1',
          tokens: { input: 800, output: 120, cacheRead: 0, cacheCreation: 0 },
          costUsd: 0.0123,
          costKind: 'estimated',
          durationMs: 1500,
          team: 'platform',
          branch: 'ENG-9-cache',
          labels: { prod: 'true', team: 'platform', repo: 'acme/api', provider: 'openai' },
        },
      ],
    });
  });

  it('never keeps messages, response or hidden params', () => {
    const mapped = mapBody([payload()]);
    expectNoSecrets(mapped, ['LITELLM-PROMPT-SECRET', 'LITELLM-RESPONSE-SECRET', 'HIDDEN-SECRET']);
    const parsed = parseLiteLlmBody([payload()]);
    expectNoSecrets(parsed, ['LITELLM-PROMPT-SECRET', 'LITELLM-RESPONSE-SECRET', 'HIDDEN-SECRET']);
  });

  it('maps failures to api_error', () => {
    const [event] = mapBody([
      payload({ status: 'failure', response_cost: 0, completion_tokens: null }),
    ]).events;
    expect(event).toMatchObject({ kind: 'api_error', costUsd: 0, tokens: { output: 0 } });
  });

  it('prefers an explicit session id over trace_id, and derives one from the person and hour otherwise', () => {
    const withSession = payload({ metadata: { ...payload().metadata, session_id: 'sess-42' } });
    expect(mapBody([withSession]).events[0]?.sessionKey).toBe('sess-42');
    expect(mapBody([payload({ litellm_session_id: 'ls-1' })]).events[0]?.sessionKey).toBe('ls-1');
    expect(mapBody([payload({ trace_id: null })]).events[0]?.sessionKey).toBe(
      'derived:email:ada@example.com:2026-03-02T10',
    );
  });

  it('uses end_user as an external identity', () => {
    const [event] = mapBody([payload({ end_user: 'customer-9', metadata: null })]).events;
    expect(event?.identity).toEqual({ externalId: 'customer-9' });
  });

  it('rejects payloads that name neither a session nor a person, or have no time', () => {
    const result = mapBody([
      payload({ trace_id: null, metadata: {} }),
      payload({ id: 'no-time', startTime: null, endTime: null }),
    ]);
    expect(result.events).toEqual([]);
    expect(result.rejected).toEqual([
      { index: 0, id: 'chatcmpl-abc', reason: 'no session id and no user identity' },
      { index: 1, id: 'no-time', reason: 'no startTime or endTime' },
    ]);
  });

  it('accepts ISO times and numeric strings', () => {
    const [event] = mapBody([
      payload({ startTime: '2026-03-02T10:00:00Z', endTime: '2026-03-02T10:00:02Z', response_cost: '0.5' }),
    ]).events;
    expect(event).toMatchObject({
      occurredAt: new Date('2026-03-02T10:00:00Z'),
      durationMs: 2000,
      costUsd: 0.5,
    });
  });

  it('names the path of a bad field', () => {
    expect(parseLiteLlmBody([payload(), payload({ response_cost: 'cheap' })])).toEqual({
      ok: false,
      error: '[1].response_cost - Expected a number',
    });
    expect(parseLiteLlmBody([payload({ id: undefined })])).toMatchObject({
      ok: false,
      error: '[0].id - Expected the call id (string)',
    });
  });

  it('reads json_array, single and ndjson bodies', () => {
    const one = payload();
    const two = payload({ id: 'chatcmpl-def' });
    for (const raw of [JSON.stringify([one, two]), `${JSON.stringify(one)}\n${JSON.stringify(two)}\n`]) {
      const parsed = parseLiteLlmText(raw);
      expect(parsed.ok && parsed.value.map((p) => p.id)).toEqual(['chatcmpl-abc', 'chatcmpl-def']);
    }
    const single = parseLiteLlmText(JSON.stringify(one));
    expect(single.ok && single.value).toHaveLength(1);
    expect(parseLiteLlmText('')).toEqual({ ok: true, value: [] });
    expect(parseLiteLlmText(`${JSON.stringify(one)}\n{broken`)).toEqual({
      ok: false,
      error: 'line 2 - invalid JSON',
    });
  });
});

describe('LiteLLM helpers', () => {
  it('reads epoch seconds, epoch milliseconds and ISO text', () => {
    expect(liteLlmTime(1772445600.5)).toEqual(new Date(1772445600500));
    expect(liteLlmTime(1772445600500)).toEqual(new Date(1772445600500));
    expect(liteLlmTime('1772445600')).toEqual(new Date(1772445600000));
    expect(liteLlmTime('2026-03-02T10:00:00Z')).toEqual(new Date('2026-03-02T10:00:00Z'));
    expect(liteLlmTime('soon')).toBeUndefined();
    expect(liteLlmTime(null)).toBeUndefined();
  });

  it('keeps string tags only, capped in count and length', () => {
    const many = Array.from({ length: 30 }, (_, i) => `t${i}`);
    expect(tagLabels(many)).toHaveLength(20);
    expect(tagLabels(['x'.repeat(101), { a: 1 }, 'ok'])).toEqual([['ok', 'true']]);
  });
});
