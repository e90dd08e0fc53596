import type { UsageEvent } from '../../domain/types.ts';
import { attributeMap } from './attributes.ts';
import { claudeCodeEventName, mapClaudeCodeRecord } from './claude-code.ts';
import { mapGenAiRecord } from './gen-ai.ts';
import type { LogRecordInput, RecordOutcome } from './log-record.ts';
import type { LogsPartialSuccess } from './proto.ts';
import { type RejectedRecord, rejectionMessage } from './rejections.ts';
import type { OtlpLogsRequest } from './schema.ts';
import { resourceLabels } from './telemetry-attributes.ts';

export interface LogsMapping {
  events: UsageEvent[];
  /** Usage records that could not be attributed; they feed the OTLP partial_success answer. */
  rejected: RejectedRecord[];
  /** Records that are valid but carry nothing ai-roi stores (other events, plain logs). */
  ignored: number;
}

export interface LogsMappingOptions {
  /** Time used for records that carry no timestamp at all; without it they are rejected. */
  receivedAt?: Date;
}

function mapRecord(input: LogRecordInput): RecordOutcome {
  const claudeCodeName = claudeCodeEventName(input.record, input.attributes);
  if (claudeCodeName !== undefined) return mapClaudeCodeRecord(input, claudeCodeName);
  return mapGenAiRecord(input);
}

/**
 * Every log record of an OTLP logs request (JSON or decoded protobuf) to UsageEvents:
 * Claude Code events first, then generic GenAI-convention records; everything else is ignored.
 */
export function mapOtlpLogs(request: OtlpLogsRequest, options: LogsMappingOptions = {}): LogsMapping {
  const result: LogsMapping = { events: [], rejected: [], ignored: 0 };
  (request.resourceLogs ?? []).forEach((resourceLogs, r) => {
    const resource = attributeMap(resourceLogs.resource?.attributes);
    const labels = resourceLabels(resource);
    (resourceLogs.scopeLogs ?? []).forEach((scopeLogs, s) => {
      (scopeLogs.logRecords ?? []).forEach((record, l) => {
        const input: LogRecordInput = {
          record,
          attributes: attributeMap(record.attributes),
          resource,
          labels,
        };
        if (options.receivedAt) input.receivedAt = options.receivedAt;
        const outcome = mapRecord(input);
        if (outcome.type === 'event') result.events.push(outcome.event);
        else if (outcome.type === 'ignored') result.ignored += 1;
        else {
          const path = `resourceLogs[${r}].scopeLogs[${s}].logRecords[${l}]`;
          result.rejected.push({ path, reason: outcome.reason });
        }
      });
    });
  });
  return result;
}

/** The partial_success part of the OTLP answer; undefined (a plain `{}`) when nothing was rejected. */
export function logsPartialSuccess(mapping: Pick<LogsMapping, 'rejected'>): LogsPartialSuccess | undefined {
  if (mapping.rejected.length === 0) return undefined;
  return { rejectedLogRecords: mapping.rejected.length, errorMessage: rejectionMessage(mapping.rejected) };
}
