import { costAmount, tokenCount } from '../numbers.ts';
import { type AttributeMap, anyValueToString, firstNumber, firstString } from './attributes.ts';
import {
  buildLogEvent,
  IGNORED,
  type LogRecordInput,
  type RecordOutcome,
  recordHashId,
} from './log-record.ts';
import type { OtlpLogRecord } from './schema.ts';

/**
 * Claude Code log events (code.claude.com/docs/en/monitoring-usage) to UsageEvents.
 * Only metadata and counts are read: prompt, response, tool_parameters and tool_input are never
 * copied, only the commit id is taken out of a Bash tool's parameters.
 */

const PREFIX = 'claude_code.';

/** The events ai-roi stores; other Claude Code events are accepted and ignored. */
export const CLAUDE_CODE_USAGE_EVENTS = [
  'api_request',
  'api_error',
  'tool_result',
  'user_prompt',
  'assistant_response',
] as const;

export type ClaudeCodeUsageEvent = (typeof CLAUDE_CODE_USAGE_EVENTS)[number];

const USAGE_EVENTS: ReadonlySet<string> = new Set(CLAUDE_CODE_USAGE_EVENTS);

function isUsageEvent(name: string): name is ClaudeCodeUsageEvent {
  return USAGE_EVENTS.has(name);
}

/**
 * The event name without its prefix: attribute `event.name` ("api_request"), the record's
 * eventName, or the body ("claude_code.api_request"). Undefined when the record is not Claude Code's.
 */
export function claudeCodeEventName(record: OtlpLogRecord, attributes: AttributeMap): string | undefined {
  const fromAttribute = anyValueToString(attributes.get('event.name'));
  const candidates = [fromAttribute, record.eventName, record.body?.stringValue];
  for (const candidate of candidates) {
    if (candidate?.startsWith(PREFIX)) return candidate.slice(PREFIX.length);
  }
  // Without the prefix anywhere, a bare event.name is trusted only for the events ai-roi stores.
  if (fromAttribute && isUsageEvent(fromAttribute)) return fromAttribute;
  return undefined;
}

const COMMIT_ID = /^[0-9a-f]{7,40}$/i;

/** git_commit_id from tool_parameters (a JSON string, or a kvlist in some exporters); nothing else is read. */
export function commitFromToolParameters(attributes: AttributeMap): string | undefined {
  const parameters = attributes.get('tool_parameters');
  let commit: unknown;
  if (parameters?.stringValue) {
    try {
      const parsed: unknown = JSON.parse(parameters.stringValue);
      if (parsed && typeof parsed === 'object') commit = (parsed as Record<string, unknown>).git_commit_id;
    } catch {
      return undefined;
    }
  } else if (parameters?.kvlistValue) {
    const entry = parameters.kvlistValue.values?.find((kv) => kv.key === 'git_commit_id');
    commit = anyValueToString(entry?.value);
  }
  return typeof commit === 'string' && COMMIT_ID.test(commit) ? commit.toLowerCase() : undefined;
}

/** Maps one Claude Code record; `name` comes from claudeCodeEventName. */
export function mapClaudeCodeRecord(input: LogRecordInput, name: string): RecordOutcome {
  if (!isUsageEvent(name)) return IGNORED;
  const own = [input.attributes];
  const requestId = firstString(own, 'request_id');
  const clientRequestId = firstString(own, 'client_request_id');

  let commit: string | undefined;
  let sourceEventId: string;
  switch (name) {
    case 'api_request':
      sourceEventId = requestId ?? clientRequestId ?? recordHashId(input, name);
      break;
    case 'api_error': {
      // An api_error may share its request id with a later successful api_request, hence the prefix.
      const attempt = firstString(own, 'attempt');
      const id = requestId ?? (clientRequestId && `${clientRequestId}${attempt ? `#${attempt}` : ''}`);
      sourceEventId = id ? `api_error:${id}` : recordHashId(input, name);
      break;
    }
    case 'tool_result': {
      commit = commitFromToolParameters(input.attributes);
      if (!commit) return IGNORED;
      const toolUseId = firstString(own, 'tool_use_id');
      sourceEventId = toolUseId ? `tool_result:${toolUseId}` : recordHashId(input, name);
      break;
    }
    case 'user_prompt': {
      const id = firstString(own, 'message.uuid', 'prompt.id');
      sourceEventId = id ? `user_prompt:${id}` : recordHashId(input, name);
      break;
    }
    default: {
      // assistant_response
      const id = firstString(own, 'message.uuid') ?? requestId;
      sourceEventId = id ? `${name}:${id}` : recordHashId(input, name);
    }
  }

  const built = buildLogEvent(input, {
    source: 'claude_code',
    kind: name,
    sourceEventId,
  });
  if (!built.ok) return { type: 'rejected', reason: `${name}: ${built.reason}` };
  const { event } = built;

  const model = firstString(own, 'model');
  if (model) event.model = model;
  const durationMs = firstNumber(own, 'duration_ms');
  if (durationMs !== undefined && durationMs >= 0 && (name === 'api_request' || name === 'api_error')) {
    event.durationMs = durationMs;
  }
  if (commit) event.commit = commit;
  if (name === 'api_request') {
    const costUsd = firstNumber(own, 'cost_usd');
    const costMicros = firstNumber(own, 'cost_usd_micros');
    event.costUsd = costAmount(costUsd ?? (costMicros !== undefined ? costMicros / 1_000_000 : undefined));
    event.tokens = {
      input: tokenCount(firstNumber(own, 'input_tokens')),
      output: tokenCount(firstNumber(own, 'output_tokens')),
      cacheRead: tokenCount(firstNumber(own, 'cache_read_tokens')),
      cacheCreation: tokenCount(firstNumber(own, 'cache_creation_tokens')),
    };
  }
  return { type: 'event', event };
}
