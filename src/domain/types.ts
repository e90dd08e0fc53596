/**
 * The shared vocabulary of ai-roi. Pure data shapes only: no I/O, no driver types,
 * so domain functions and Block Kit builders can be tested with plain objects.
 */

export const SESSION_CLASSES = ['productive', 'exploratory', 'wasteful'] as const;
export type SessionClass = (typeof SESSION_CLASSES)[number];
/** Rollups and digests also count what nobody answered yet; it is never folded into the three classes. */
export type ClassOrUnclassified = SessionClass | 'unclassified';

/** `otlp`: agents other than Claude Code that send OTLP logs with GenAI semantic-convention attributes. */
export type UsageSource = 'claude_code' | 'webhook' | 'litellm' | 'otlp';
export type CostKind = 'estimated' | 'billed';

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/** How telemetry names a person before we know their Slack user. */
export interface TelemetryIdentity {
  email?: string;
  accountId?: string;
  userId?: string;
  externalId?: string;
  organizationId?: string;
}

/**
 * One normalised usage record, whatever the source. Metadata and counts only:
 * prompt text, responses, tool parameters and code never reach this shape.
 */
export interface UsageEvent {
  source: UsageSource;
  /** Idempotency key within the source (request id, webhook event id, or a stable hash). */
  sourceEventId: string;
  /** What happened: a billable model call, a commit recorded by a tool, or a content event that is only counted. */
  kind: 'api_request' | 'api_error' | 'tool_result' | 'user_prompt' | 'assistant_response' | 'other';
  occurredAt: Date;
  sessionKey: string;
  identity: TelemetryIdentity;
  model?: string;
  tokens: TokenCounts;
  costUsd: number;
  costKind: CostKind;
  durationMs?: number;
  repo?: string;
  branch?: string;
  commit?: string;
  /** A Linear identifier the sender already knows (generic webhook), e.g. "ENG-123". */
  linearIssue?: string;
  team?: string;
  terminal?: string;
  /** Configured resource attributes (OTEL_RESOURCE_ATTRIBUTES) and similar safe labels. */
  labels: Record<string, string>;
}

/**
 * Per-session totals taken from OTLP metrics (claude_code.cost.usage, token.usage, …).
 * Events are the source of truth for cost and tokens; metric totals are used only for
 * sessions that send no api_request events (see README, "one source of truth").
 */
export interface MetricSample {
  source: UsageSource;
  /** Stable id of this data point (hash of metric name, attributes, start and time). */
  sourceEventId: string;
  sessionKey: string;
  identity: TelemetryIdentity;
  name: string;
  /** Attributes that split the metric, e.g. type=input, model=… */
  attributes: Record<string, string>;
  /** The increment this data point represents (cumulative points are turned into deltas by the store). */
  value: number;
  temporality: 'delta' | 'cumulative';
  startTime?: Date;
  time: Date;
  labels: Record<string, string>;
}

export interface Classification {
  class: SessionClass;
  by: 'self' | 'manager' | 'auto';
  /** Slack user id of whoever recorded it. */
  userId: string;
  at: Date;
  note?: string;
}

export type LinkEvidence = 'branch' | 'commit' | 'pr' | 'manual';

export interface IssueLink {
  identifier: string;
  evidence: LinkEvidence;
  confirmed: boolean;
  at: Date;
  /**
   * When Linear last answered about this identifier. Unconfirmed with checkedAt = Linear does not know it
   * (kept as evidence, never counted); unconfirmed without = not checked yet (Linear unset or unavailable).
   */
  checkedAt?: Date;
}

export interface SessionSuggestion {
  class: SessionClass;
  reason: string;
}

/** A session as domain functions see it (the stored document without driver types). */
export interface Session {
  id: string;
  source: UsageSource;
  sessionKey: string;
  identity: TelemetryIdentity;
  /** Slack user id once the identity is mapped; absent means "unmapped". */
  slackUserId?: string;
  team?: string;
  startedAt: Date;
  lastEventAt: Date;
  closedAt?: Date;
  costUsd: number;
  costKind: CostKind;
  tokens: TokenCounts;
  apiRequests: number;
  apiErrors: number;
  promptsCounted: number;
  models: Record<string, number>;
  repo?: string;
  branch?: string;
  commits: string[];
  links: IssueLink[];
  outcomeIds: string[];
  classification?: Classification;
}

