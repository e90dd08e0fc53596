/**
 * Builders of realistic Claude Code OTLP/JSON requests (shapes from code.claude.com monitoring docs),
 * for the sandbox seeder and the demo, and (through test/fixtures/otlp/claude-code.ts) for tests and
 * benchmarks. For protobuf bodies pass the result to encodeLogsRequest / encodeMetricsRequest from
 * src/ingest/otlp/proto.ts.
 *
 *   const body = claudeCodeLogsRequest({
 *     sessionId: 's-1', email: 'ada@example.com',
 *     requests: [{ requestId: 'req_1', model: 'claude-sonnet-4-5', costUsd: 0.12, input: 1200, output: 300, at: '2026-03-02T10:00:00Z' }],
 *     commits: [{ commitId: 'a1b2c3d', at: '2026-03-02T10:05:00Z' }],
 *     resource: { team: 'platform', branch: 'ENG-123-fix-login' },
 *   });
 */
import type {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpMetric,
  OtlpMetricsRequest,
  OtlpNumberDataPoint,
} from '../../ingest/otlp/schema.ts';

export type At = Date | string | number;

/** How numeric attributes are written: Claude Code 2.x sends intValue numbers; older builds sent strings. */
export type NumberEncoding = 'int' | 'intString' | 'double' | 'string';

export function toDate(at: At): Date {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new Error(`Bad fixture time: ${String(at)}`);
  return date;
}

/** Unix nanoseconds as OTLP/JSON writes them (decimal string). */
export function nanos(at: At): string {
  return (BigInt(toDate(at).getTime()) * 1_000_000n).toString();
}

export function anyValue(value: string | number | boolean, numbers: NumberEncoding = 'int'): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (numbers === 'string') return { stringValue: String(value) };
  if (numbers === 'double' || !Number.isInteger(value)) return { doubleValue: value };
  return { intValue: numbers === 'intString' ? String(value) : value };
}

/** `{ a: 1, b: 'x' }` → OTLP KeyValue list; undefined values are left out. */
export function otlpAttributes(
  values: Record<string, string | number | boolean | undefined>,
  numbers: NumberEncoding = 'int',
): OtlpKeyValue[] {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => ({ key, value: anyValue(value, numbers) }));
}

export interface ClaudeCodeIdentitySpec {
  /** Omit to produce records without session.id (they are rejected unless an identity is present). */
  sessionId?: string;
  email?: string;
  accountUuid?: string;
  accountId?: string;
  /** Anonymous install id (user.id); present on every real record. */
  userId?: string;
  organizationId?: string;
  terminal?: string;
  appVersion?: string;
  /** OTEL_RESOURCE_ATTRIBUTES, e.g. { team: 'platform', branch: 'ENG-1-x', repo: 'acme/api' }. */
  resource?: Record<string, string>;
  /** vcs.* attributes (opt-in in Claude Code): url wins over owner/name. */
  vcs?: { url?: string; owner?: string; name?: string };
  numbers?: NumberEncoding;
}

export interface ApiRequestSpec {
  at: At;
  requestId?: string;
  model?: string;
  costUsd: number;
  input: number;
  output: number;
  cacheRead?: number;
  cacheCreation?: number;
  durationMs?: number;
}

export interface ApiErrorSpec {
  at: At;
  requestId?: string;
  model?: string;
  statusCode?: number;
  error?: string;
  attempt?: number;
  durationMs?: number;
}

export interface CommitSpec {
  at: At;
  commitId: string;
  toolUseId?: string;
  /** The full bash command (it is content and must never be stored). */
  command?: string;
}

export interface PromptSpec {
  at: At;
  /** Prompt text, as sent with OTEL_LOG_USER_PROMPTS=1; omit for the default "<REDACTED>". */
  text?: string;
}

export interface ResponseSpec {
  at: At;
  /** Response text, as sent with OTEL_LOG_ASSISTANT_RESPONSES=1. */
  text?: string;
  model?: string;
  requestId?: string;
}

export interface ClaudeCodeLogsSpec extends ClaudeCodeIdentitySpec {
  requests?: ApiRequestSpec[];
  errors?: ApiErrorSpec[];
  commits?: CommitSpec[];
  prompts?: PromptSpec[];
  responses?: ResponseSpec[];
  /** Extra records, e.g. tool_decision, as [event name, attributes, time]. */
  otherEvents?: { name: string; at: At; attributes?: Record<string, string | number | boolean> }[];
}

