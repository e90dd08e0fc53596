/**
 * Valid, authenticated requests for every inbound endpoint, built fresh (unique ids) on each call, so fuzzers
 * and replays start from something the service accepts. Content fields carry SECRET_* markers: they may be
 * sent, but must never be stored.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { encodeBulkTarget, encodeModalMetadata, encodeSessionAction } from '../../blocks/values.ts';
import { ACTIONS, MODAL_FIELDS, VIEWS } from '../../src/ids.ts';
import { encodeLogsRequest, encodeMetricsRequest } from '../../src/ingest/otlp/proto.ts';
import type { OtlpLogsRequest, OtlpMetricsRequest } from '../../src/ingest/otlp/schema.ts';
import { signStandardWebhook } from '../../src/ingest/standard-webhooks.ts';
import { claudeCodeLogsRequest, claudeCodeMetricsRequest } from '../fixtures/otlp/claude-code.ts';
import { issuePayload } from '../integration/outcomes-support.ts';
import { SIGNING_SECRET } from '../support/harness.ts';
import { slackSignature } from '../support/slack-signing.ts';
import type { RawHeaders } from './support.ts';

export const SECRET_PROMPT = 'SECRET-PROMPT-7f3a-never-store';
export const SECRET_RESPONSE = 'SECRET-RESPONSE-91c2-never-store';
export const SECRET_TOOL = 'SECRET-TOOL-PARAM-5d0e-never-store';
export const SECRET_MESSAGES = 'SECRET-LITELLM-MESSAGE-b44d-never-store';
export const SECRETS = [SECRET_PROMPT, SECRET_RESPONSE, SECRET_TOOL, SECRET_MESSAGES];

export const OTLP_TOKEN = 'reliability-otlp-token-0123456789';
export const LITELLM_TOKEN = 'reliability-litellm-token-0123456789';
export const OUTCOMES_TOKEN = 'reliability-outcomes-token-0123456789';
export const USAGE_SECRET = `whsec_${Buffer.from('reliability-usage-webhook-secret!!').toString('base64')}`;
export const LINEAR_SECRET = 'lin_wh_reliability_secret_0123456789';
export const GITHUB_SECRET = 'github-reliability-secret-0123456789';

/** Every endpoint enabled, with the secrets above. */
export const RELIABILITY_ENV: Record<string, string> = {
  OTLP_TOKEN,
  LITELLM_TOKEN,
  OUTCOMES_API_TOKEN: OUTCOMES_TOKEN,
  USAGE_WEBHOOK_SECRET: USAGE_SECRET,
  LINEAR_WEBHOOK_SECRET: LINEAR_SECRET,
  GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
};

let sequence = 0;
export const nextId = (prefix: string) => `${prefix}-${++sequence}-${randomUUID().slice(0, 8)}`;

// --- usage ingestion -----------------------------------------------------------------------------------------

export interface LogsSpec {
  sessionId?: string;
  email?: string;
  /** api_request events; ids are made unique unless given. */
  requests?: { id?: string; costUsd: number; at?: Date; input?: number; output?: number }[];
  /** Add a prompt, a response and a commit carrying the SECRET_* markers. */
  content?: boolean;
}

export function otlpLogs(spec: LogsSpec = {}): OtlpLogsRequest {
  const sessionId = spec.sessionId ?? nextId('sess');
  const at = spec.requests?.[0]?.at ?? new Date();
  return claudeCodeLogsRequest({
    sessionId,
    email: spec.email ?? 'alice@example.com',
    resource: { team: 'payments', branch: 'alice/eng-12-refunds', repo: 'acme/api' },
    requests: (spec.requests ?? [{ costUsd: 0.25 }]).map((r, i) => ({
      requestId: r.id ?? nextId('req'),
      at: r.at ?? new Date(at.getTime() + i * 1000),
      costUsd: r.costUsd,
      input: r.input ?? 1000,
      output: r.output ?? 200,
    })),
    ...(spec.content !== false && {
      prompts: [{ at, text: `${SECRET_PROMPT} please refactor the billing module` }],
      responses: [{ at: new Date(at.getTime() + 10), text: `${SECRET_RESPONSE} here is the diff` }],
      commits: [
        {
          at: new Date(at.getTime() + 20),
          commitId: 'a1b2c3d4e5f6',
          command: `git commit -m "${SECRET_TOOL}"`,
        },
      ],
    }),
  });
}

