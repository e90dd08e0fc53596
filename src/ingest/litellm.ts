import { z } from 'zod';
import type { TelemetryIdentity, UsageEvent } from '../domain/types.ts';
import { compactIdentity, derivedSessionKey, hasPersonIdentity } from './identity.ts';
import { safeLabels } from './labels.ts';
import { costAmount, tokenCount } from './numbers.ts';
import { normaliseRepo } from './repo.ts';
import { fail, type ParseResult, parseWith } from './result.ts';

/**
 * LiteLLM's `generic_api` logging callback: a JSON array (or ndjson, or one object) of
 * StandardLoggingPayload. Only ids, counts, cost, times and key metadata are read; `messages`,
 * `response` and every other field are not part of the schema, so they never leave the parser.
 */

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 100;

const text = z.string().nullish();
const NUMERIC_TEXT = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;
/** A number, or a numeric string (some LiteLLM versions and proxies stringify costs). */
const looseNumber = z
  .preprocess(
    (value) => (typeof value === 'string' && NUMERIC_TEXT.test(value) ? Number(value) : value),
    z.number({ error: 'Expected a number' }),
  )
  .nullish();
const time = z
  .union([z.number(), z.string()], { error: 'Expected epoch seconds or an ISO date-time' })
  .nullish();
const stringRecord = z.record(z.string(), z.unknown()).nullish();

export const liteLlmPayloadSchema = z.object({
  id: z.string({ error: 'Expected the call id (string)' }).min(1, 'Must not be empty'),
  trace_id: text,
  litellm_session_id: text,
  call_type: text,
  status: text,
  response_cost: looseNumber,
  prompt_tokens: looseNumber,
  completion_tokens: looseNumber,
  startTime: time,
  endTime: time,
  model: text,
  model_group: text,
  custom_llm_provider: text,
  end_user: text,
  request_tags: z.array(z.unknown()).nullish(),
  metadata: z
    .object({
      user_api_key_user_email: text,
      user_api_key_user_id: text,
      user_api_key_team_alias: text,
      user_api_key_team_id: text,
      user_api_key_org_id: text,
      user_api_key_end_user_id: text,
      session_id: text,
      litellm_session_id: text,
      spend_logs_metadata: stringRecord,
      requester_metadata: stringRecord,
    })
    .nullish(),
});

export type LiteLlmPayload = z.infer<typeof liteLlmPayloadSchema>;

const bodySchema = z.union([z.array(liteLlmPayloadSchema), liteLlmPayloadSchema.transform((one) => [one])]);

/** A parsed body (array or single object). Errors name the path, e.g. "[2].response_cost - …". */
export function parseLiteLlmBody(body: unknown): ParseResult<LiteLlmPayload[]> {
  if (Array.isArray(body)) return parseWith(z.array(liteLlmPayloadSchema), body);
  return parseWith(bodySchema, body);
}

/** The raw request text in any of LiteLLM's log_format values: json_array, single, ndjson. */
export function parseLiteLlmText(raw: string): ParseResult<LiteLlmPayload[]> {
  const trimmed = raw.trim();
  if (trimmed === '') return { ok: true, value: [] };
  try {
    return parseLiteLlmBody(JSON.parse(trimmed));
  } catch {
    const lines = trimmed.split('\n').filter((line) => line.trim() !== '');
    const items: unknown[] = [];
    for (const [index, line] of lines.entries()) {
      try {
        items.push(JSON.parse(line));
      } catch {
        return fail(`line ${index + 1}`, 'invalid JSON');
      }
    }
    return parseLiteLlmBody(items);
  }
}