export const DEFAULT_MODEL = 'claude-sonnet-4-5';

function standardAttributes(spec: ClaudeCodeIdentitySpec): Record<string, string | undefined> {
  return {
    'session.id': spec.sessionId,
    'app.version': spec.appVersion ?? '2.1.221',
    'organization.id': spec.organizationId,
    'user.account_uuid': spec.accountUuid,
    'user.account_id': spec.accountId,
    'user.id': spec.userId,
    'user.email': spec.email,
    'terminal.type': spec.terminal ?? 'vscode',
    'vcs.repository.url.full': spec.vcs?.url,
    'vcs.owner.name': spec.vcs?.owner,
    'vcs.repository.name': spec.vcs?.name,
    // Claude Code repeats custom resource attributes on every record.
    ...spec.resource,
  };
}

/** The resource attributes Claude Code sets itself; with `resource` added they are what lands in labels. */
export const CLAUDE_CODE_RESOURCE = {
  'service.name': 'claude-code',
  'service.version': '2.1.221',
  'os.type': 'darwin',
  'host.arch': 'arm64',
} as const;

function claudeCodeResource(spec: ClaudeCodeIdentitySpec): { attributes: OtlpKeyValue[] } {
  const version = spec.appVersion ? { 'service.version': spec.appVersion } : {};
  return { attributes: otlpAttributes({ ...CLAUDE_CODE_RESOURCE, ...version, ...spec.resource }) };
}

interface PendingRecord {
  name: string;
  at: Date;
  attributes: Record<string, string | number | boolean | undefined>;
}

