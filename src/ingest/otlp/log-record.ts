import type { UsageEvent, UsageSource } from '../../domain/types.ts';
import { derivedSessionKey, hasPersonIdentity } from '../identity.ts';
import { isContentLikeKey } from '../labels.ts';
import { stableId } from '../stable-id.ts';
import {
  type AttributeMap,
  anyValueToString,
  firstString,
  int64Text,
  nanosToDate,
  scalarEntries,
} from './attributes.ts';
import type { OtlpLogRecord } from './schema.ts';
import {
  branchOf,
  repoOf,
  sessionIdOf,
  teamOf,
  telemetryIdentity,
  terminalOf,
} from './telemetry-attributes.ts';

/** One log record with what it inherits from its resource, as the per-source mappers see it. */
export interface LogRecordInput {
  record: OtlpLogRecord;
  attributes: AttributeMap;
  resource: AttributeMap;
  /** Labels computed once per resource; copied into each event. */
  labels: Record<string, string>;
  /** Fallback time for records that carry none (the time the request was received). */
  receivedAt?: Date;
}

/** What a mapper says about one record. */
export type RecordOutcome =
  | { type: 'event'; event: UsageEvent }
  | { type: 'ignored' }
  | { type: 'rejected'; reason: string };

export const IGNORED: RecordOutcome = { type: 'ignored' };

/** Record attributes before resource attributes, the lookup order for every fact. */
export function lookupOrder(input: LogRecordInput): readonly AttributeMap[] {
  return [input.attributes, input.resource];
}

export function recordTime(input: LogRecordInput): Date | undefined {
  const { record } = input;
  const eventTimestamp = anyValueToString(input.attributes.get('event.timestamp'));
  const fromAttribute = eventTimestamp ? new Date(eventTimestamp) : undefined;
  return (
    nanosToDate(record.timeUnixNano) ??
    (fromAttribute && !Number.isNaN(fromAttribute.getTime()) ? fromAttribute : undefined) ??
    nanosToDate(record.observedTimeUnixNano) ??
    input.receivedAt
  );
}

/**
 * Stable id for records without a request id: the same record re-sent (exporter retry) hashes
 * the same. Content-like attributes are left out so no prompt text feeds even a hash.
 */
export function recordHashId(input: LogRecordInput, eventName: string): string {
  const attributes = scalarEntries(input.attributes)
    .filter(([key]) => !isContentLikeKey(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return stableId({
    session: sessionIdOf(lookupOrder(input)) ?? null,
    event: eventName,
    time: int64Text(input.record.timeUnixNano) ?? null,
    observed: int64Text(input.record.observedTimeUnixNano) ?? null,
    sequence: firstString([input.attributes], 'event.sequence') ?? null,
    attributes,
  });
}

export interface EventBasics {
  source: UsageSource;
  kind: UsageEvent['kind'];
  sourceEventId: string;
  /** A source-specific session id attribute to use before session.id (e.g. gen_ai.conversation.id). */
  sessionId?: string;
}

/**
 * The parts of a UsageEvent every OTLP log mapper shares: time, session, identity, repo, labels.
 * Rejects records that name neither a session nor a person, since their spend could not be
 * attributed to anything.
 */
export function buildLogEvent(
  input: LogRecordInput,
  basics: EventBasics,
): { ok: true; event: UsageEvent } | { ok: false; reason: string } {
  const maps = lookupOrder(input);
  const occurredAt = recordTime(input);
  if (!occurredAt) return { ok: false, reason: 'no timestamp (timeUnixNano, event.timestamp)' };
  const identity = telemetryIdentity(maps);
  const sessionId = basics.sessionId ?? sessionIdOf(maps);
  if (!sessionId && !hasPersonIdentity(identity)) {
    return { ok: false, reason: 'no session.id and no user identity' };
  }
  const event: UsageEvent = {
    source: basics.source,
    sourceEventId: basics.sourceEventId,
    kind: basics.kind,
    occurredAt,
    sessionKey: sessionId ?? derivedSessionKey(identity, occurredAt),
    identity,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
    costUsd: 0,
    costKind: 'estimated',
    labels: { ...input.labels },
  };
  const repo = repoOf(maps);
  if (repo) event.repo = repo;
  const branch = branchOf(maps);
  if (branch) event.branch = branch;
  const team = teamOf(maps);
  if (team) event.team = team;
  const terminal = terminalOf(maps);
  if (terminal) event.terminal = terminal;
  return { ok: true, event };
}