/** startTime / endTime: epoch seconds (float) as LiteLLM sends them, epoch milliseconds, or ISO text. */
export function liteLlmTime(value: number | string | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const numeric = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  const date =
    numeric !== undefined ? new Date(numeric > 1e12 ? numeric : numeric * 1000) : new Date(value as string);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** request_tags as labels: strings only; "key:value" / "key=value" split, a bare tag becomes tag=true. */
export function tagLabels(tags: readonly unknown[] | null | undefined): [string, string][] {
  const entries: [string, string][] = [];
  for (const tag of (tags ?? []).slice(0, MAX_TAGS)) {
    if (typeof tag !== 'string' || tag.trim() === '' || tag.length > MAX_TAG_LENGTH) continue;
    const match = /^([^:=]+)[:=](.*)$/.exec(tag.trim());
    entries.push(match ? [match[1]!.trim(), match[2]!.trim()] : [tag.trim(), 'true']);
  }
  return entries;
}

function stringField(record: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function nonEmpty(...values: (string | null | undefined)[]): string | undefined {
  for (const value of values) if (value?.trim()) return value.trim();
  return undefined;
}

export interface LiteLlmMapping {
  events: UsageEvent[];
  /** Payloads that name neither a session nor a person, or carry no usable time. */
  rejected: { index: number; id: string; reason: string }[];
}

/**
 * Session key: LiteLLM's session id (metadata.session_id, litellm_session_id) or trace_id.
 * LiteLLM gives every call its own trace_id unless the caller passes one, so without session
 * tracking each call is its own session; with no ids at all the key is derived from the person
 * and the UTC hour (identity.ts, derivedSessionKey).
 */
function sessionIdOf(payload: LiteLlmPayload): string | undefined {
  const metadata = payload.metadata;
  return nonEmpty(
    metadata?.session_id,
    metadata?.litellm_session_id,
    payload.litellm_session_id,
    stringField(metadata?.requester_metadata, 'session_id'),
    payload.trace_id,
  );
}

function identityOf(payload: LiteLlmPayload): TelemetryIdentity {
  const metadata = payload.metadata;
  return compactIdentity({
    email: nonEmpty(metadata?.user_api_key_user_email),
    userId: nonEmpty(metadata?.user_api_key_user_id),
    externalId: nonEmpty(payload.end_user, metadata?.user_api_key_end_user_id),
    organizationId: nonEmpty(metadata?.user_api_key_org_id),
  });
}

export function liteLlmPayloadToUsageEvent(payload: LiteLlmPayload): UsageEvent | { reason: string } {
  const startedAt = liteLlmTime(payload.startTime);
  const endedAt = liteLlmTime(payload.endTime);
  const occurredAt = startedAt ?? endedAt;
  if (!occurredAt) return { reason: 'no startTime or endTime' };
  const identity = identityOf(payload);
  const sessionId = sessionIdOf(payload);
  if (!sessionId && !hasPersonIdentity(identity)) return { reason: 'no session id and no user identity' };

  const metadata = payload.metadata;
  const extra = [metadata?.spend_logs_metadata, metadata?.requester_metadata];
  const labels = safeLabels([
    ...tagLabels(payload.request_tags),
    ...(payload.custom_llm_provider ? [['provider', payload.custom_llm_provider] as [string, string]] : []),
  ]);
  const event: UsageEvent = {
    source: 'litellm',
    sourceEventId: payload.id,
    kind: payload.status === 'failure' ? 'api_error' : 'api_request',
    occurredAt,
    sessionKey: sessionId ?? derivedSessionKey(identity, occurredAt),
    identity,
    tokens: {
      input: tokenCount(payload.prompt_tokens),
      output: tokenCount(payload.completion_tokens),
      cacheRead: 0,
      cacheCreation: 0,
    },
    costUsd: costAmount(payload.response_cost),
    costKind: 'estimated',
    labels,
  };
  const model = nonEmpty(payload.model, payload.model_group);
  if (model) event.model = model;
  if (startedAt && endedAt && endedAt >= startedAt)
    event.durationMs = endedAt.getTime() - startedAt.getTime();
  const team = nonEmpty(metadata?.user_api_key_team_alias, metadata?.user_api_key_team_id);
  if (team) event.team = team;
  const repo = extra.map((record) => stringField(record, 'repo')).find(Boolean);
  if (repo) event.repo = normaliseRepo(repo);
  const branch = extra.map((record) => stringField(record, 'branch')).find(Boolean);
  if (branch) event.branch = branch;
  return event;
}

export function mapLiteLlmPayloads(payloads: readonly LiteLlmPayload[]): LiteLlmMapping {
  const result: LiteLlmMapping = { events: [], rejected: [] };
  payloads.forEach((payload, index) => {
    const mapped = liteLlmPayloadToUsageEvent(payload);
    if ('reason' in mapped) result.rejected.push({ index, id: payload.id, reason: mapped.reason });
    else result.events.push(mapped);
  });
  return result;
}
