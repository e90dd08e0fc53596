import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../../src/domain/types.ts';
import { logsPartialSuccess, mapOtlpLogs } from '../../../src/ingest/otlp/logs.ts';
import type { OtlpLogsRequest } from '../../../src/ingest/otlp/schema.ts';
import {
  CLAUDE_CODE_RESOURCE,
  claudeCodeLogsRequest,
  mergeLogsRequests,
  nanos,
  otlpAttributes,
} from '../../fixtures/otlp/claude-code.ts';
import { expectNoSecrets, logsViaJson, logsViaProtobuf } from './helpers.ts';

const AT = '2026-03-02T10:00:00.000Z';

const session = claudeCodeLogsRequest({
  sessionId: 'sess-1',
  email: 'Ada@Example.com',
  accountUuid: 'acc-uuid-1',
  userId: 'install-1',
  organizationId: 'org-1',
  terminal: 'cursor',
  vcs: { url: 'https://github.com/acme/api.git' },
  resource: { team: 'platform', branch: 'ENG-123-fix-login', 'deployment.environment': 'laptop' },
  requests: [
    {
      at: AT,
      requestId: 'req_1',
      model: 'claude-opus-4-1',
      costUsd: 0.1234,
      input: 1200,
      output: 345,
      cacheRead: 5000,
      cacheCreation: 700,
      durationMs: 2100,
    },
    { at: '2026-03-02T10:02:00Z', requestId: 'req_2', costUsd: 0.01, input: 10, output: 5 },
  ],
  errors: [{ at: '2026-03-02T10:01:00Z', requestId: 'req_err', statusCode: 529 }],
  commits: [{ at: '2026-03-02T10:03:00Z', commitId: 'ABCDEF1234567', toolUseId: 'toolu_1' }],
  prompts: [{ at: '2026-03-02T09:59:00Z' }],
  responses: [{ at: '2026-03-02T10:00:30Z', requestId: 'req_1' }],
  otherEvents: [{ name: 'tool_decision', at: '2026-03-02T10:00:10Z', attributes: { decision: 'accept' } }],
});

describe('mapOtlpLogs — Claude Code', () => {
  const result = logsViaJson(session);
  const byKind = (kind: UsageEvent['kind']) => result.events.filter((e) => e.kind === kind);

  it('maps api_request with cost, tokens, model, duration and request id', () => {
    const [first] = byKind('api_request');
    expect(first).toEqual({
      source: 'claude_code',
      sourceEventId: 'req_1',
      kind: 'api_request',
      occurredAt: new Date(AT),
      sessionKey: 'sess-1',
      identity: {
        email: 'Ada@Example.com',
        accountId: 'acc-uuid-1',
        userId: 'install-1',
        organizationId: 'org-1',
      },
      model: 'claude-opus-4-1',
      tokens: { input: 1200, output: 345, cacheRead: 5000, cacheCreation: 700 },
      costUsd: 0.1234,
      costKind: 'estimated',
      durationMs: 2100,
      repo: 'acme/api',
      branch: 'ENG-123-fix-login',
      team: 'platform',
      terminal: 'cursor',
      labels: {
        ...CLAUDE_CODE_RESOURCE,
        team: 'platform',
        branch: 'ENG-123-fix-login',
        'deployment.environment': 'laptop',
      },
    });
    expect(byKind('api_request')).toHaveLength(2);
  });

  it('counts api_error, prompts and responses without cost', () => {
    expect(byKind('api_error')).toMatchObject([
      { sourceEventId: 'api_error:req_err', costUsd: 0, durationMs: 800 },
    ]);
    expect(byKind('user_prompt')).toMatchObject([
      { sourceEventId: 'user_prompt:msg_sess-1_prompt_1', costUsd: 0 },
    ]);
    expect(byKind('assistant_response')).toMatchObject([
      { sourceEventId: 'assistant_response:msg_sess-1_response_1', model: 'claude-sonnet-4-5' },
    ]);
  });

  it('keeps only the commit id of a tool_result', () => {
    expect(byKind('tool_result')).toMatchObject([
      { sourceEventId: 'tool_result:toolu_1', commit: 'abcdef1234567', costUsd: 0 },
    ]);
  });

  it('ignores other events and rejects nothing', () => {
    expect(result.ignored).toBe(1);
    expect(result.rejected).toEqual([]);
    expect(logsPartialSuccess(result)).toBeUndefined();
  });

  it('gives the same events from protobuf as from JSON', () => {
    expect(logsViaProtobuf(session)).toEqual(result);
  });
});