export type OutcomeKind = 'linear_issue' | 'pr' | 'manual';

export interface Outcome {
  id: string;
  kind: OutcomeKind;
  /** Identifier (ENG-123), "owner/repo#42", or a manual slug. */
  ref: string;
  title?: string;
  url?: string;
  team?: string;
  project?: string;
  /** When it shipped; absent when reopened. */
  completedAt?: Date;
  state: 'completed' | 'canceled' | 'merged' | 'reopened' | 'shipped';
  sessionIds: string[];
}

export type BudgetPeriod = 'monthly' | 'weekly';

export interface Budget {
  amountUsd: number;
  period: BudgetPeriod;
  /** Percent of the budget allowed per class, e.g. { productive: 60, exploratory: 30, wasteful: 10 }. */
  split?: Partial<Record<SessionClass, number>>;
  /** Alert thresholds in percent, ascending. */
  alertThresholds: number[];
}

export interface Team {
  name: string;
  members: string[];
  managers: string[];
  budget?: Budget;
  alertChannel?: string;
  slackUsergroupId?: string;
}

/**
 * One row of rollups_daily: spend of one person (Slack user id, or "unmapped:<identity>")
 * in one team ("" when none), on one UTC day, in one class. Unique on day+team+person+class.
 * Reclassifying a session moves its per-day cost between class rows.
 */
export interface DailyRollup {
  /** YYYY-MM-DD in UTC. */
  day: string;
  team: string;
  person: string;
  class: ClassOrUnclassified;
  costUsd: number;
  /** The part of costUsd that is an estimate (telemetry) rather than billed. */
  estimatedCostUsd: number;
  tokens: number;
  /** Cost split by repository and by model; keys are escaped with encodeKey() (no dots or leading $). */
  byRepo: Record<string, number>;
  byModel: Record<string, number>;
}

/** One change to a rollup row: amounts to add in one (day, team, person, class), split by repo and model. */
export type RollupIncrement = Pick<
  DailyRollup,
  'day' | 'team' | 'person' | 'class' | 'costUsd' | 'estimatedCostUsd' | 'tokens'
> & { repo?: string; model?: string };

export type PromptMode = 'immediate' | 'daily' | 'weekly' | 'off';

/** One entry of a session's classification audit trail (same shape as the stored history entry). */
export interface ClassificationAudit extends Classification {
  /** The class before this write; absent for the first answer. */
  previous?: SessionClass;
  /** True when this entry records an undo (the class named here was removed). */
  undone?: boolean;
}

/**
 * A reporting period resolved in a timezone. `start`/`end` are instants (end exclusive);
 * `startDay`/`endDay` are the local calendar dates (end exclusive) used to select
 * rollups_daily rows, whose `day` is a UTC date: a row belongs to the period when
 * startDay <= day < endDay.
 */
export interface PeriodRange {
  kind: 'week' | 'month' | '30d';
  /** Stable identifier of the period, e.g. "2025-W50", "2025-12", "30d:2025-12-14" (last day). */
  key: string;
  start: Date;
  end: Date;
  startDay: string;
  endDay: string;
  /** Calendar days in the period. */
  days: number;
  /** "December 2025", "Week of Dec 8, 2025", "Last 30 days (Nov 15 – Dec 14)". */
  label: string;
  /** "December", "week of Dec 8", "last 30 days": fits inside a sentence. */
  shortLabel: string;
  tz: string;
}

export interface PeriodRangeWithPrevious extends PeriodRange {
  previous: PeriodRange;
}

/** Spend of one day (a UTC rollup day, YYYY-MM-DD). */
export interface DaySpend {
  day: string;
  costUsd: number;
}
