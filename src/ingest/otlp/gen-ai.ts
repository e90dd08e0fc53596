import { costAmount, tokenCount } from '../numbers.ts';
import { anyValueToString, firstNumber, firstString } from './attributes.ts';
import {
  buildLogEvent,
  IGNORED,
  type LogRecordInput,
  type RecordOutcome,
  recordHashId,
} from './log-record.ts';

/**
 * Generic OTLP agents following the OpenTelemetry GenAI semantic conventions: any log record
 * with gen_ai.usage.* token attributes is one model call. There is no standard cost attribute,
 * so cost is 0 unless the sender adds `gen_ai.usage.cost` (USD).
 */
export function isGenAiUsageRecord(input: LogRecordInput): boolean {
  const { attributes } = input;
  return (
    attributes.has('gen_ai.usage.input_tokens') ||
    attributes.has('gen_ai.usage.output_tokens') ||
    attributes.has('gen_ai.usage.prompt_tokens') ||
    attributes.has('gen_ai.usage.completion_tokens')
  );
}

export function mapGenAiRecord(input: LogRecordInput): RecordOutcome {
  if (!isGenAiUsageRecord(input)) return IGNORED;
  const own = [input.attributes];
  const responseId = firstString(own, 'gen_ai.response.id');
  const name = input.record.eventName ?? anyValueToString(input.attributes.get('event.name')) ?? 'gen_ai';
  const failed = firstString(own, 'error.type') !== undefined;
  const built = buildLogEvent(input, {
    source: 'otlp',
    kind: failed ? 'api_error' : 'api_request',
    sourceEventId: responseId ? `gen_ai:${responseId}` : recordHashId(input, name),
    sessionId: firstString(own, 'gen_ai.conversation.id'),
  });
  if (!built.ok) return { type: 'rejected', reason: `${name}: ${built.reason}` };
  const { event } = built;
  const model = firstString(own, 'gen_ai.response.model', 'gen_ai.request.model');
  if (model) event.model = model;
  event.tokens = {
    input: tokenCount(firstNumber(own, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens')),
    output: tokenCount(firstNumber(own, 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens')),
    cacheRead: tokenCount(firstNumber(own, 'gen_ai.usage.cache_read.input_tokens')),
    cacheCreation: tokenCount(firstNumber(own, 'gen_ai.usage.cache_creation.input_tokens')),
  };
  event.costUsd = costAmount(firstNumber(own, 'gen_ai.usage.cost'));
  const system = firstString([input.attributes, input.resource], 'gen_ai.provider.name', 'gen_ai.system');
  if (system) event.labels['gen_ai.provider.name'] = system;
  return { type: 'event', event };
}