describe('numbers in each AnyValue encoding', () => {
  for (const numbers of ['int', 'intString', 'double', 'string'] as const) {
    it(`reads tokens and cost sent as ${numbers}`, () => {
      const request = claudeCodeLogsRequest({
        sessionId: 's',
        numbers,
        requests: [{ at: AT, costUsd: 1.5, input: 1000, output: 200, cacheRead: 30, cacheCreation: 4 }],
      });
      for (const mapped of [logsViaJson(request), logsViaProtobuf(request)]) {
        expect(mapped.events[0]).toMatchObject({
          costUsd: 1.5,
          tokens: { input: 1000, output: 200, cacheRead: 30, cacheCreation: 4 },
        });
      }
    });
  }

  it('maps any counts and costs identically from JSON and protobuf', () => {
    const encoding = fc.constantFrom('int', 'intString', 'double', 'string') as fc.Arbitrary<
      'int' | 'intString' | 'double' | 'string'
    >;
    fc.assert(
      fc.property(
        encoding,
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 10_000_000 }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        (numbers, input, output, costUsd, at) => {
          const request = claudeCodeLogsRequest({
            sessionId: 's',
            numbers,
            requests: [{ at: new Date(at), costUsd, input, output }],
          });
          const fromJson = logsViaJson(request);
          expect(logsViaProtobuf(request)).toEqual(fromJson);
          expect(fromJson.events[0]).toMatchObject({ tokens: { input, output }, occurredAt: new Date(at) });
          expect(fromJson.events[0]?.costUsd).toBeCloseTo(costUsd, 12);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('falls back to cost_usd_micros and clamps bad values to 0', () => {
    const request: OtlpLogsRequest = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nanos(AT),
                  attributes: otlpAttributes({
                    'event.name': 'api_request',
                    'session.id': 's',
                    cost_usd_micros: 250000,
                    input_tokens: -5,
                    output_tokens: 'lots',
                  }),
                },
              ],
            },
          ],
        },
      ],
    };
    expect(logsViaJson(request).events[0]).toMatchObject({ costUsd: 0.25, tokens: { input: 0, output: 0 } });
  });
});

describe('content never reaches the output', () => {
  const SECRETS = [
    'PROMPT-SECRET-4411: refactor the billing module',
    'RESPONSE-SECRET-8822 here is the code',
    'COMMAND-SECRET-9933',
    'TOOL-INPUT-SECRET-7744',
    'BODY-SECRET-6655',
  ];
  const request = mergeLogsRequests(
    claudeCodeLogsRequest({
      sessionId: 's-content',
      email: 'ada@example.com',
      resource: { team: 'platform', 'prompt.template': SECRETS[0]!, 'bash.command': SECRETS[2]! },
      requests: [{ at: AT, costUsd: 0.1, input: 1, output: 1 }],
      prompts: [{ at: AT, text: SECRETS[0] }],
      responses: [{ at: AT, text: SECRETS[1] }],
      commits: [{ at: AT, commitId: 'abc1234', command: `git commit -m "${SECRETS[2]}"` }],
      otherEvents: [
        {
          name: 'tool_result',
          at: AT,
          attributes: { tool_name: 'Edit', tool_input: SECRETS[3]!, tool_parameters: SECRETS[3]! },
        },
        { name: 'api_request_body', at: AT, attributes: { body: SECRETS[4]! } },
        {
          name: 'tool_decision',
          at: AT,
          attributes: { tool_parameters: JSON.stringify({ full_command: SECRETS[2] }) },
        },
      ],
    }),
  );

  it('keeps prompt, response, command and body text out of events, labels and rejections', () => {
    for (const mapped of [logsViaJson(request), logsViaProtobuf(request)]) {
      expect(mapped.events.map((e) => e.kind).sort()).toEqual([
        'api_request',
        'assistant_response',
        'tool_result',
        'user_prompt',
      ]);
      expectNoSecrets(mapped, SECRETS);
      expect(JSON.stringify(mapped)).not.toMatch(/"(prompt|response|tool_parameters|tool_input)"/);
    }
  });
});