/** A Claude Code logs request for one session (merge several with mergeLogsRequests). */
export function claudeCodeLogsRequest(spec: ClaudeCodeLogsSpec): OtlpLogsRequest {
  const session = spec.sessionId ?? 'nosession';
  const pending: PendingRecord[] = [
    ...(spec.requests ?? []).map((r, i) => ({
      name: 'api_request',
      at: toDate(r.at),
      attributes: {
        model: r.model ?? DEFAULT_MODEL,
        cost_usd: r.costUsd,
        duration_ms: r.durationMs ?? 1500,
        input_tokens: r.input,
        output_tokens: r.output,
        cache_read_tokens: r.cacheRead ?? 0,
        cache_creation_tokens: r.cacheCreation ?? 0,
        request_id: r.requestId ?? `req_${session}_${i + 1}`,
        speed: 'normal',
        query_source: 'main',
      },
    })),
    ...(spec.errors ?? []).map((e, i) => ({
      name: 'api_error',
      at: toDate(e.at),
      attributes: {
        model: e.model ?? DEFAULT_MODEL,
        error: e.error ?? 'overloaded_error',
        status_code: String(e.statusCode ?? 529),
        duration_ms: e.durationMs ?? 800,
        attempt: e.attempt ?? 1,
        request_id: e.requestId ?? `req_${session}_err_${i + 1}`,
      },
    })),
    ...(spec.commits ?? []).map((c, i) => ({
      name: 'tool_result',
      at: toDate(c.at),
      attributes: {
        tool_name: 'Bash',
        tool_use_id: c.toolUseId ?? `toolu_${session}_${i + 1}`,
        success: 'true',
        duration_ms: 420,
        tool_parameters: JSON.stringify({
          bash_command: 'git',
          full_command: c.command ?? `git commit -m "work in ${session}"`,
          git_commit_id: c.commitId,
        }),
      },
    })),
    ...(spec.prompts ?? []).map((p, i) => ({
      name: 'user_prompt',
      at: toDate(p.at),
      attributes: {
        prompt_length: String((p.text ?? '').length || 42),
        prompt: p.text ?? '<REDACTED>',
        'prompt.id': `prompt_${session}_${i + 1}`,
        'message.uuid': `msg_${session}_prompt_${i + 1}`,
      },
    })),
    ...(spec.responses ?? []).map((r, i) => ({
      name: 'assistant_response',
      at: toDate(r.at),
      attributes: {
        response_length: (r.text ?? '').length,
        ...(r.text !== undefined ? { response: r.text } : {}),
        model: r.model ?? DEFAULT_MODEL,
        request_id: r.requestId,
        'message.uuid': `msg_${session}_response_${i + 1}`,
      },
    })),
    ...(spec.otherEvents ?? []).map((o) => ({
      name: o.name,
      at: toDate(o.at),
      attributes: o.attributes ?? {},
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  const standard = standardAttributes(spec);
  const logRecords: OtlpLogRecord[] = pending.map((record, sequence) => ({
    timeUnixNano: nanos(record.at),
    observedTimeUnixNano: nanos(record.at),
    body: { stringValue: `claude_code.${record.name}` },
    attributes: otlpAttributes(
      {
        ...standard,
        'event.name': record.name,
        'event.timestamp': record.at.toISOString(),
        'event.sequence': sequence,
        ...record.attributes,
      },
      spec.numbers,
    ),
  }));

  return {
    resourceLogs: [
      {
        resource: claudeCodeResource(spec),
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: '2.1.221' }, logRecords }],
      },
    ],
  };
}

export function mergeLogsRequests(...requests: OtlpLogsRequest[]): OtlpLogsRequest {
  return { resourceLogs: requests.flatMap((request) => request.resourceLogs ?? []) };
}

export interface ClaudeCodeMetricsSpec extends ClaudeCodeIdentitySpec {
  /** Interval start and end; cumulative series keep one start across exports. */
  start: At;
  at: At;
  temporality?: 'delta' | 'cumulative';
  cost?: { model?: string; usd: number }[];
  tokens?: { model?: string; input?: number; output?: number; cacheRead?: number; cacheCreation?: number }[];
  sessions?: number;
  linesAdded?: number;
  linesRemoved?: number;
  commits?: number;
  pullRequests?: number;
  activeTime?: { user?: number; cli?: number };
}

/** A Claude Code metrics request: one export interval of the documented sums (asDouble, like Claude Code). */
export function claudeCodeMetricsRequest(spec: ClaudeCodeMetricsSpec): OtlpMetricsRequest {
  const standard = standardAttributes(spec);
  const aggregationTemporality = spec.temporality === 'cumulative' ? 2 : 1;
  const point = (value: number, attributes: Record<string, string> = {}): OtlpNumberDataPoint => ({
    attributes: otlpAttributes({ ...standard, ...attributes }),
    startTimeUnixNano: nanos(spec.start),
    timeUnixNano: nanos(spec.at),
    asDouble: value,
  });
  const sum = (name: string, unit: string, dataPoints: OtlpNumberDataPoint[]): OtlpMetric | undefined =>
    dataPoints.length === 0
      ? undefined
      : { name, unit, sum: { aggregationTemporality, isMonotonic: true, dataPoints } };

  const tokenPoints = (spec.tokens ?? []).flatMap((t) =>
    (['input', 'output', 'cacheRead', 'cacheCreation'] as const)
      .filter((type) => t[type] !== undefined)
      .map((type) => point(t[type] ?? 0, { type, model: t.model ?? DEFAULT_MODEL, query_source: 'main' })),
  );
  const linePoints = [
    ...(spec.linesAdded !== undefined ? [point(spec.linesAdded, { type: 'added' })] : []),
    ...(spec.linesRemoved !== undefined ? [point(spec.linesRemoved, { type: 'removed' })] : []),
  ];
  const activePoints = (['user', 'cli'] as const)
    .filter((type) => spec.activeTime?.[type] !== undefined)
    .map((type) => point(spec.activeTime?.[type] ?? 0, { type }));

  const metrics = [
    sum(
      'claude_code.session.count',
      'count',
      spec.sessions ? [point(spec.sessions, { start_type: 'fresh' })] : [],
    ),
    sum(
      'claude_code.cost.usage',
      'USD',
      (spec.cost ?? []).map((c) => point(c.usd, { model: c.model ?? DEFAULT_MODEL, query_source: 'main' })),
    ),
    sum('claude_code.token.usage', 'tokens', tokenPoints),
    sum('claude_code.lines_of_code.count', 'count', linePoints),
    sum('claude_code.commit.count', 'count', spec.commits !== undefined ? [point(spec.commits)] : []),
    sum(
      'claude_code.pull_request.count',
      'count',
      spec.pullRequests !== undefined ? [point(spec.pullRequests)] : [],
    ),
    sum('claude_code.active_time.total', 's', activePoints),
  ].filter((metric): metric is OtlpMetric => metric !== undefined);

  return {
    resourceMetrics: [
      {
        resource: claudeCodeResource(spec),
        scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code', version: '2.1.221' }, metrics }],
      },
    ],
  };
}

export function mergeMetricsRequests(...requests: OtlpMetricsRequest[]): OtlpMetricsRequest {
  return { resourceMetrics: requests.flatMap((request) => request.resourceMetrics ?? []) };
}