export function otlpMetrics(spec: { sessionId?: string; usd?: number } = {}): OtlpMetricsRequest {
  const now = Date.now();
  return claudeCodeMetricsRequest({
    sessionId: spec.sessionId ?? nextId('msess'),
    email: 'bob@example.com',
    start: new Date(now - 60_000),
    at: new Date(now),
    cost: [{ usd: spec.usd ?? 0.5 }],
    tokens: [{ input: 100, output: 20 }],
    linesAdded: 10,
  });
}

export const otlpHeaders = (encoding: 'json' | 'protobuf' = 'json'): RawHeaders => ({
  'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
  authorization: `Bearer ${OTLP_TOKEN}`,
});

export const encodeLogs = (value: unknown) => Buffer.from(encodeLogsRequest(value as OtlpLogsRequest));
export const encodeMetrics = (value: unknown) =>
  Buffer.from(encodeMetricsRequest(value as OtlpMetricsRequest));

export interface UsageEventSpec {
  id?: string;
  sessionKey?: string;
  usd?: number;
  email?: string;
}

export function usageEvent(spec: UsageEventSpec = {}): Record<string, unknown> {
  return {
    source: 'ci-bot',
    id: spec.id ?? nextId('evt'),
    occurredAt: new Date().toISOString(),
    person: { email: spec.email ?? 'bob@example.com' },
    sessionKey: spec.sessionKey ?? nextId('run'),
    model: 'gpt-5',
    tokens: { input: 100, output: 50, cacheRead: 0 },
    cost: { usd: spec.usd ?? 0.4, kind: 'billed' },
    repo: 'acme/api',
    branch: 'bob/eng-7-fix',
    linearIssue: 'ENG-7',
    team: 'payments',
  };
}

export function usageHeaders(
  body: string | Uint8Array,
  options: { id?: string; at?: Date } = {},
): RawHeaders {
  return { ...signStandardWebhook(USAGE_SECRET, body, { id: options.id ?? nextId('msg'), ...options }) };
}

export function liteLlmPayload(spec: { id?: string; usd?: number; session?: string } = {}) {
  const now = Date.now() / 1000;
  return {
    id: spec.id ?? nextId('chatcmpl'),
    trace_id: spec.session ?? nextId('trace'),
    call_type: 'acompletion',
    status: 'success',
    response_cost: spec.usd ?? 0.03,
    prompt_tokens: 120,
    completion_tokens: 40,
    startTime: now - 2,
    endTime: now,
    model: 'gpt-4o',
    custom_llm_provider: 'openai',
    request_tags: ['team:payments', 'repo=acme/api'],
    metadata: { user_api_key_user_email: 'carol@example.com', user_api_key_team_alias: 'payments' },
    messages: [{ role: 'user', content: `${SECRET_MESSAGES} summarise this contract` }],
    response: { choices: [{ message: { role: 'assistant', content: `${SECRET_RESPONSE} summary` } }] },
  };
}

export const liteLlmHeaders = (): RawHeaders => ({
  'content-type': 'application/json',
  authorization: `Bearer ${LITELLM_TOKEN}`,
});

export const outcomesHeaders = (): RawHeaders => ({
  'content-type': 'application/json',
  authorization: `Bearer ${OUTCOMES_TOKEN}`,
});

export function manualOutcome(): Record<string, unknown> {
  return {
    title: `Checkout v2 shipped ${nextId('o')}`,
    url: `https://example.com/releases/${nextId('r')}`,
    completedAt: new Date().toISOString(),
    issues: ['ENG-12'],
    team: 'payments',
  };
}

// --- outcomes webhooks ---------------------------------------------------------------------------------------

export function linearIssue(
  spec: { identifier?: string; stateType?: string; updatedAt?: Date; timestamp?: number } = {},
) {
  const updatedAt = spec.updatedAt ?? new Date();
  const stateType = spec.stateType ?? 'completed';
  return issuePayload(
    {
      identifier: spec.identifier ?? `ENG-${100 + (++sequence % 800)}`,
      stateType,
      updatedAt,
      ...(stateType === 'completed' && { completedAt: updatedAt }),
    },
    spec.timestamp ?? Date.now(),
  );
}

export function linearHeaders(body: string | Uint8Array, deliveryId: string = randomUUID()): RawHeaders {
  return {
    'content-type': 'application/json; charset=utf-8',
    'linear-delivery': deliveryId,
    'linear-event': 'Issue',
    'user-agent': 'Linear-Webhook',
    'linear-signature': createHmac('sha256', LINEAR_SECRET).update(body).digest('hex'),
  };
}