describe('rejections and sessions without session.id', () => {
  it('rejects records with neither session.id nor identity, for partial success', () => {
    const result = logsViaJson(
      claudeCodeLogsRequest({ requests: [{ at: AT, costUsd: 1, input: 1, output: 1 }] }),
    );
    expect(result.events).toEqual([]);
    expect(result.rejected).toEqual([
      {
        path: 'resourceLogs[0].scopeLogs[0].logRecords[0]',
        reason: 'api_request: no session.id and no user identity',
      },
    ]);
    expect(logsPartialSuccess(result)).toEqual({
      rejectedLogRecords: 1,
      errorMessage:
        '1 rejected: resourceLogs[0].scopeLogs[0].logRecords[0] - api_request: no session.id and no user identity',
    });
  });

  it('derives a session key from the person and hour when session.id is missing', () => {
    const result = logsViaJson(
      claudeCodeLogsRequest({
        email: 'ada@example.com',
        requests: [{ at: AT, costUsd: 1, input: 1, output: 1 }],
      }),
    );
    expect(result.events[0]?.sessionKey).toBe('derived:email:ada@example.com:2026-03-02T10');
  });

  it('takes identity set through OTEL_RESOURCE_ATTRIBUTES (API-key users)', () => {
    const request = claudeCodeLogsRequest({
      sessionId: 's',
      resource: { 'user.email': 'bob@example.com' },
      requests: [{ at: AT, costUsd: 1, input: 1, output: 1 }],
    });
    request.resourceLogs![0]!.scopeLogs![0]!.logRecords![0]!.attributes =
      request.resourceLogs![0]!.scopeLogs![0]!.logRecords![0]!.attributes!.filter(
        (kv) => kv.key !== 'user.email',
      );
    const [event] = logsViaJson(request).events;
    expect(event?.identity.email).toBe('bob@example.com');
    expect(event?.labels['user.email']).toBeUndefined();
  });

  it('rejects records without any time unless a receivedAt fallback is given', () => {
    const request: OtlpLogsRequest = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  attributes: otlpAttributes({ 'event.name': 'api_request', 'session.id': 's', cost_usd: 1 }),
                },
              ],
            },
          ],
        },
      ],
    };
    expect(logsViaJson(request).rejected[0]?.reason).toMatch(/no timestamp/);
    const receivedAt = new Date('2026-03-02T12:00:00Z');
    expect(mapOtlpLogs(request, { receivedAt }).events[0]?.occurredAt).toEqual(receivedAt);
  });
});

describe('event names and ids', () => {
  const record = (
    fields: Record<string, unknown>,
    attributes: Record<string, string | number>,
  ): OtlpLogsRequest => ({
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: nanos(AT),
                ...fields,
                attributes: otlpAttributes({ 'session.id': 's', ...attributes }),
              },
            ],
          },
        ],
      },
    ],
  });

  it('reads the event name from the body or eventName when event.name is absent', () => {
    expect(
      logsViaJson(record({ body: { stringValue: 'claude_code.api_request' } }, { request_id: 'r1' })).events,
    ).toHaveLength(1);
    expect(
      logsViaJson(record({ eventName: 'claude_code.api_request' }, { request_id: 'r2' })).events,
    ).toHaveLength(1);
    expect(logsViaJson(record({ body: { stringValue: 'hello world' } }, {})).ignored).toBe(1);
  });

  it('uses client_request_id, then a stable hash when request_id is missing', () => {
    const withClientId = logsViaJson(record({}, { 'event.name': 'api_request', client_request_id: 'c-1' }));
    expect(withClientId.events[0]?.sourceEventId).toBe('c-1');
    const a = logsViaJson(record({}, { 'event.name': 'api_request', 'event.sequence': 3, cost_usd: 1 }));
    const b = logsViaJson(record({}, { 'event.name': 'api_request', 'event.sequence': 3, cost_usd: 1 }));
    const c = logsViaJson(record({}, { 'event.name': 'api_request', 'event.sequence': 4, cost_usd: 1 }));
    expect(a.events[0]?.sourceEventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.events[0]?.sourceEventId).toBe(b.events[0]?.sourceEventId);
    expect(a.events[0]?.sourceEventId).not.toBe(c.events[0]?.sourceEventId);
  });

  it('hashes the same for int and string encodings of the same record', () => {
    const asInt = logsViaJson(record({}, { 'event.name': 'api_request', 'event.sequence': 3 }));
    const asString = logsViaJson(record({}, { 'event.name': 'api_request', 'event.sequence': '3' }));
    expect(asInt.events[0]?.sourceEventId).not.toBe(undefined);
    expect(asInt.events[0]?.sourceEventId).toBe(asString.events[0]?.sourceEventId);
  });

  it('ignores tool_result without a commit and commit ids that are not hex', () => {
    const noCommit = record(
      {},
      { 'event.name': 'tool_result', tool_parameters: JSON.stringify({ bash_command: 'ls' }) },
    );
    const notHex = record(
      {},
      { 'event.name': 'tool_result', tool_parameters: JSON.stringify({ git_commit_id: 'zzz; rm' }) },
    );
    const badJson = record({}, { 'event.name': 'tool_result', tool_parameters: '{oops' });
    for (const request of [noCommit, notHex, badJson])
      expect(logsViaJson(request)).toMatchObject({ events: [], ignored: 1 });
  });
});

describe('generic GenAI semantic-convention records', () => {
  it('maps gen_ai.usage.* to an api_request from source otlp', () => {
    const request: OtlpLogsRequest = {
      resourceLogs: [
        {
          resource: {
            attributes: otlpAttributes({ 'service.name': 'my-agent', 'user.email': 'eve@example.com' }),
          },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: nanos(AT),
                  eventName: 'gen_ai.client.inference.operation.details',
                  attributes: otlpAttributes({
                    'gen_ai.provider.name': 'openai',
                    'gen_ai.request.model': 'gpt-4.1',
                    'gen_ai.response.model': 'gpt-4.1-2025-04-14',
                    'gen_ai.response.id': 'chatcmpl-1',
                    'gen_ai.conversation.id': 'conv-9',
                    'gen_ai.usage.input_tokens': 300,
                    'gen_ai.usage.output_tokens': '40',
                    'gen_ai.input.messages': 'SECRET-GENAI-PROMPT',
                  }),
                },
              ],
            },
          ],
        },
      ],
    };
    const result = logsViaJson(request);
    expect(result.events).toEqual([
      expect.objectContaining({
        source: 'otlp',
        kind: 'api_request',
        sourceEventId: 'gen_ai:chatcmpl-1',
        sessionKey: 'conv-9',
        identity: { email: 'eve@example.com' },
        model: 'gpt-4.1-2025-04-14',
        tokens: { input: 300, output: 40, cacheRead: 0, cacheCreation: 0 },
        costUsd: 0,
        labels: { 'service.name': 'my-agent', 'gen_ai.provider.name': 'openai' },
      }),
    ]);
    expectNoSecrets(result, ['SECRET-GENAI-PROMPT']);
  });
});