export function githubMergedPr(spec: { number?: number; mergedAt?: Date; branch?: string } = {}) {
  const number = spec.number ?? 1000 + (++sequence % 100_000);
  const mergedAt = (spec.mergedAt ?? new Date()).toISOString();
  const repo = { full_name: 'acme/api', default_branch: 'main' };
  return {
    action: 'closed',
    number,
    pull_request: {
      number,
      title: `ENG-12: refunds ${number}`,
      html_url: `https://github.com/acme/api/pull/${number}`,
      state: 'closed',
      merged: true,
      merged_at: mergedAt,
      merge_commit_sha: 'c4295bd74fb0f4fda03689c3df3f2803b658fd85',
      head: {
        ref: spec.branch ?? 'alice/eng-12-refunds',
        sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e',
        repo,
      },
      base: { ref: 'main', repo },
    },
    repository: repo,
    sender: { login: 'octocat' },
  };
}

export function githubHeaders(
  body: string | Uint8Array,
  event = 'pull_request',
  deliveryId: string = randomUUID(),
) {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': deliveryId,
    'user-agent': 'GitHub-Hookshot/reliability',
    'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`,
  } satisfies RawHeaders;
}

// --- Slack ---------------------------------------------------------------------------------------------------

export const TEAM_ID = 'T0000TEST';

export function slackHeaders(
  body: string,
  contentType: string,
  timestamp = Math.floor(Date.now() / 1000),
  secret = SIGNING_SECRET,
): RawHeaders {
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}

export function commandFields(text: string, userId: string, responseUrl: string): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    team_domain: 'sandbox',
    channel_id: 'CLEADERS01',
    channel_name: 'leadership',
    user_id: userId,
    user_name: userId.toLowerCase(),
    command: '/ai-roi',
    text,
    api_app_id: 'A0000TEST',
    response_url: responseUrl,
    trigger_id: `trigger-${randomUUID()}`,
  };
}

export const formBody = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
export const interactionBody = (payload: unknown) =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM_ID });

export function blockAction(
  userId: string,
  actionId: string,
  value: string,
  responseUrl: string,
  blockId = 'b',
): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: TEAM_ID, domain: 'sandbox' },
    api_app_id: 'A0000TEST',
    token: 'legacy-verification-token',
    trigger_id: `trigger-${randomUUID()}`,
    response_url: responseUrl,
    user: user(userId),
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'DTEST', is_ephemeral: false },
    channel: { id: 'DTEST', name: 'directmessage' },
    message: { type: 'message', ts: '1700000000.000100', text: 'prompt', blocks: [] },
    actions: [{ type: 'button', action_id: actionId, block_id: blockId, value }],
  };
}

export const classifyValue = (sessionId: string) => encodeSessionAction({ sessionId, class: 'productive' });
export const bulkValue = (sessionIds: string[]) => encodeBulkTarget({ class: 'wasteful', sessionIds }, 2000);

export function viewSubmission(userId: string, sessionId: string, cls = 'productive', note = 'done') {
  return {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'sandbox' },
    api_app_id: 'A0000TEST',
    token: 'legacy-verification-token',
    trigger_id: `trigger-${randomUUID()}`,
    user: user(userId),
    view: {
      id: 'VMODAL',
      type: 'modal',
      callback_id: VIEWS.classifyModal,
      private_metadata: encodeModalMetadata({ sessionId }),
      state: {
        values: {
          [MODAL_FIELDS.classBlock]: {
            [MODAL_FIELDS.classInput]: { type: 'radio_buttons', selected_option: { value: cls } },
          },
          [MODAL_FIELDS.noteBlock]: { [MODAL_FIELDS.noteInput]: { type: 'plain_text_input', value: note } },
          [MODAL_FIELDS.issueBlock]: {
            [MODAL_FIELDS.issueInput]: { type: 'external_select', selected_option: null },
          },
        },
      },
    },
  };
}

export function blockSuggestion(userId: string, value: string) {
  return {
    type: 'block_suggestion',
    team: { id: TEAM_ID, domain: 'sandbox' },
    api_app_id: 'A0000TEST',
    token: 'legacy-verification-token',
    user: user(userId),
    container: { type: 'view', view_id: 'VMODAL' },
    view: { id: 'VMODAL', type: 'modal', callback_id: VIEWS.classifyModal, private_metadata: '' },
    action_id: MODAL_FIELDS.issueInput,
    block_id: MODAL_FIELDS.issueBlock,
    value,
  };
}

export function eventCallback(event: Record<string, unknown>) {
  return {
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0000TEST',
    type: 'event_callback',
    event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: 'UBOT000001', is_bot: true }],
    event,
  };
}

export const homeOpened = (userId: string) =>
  eventCallback({ type: 'app_home_opened', user: userId, tab: 'home', channel: `D${userId.slice(1)}` });

export { ACTIONS };
