import type { Collection, Db, IndexDescription, ObjectId } from 'mongodb';
import type {
  Budget,
  Classification,
  CostKind,
  DailyRollup,
  IssueLink,
  MetricSample,
  Outcome,
  PromptMode,
  RollupIncrement,
  TelemetryIdentity,
  TokenCounts,
  UsageEvent,
  UsageSource,
} from '../domain/types.ts';

export interface UsageEventDoc extends UsageEvent {
  _id?: ObjectId;
  receivedAt: Date;
}

export interface MetricPointDoc extends MetricSample {
  _id?: ObjectId;
  receivedAt: Date;
}

export interface ClassificationHistoryEntry extends Classification {
  previous?: Classification['class'];
  /** True when this entry records an undo (the class named here was removed). */
  undone?: boolean;
}

export interface SessionDoc {
  _id?: ObjectId;
  source: UsageSource;
  sessionKey: string;
  identity: TelemetryIdentity;
  /** Key used for unmapped spend, e.g. "email:a@b.c"; stable across sources. */
  identityKey: string;
  slackUserId?: string;
  team?: string;
  startedAt: Date;
  lastEventAt: Date;
  closedAt?: Date;
  costUsd: number;
  costKind: CostKind;
  tokens: TokenCounts;
  /** Cost per UTC day (YYYY-MM-DD), so reclassification can move exactly that spend in rollups. */
  costByDay: Record<string, number>;
  apiRequests: number;
  apiErrors: number;
  /** user_prompt / assistant_response events seen: counted, text never stored. */
  promptsCounted: number;
  models: Record<string, number>;
  repo?: string;
  branch?: string;
  commits: string[];
  links: IssueLink[];
  outcomeIds: string[];
  /**
   * Where cost and tokens come from: api_request events are the source of truth; metric totals
   * (metricCostUsd/metricTokens) count only for sessions that sent no api_request event, and are
   * added when such a session closes.
   */
  costSource?: 'events' | 'metrics';
  metricCostUsd?: number;
  metricTokens?: number;
  /** Other Claude Code metric totals by name (lines_of_code.count.added, commit.count, …). */
  metricTotals?: Record<string, number>;
  /** Usage event ids already folded into this session (makes a retried fold a no-op). */
  foldedIds: string[];
  /**
   * Rollup increments of folds not yet applied to rollups_daily, parked here in the same atomic update as the
   * fold, so a failure between the fold and the rollup write is repaired by the retry (src/store/rollups.ts).
   */
  pendingRollups?: PendingRollupDoc[];
  updatedAt?: Date;
  classification?: Classification;
  classificationHistory: ClassificationHistoryEntry[];
  prompt?: {
    firstSentAt?: Date;
    reminderSentAt?: Date;
    messageTs?: string;
    channel?: string;
    /** The prompt_posts row that claimed this session for its first prompt (src/classification/prompts.ts). */
    postId?: ObjectId;
    /** The prompt_posts row that carried its one reminder. */
    reminderPostId?: ObjectId;
  };
  labels: Record<string, string>;
  /** When automatic issue linking (src/outcomes/auto-link.ts) last looked at this session. */
  linkCheckedAt?: Date;
}

export interface PersonDoc {
  _id?: ObjectId;
  slackUserId: string;
  emails: string[];
  accountIds: string[];
  name?: string;
  tz?: string;
  isAdmin?: boolean;
  /** When name, tz and isAdmin were last read from users.info (src/access/people.ts refreshes them after an hour). */
  slackCheckedAt?: Date;
  promptMode?: PromptMode;
  lastPromptAt?: Date;
  /** When the user last opened App Home; the Home is re-published after changes only for people who have one. */
  homeOpenedAt?: Date;
  updatedAt: Date;
}

/** Identity lookups we already tried (email → Slack user), so users.lookupByEmail is not repeated. */
export interface IdentityDoc {
  _id?: ObjectId;
  identityKey: string;
  slackUserId?: string;
  lookedUpAt: Date;
  status: 'mapped' | 'not_found' | 'manual';
}

export interface TeamDoc {
  _id?: ObjectId;
  name: string;
  members: string[];
  managers: string[];
  budget?: Budget;
  alertChannel?: string;
  slackUsergroupId?: string;
  createdBy?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface OutcomeDoc extends Omit<Outcome, 'id'> {
  _id?: ObjectId;
  createdAt: Date;
  updatedAt: Date;
  recordedBy?: string;
  /** Extra facts per kind: repo, number, mergeCommit, headBranch… */
  details: Record<string, string | number>;
  /** Time of the source state this record reflects (Linear issue updatedAt); older deliveries are ignored. */
  stateAt?: Date;
}

export interface LinearIssueDoc {
  _id?: ObjectId;
  identifier: string;
  linearId: string;
  title: string;
  stateType: string;
  team?: string;
  project?: string;
  url?: string;
  completedAt?: Date;
  fetchedAt: Date;
  /** Team key (ENG); `team` is the team's name. */
  teamKey?: string;
  canceledAt?: Date;
  /** Linear's updatedAt of the state stored here: webhook deliveries and API reads older than this are ignored. */
  stateAt?: Date;
}

export interface RollupDoc extends DailyRollup {
  _id?: ObjectId;
  /** The last pending-rollup ids applied to this row (bounded): a re-applied fold is recognised and skipped. */
  appliedFolds?: string[];
}

/** One fold's increments to rollups_daily, in the class, team and person the session had at that fold. */
export interface PendingRollupDoc {
  id: string;
  increments: RollupIncrement[];
}

export interface SubscriptionDoc {
  _id?: ObjectId;
  channel: string;
  cadence: 'daily' | 'weekly' | 'monthly';
  /** Day of week 0-6 (Sunday 0) for weekly, day of month for monthly. */
  weekday?: number;
  time: string;
  tz: string;
  scope: { kind: 'org' } | { kind: 'team'; team: string };
  audience: 'leadership' | 'team';
  createdBy: string;
  createdAt: Date;
  /** The next scheduled digest (instant of the local `time`); the digest job reads and advances it. */
  nextRunAt?: Date;
  updatedBy?: string;
  updatedAt?: Date;
  /** Last posting problem (e.g. not_in_channel), cleared by the next successful post. */
  lastError?: { at: Date; error: string };
}

export interface DigestPostDoc {
  _id?: ObjectId;
  subscription: string;
  period: string;
  claimedAt: Date;
  messageTs?: string;
  postedAt?: Date;
  /** Random id of the claim holder: only it records the ts or releases the claim. */
  claimId?: string;
  channel?: string;
  /** True when the ts was found in the channel history after a crash between claim and record. */
  recovered?: boolean;
}

export interface TemplateDoc {
  _id?: ObjectId;
  key: string;
  text: string;
  updatedBy: string;
  updatedAt: Date;
}

export interface DeadLetterDoc {
  _id?: ObjectId;
  endpoint: string;
  error: string;
  body: string;
  truncated: boolean;
  receivedAt: Date;
  /** Size and SHA-256 of the body as received (the stored body has its content blanked, or is empty). */
  bodyBytes?: number;
  bodySha256?: string;
  /** How the body was read for redaction (src/ingest/http/redact.ts); 'dropped' = not kept. */
  bodyFormat?: 'json' | 'ndjson' | 'form' | 'decoded' | 'text' | 'dropped';
  /** Content values blanked before storing. */
  redactions?: number;
}

/** Deliveries already processed, keyed by the sender's delivery id (Linear-Delivery, X-GitHub-Delivery, webhook-id). */
export interface DeliveryDoc {
  _id?: ObjectId;
  source: string;
  deliveryId: string;
  receivedAt: Date;
}

export interface AuditDoc {
  _id?: ObjectId;
  actor: string;
  action: string;
  target: string;
  before?: unknown;
  after?: unknown;
  at: Date;
}

export interface AlertDoc {
  _id?: ObjectId;
  team: string;
  period: string;
  threshold: number;
  /** When the alert was claimed (before posting, so two instances never both post). */
  postedAt: Date;
  /** Set on the highest threshold of a crossing; lower thresholds crossed at the same time are only claimed. */
  sentence?: string;
  channel?: string;
  messageTs?: string;
  /** Managers who got the DM. */
  dmSentTo?: string[];
  /** Why a delivery failed (the claim stays: alerts are never repeated). */
  deliveryErrors?: string[];
}

/** Last value of a cumulative metric series, to turn cumulative points into deltas. */
export interface MetricSeriesDoc {
  _id?: ObjectId;
  key: string;
  startTime?: Date;
  lastValue: number;
  lastTime: Date;
}

/**
 * One classify DM (prompt, possibly carrying reminders) to one person. Unique on (slackUserId, day, seq):
 * `day` is the recipient's local day and `seq` runs 1..daily cap, so two instances can never exceed the cap,
 * and a failed post stays here (postedAt unset) for the prompt job to retry.
 */
export interface PromptPostDoc {
  _id?: ObjectId;
  slackUserId: string;
  day: string;
  seq: number;
  claimedAt: Date;
  /** Sessions prompted for the first time / reminded in this DM. */
  sessionIds: ObjectId[];
  reminderSessionIds: ObjectId[];
  attempts: number;
  /** A sender holds the post until then; a retry takes over only after it passed. */
  lockedUntil: Date;
  lastError?: string;
  channel?: string;
  messageTs?: string;
  postedAt?: Date;
  /** Posting was given up (too many failures, or every session was answered meanwhile). */
  abandonedAt?: Date;
  /** The message as last posted or updated: the skeleton re-rendered when a modal changes one session. */
  blocks?: unknown[];
  updatedAt?: Date;
}

export interface HeartbeatDoc {
  _id: string;
  lastRunAt: Date;
  runs: number;
}

export interface Collections {
  usageEvents: Collection<UsageEventDoc>;
  metricPoints: Collection<MetricPointDoc>;
  sessions: Collection<SessionDoc>;
  people: Collection<PersonDoc>;
  identities: Collection<IdentityDoc>;
  teams: Collection<TeamDoc>;
  outcomes: Collection<OutcomeDoc>;
  linearIssues: Collection<LinearIssueDoc>;
  rollupsDaily: Collection<RollupDoc>;
  subscriptions: Collection<SubscriptionDoc>;
  digestPosts: Collection<DigestPostDoc>;
  templates: Collection<TemplateDoc>;
  deadLetters: Collection<DeadLetterDoc>;
  deliveries: Collection<DeliveryDoc>;
  audit: Collection<AuditDoc>;
  alerts: Collection<AlertDoc>;
  heartbeats: Collection<HeartbeatDoc>;
  metricSeries: Collection<MetricSeriesDoc>;
  promptPosts: Collection<PromptPostDoc>;
}

const COLLECTION_NAMES: Record<keyof Collections, string> = {
  usageEvents: 'usage_events',
  metricPoints: 'metric_points',
  sessions: 'sessions',
  people: 'people',
  identities: 'identities',
  teams: 'teams',
  outcomes: 'outcomes',
  linearIssues: 'linear_issues',
  rollupsDaily: 'rollups_daily',
  subscriptions: 'subscriptions',
  digestPosts: 'digest_posts',
  templates: 'templates',
  deadLetters: 'dead_letters',
  deliveries: 'deliveries',
  audit: 'audit',
  alerts: 'alerts',
  heartbeats: 'heartbeats',
  metricSeries: 'metric_series',
  promptPosts: 'prompt_posts',
};

/** Indexes declared in code; createIndexes is idempotent, so start-up runs this every time. */
export const INDEXES: Record<keyof Collections, IndexDescription[]> = {
  usageEvents: [
    { key: { source: 1, sourceEventId: 1 }, name: 'source_event', unique: true },
    { key: { sessionKey: 1 }, name: 'session' },
  ],
  metricPoints: [
    { key: { source: 1, sourceEventId: 1 }, name: 'source_point', unique: true },
    { key: { sessionKey: 1, name: 1 }, name: 'session_metric' },
  ],
  sessions: [
    { key: { source: 1, sessionKey: 1 }, name: 'source_session', unique: true },
    { key: { slackUserId: 1, closedAt: 1 }, name: 'person_closed' },
    { key: { closedAt: 1, lastEventAt: 1 }, name: 'open_sessions' },
    { key: { 'links.identifier': 1 }, name: 'linked_issue' },
    { key: { branch: 1 }, name: 'branch' },
    { key: { commits: 1 }, name: 'commits' },
  ],
  people: [{ key: { slackUserId: 1 }, name: 'slack_user', unique: true }],
  identities: [{ key: { identityKey: 1 }, name: 'identity', unique: true }],
  teams: [
    { key: { name: 1 }, name: 'team_name', unique: true },
    { key: { members: 1 }, name: 'members' },
  ],
  outcomes: [
    { key: { kind: 1, ref: 1 }, name: 'kind_ref', unique: true },
    { key: { completedAt: 1 }, name: 'completed' },
  ],
  linearIssues: [{ key: { identifier: 1 }, name: 'identifier', unique: true }],
  rollupsDaily: [
    { key: { day: 1, team: 1, person: 1, class: 1 }, name: 'day_team_person_class', unique: true },
  ],
  subscriptions: [{ key: { channel: 1 }, name: 'channel', unique: true }],
  digestPosts: [{ key: { subscription: 1, period: 1 }, name: 'subscription_period', unique: true }],
  templates: [{ key: { key: 1 }, name: 'key', unique: true }],
  deadLetters: [{ key: { receivedAt: 1 }, name: 'received' }],
  deliveries: [{ key: { source: 1, deliveryId: 1 }, name: 'source_delivery', unique: true }],
  audit: [
    { key: { at: 1 }, name: 'at' },
    { key: { target: 1, at: 1 }, name: 'target_at' },
  ],
  alerts: [{ key: { team: 1, period: 1, threshold: 1 }, name: 'team_period_threshold', unique: true }],
  heartbeats: [],
  metricSeries: [{ key: { key: 1 }, name: 'series', unique: true }],
  promptPosts: [
    { key: { slackUserId: 1, day: 1, seq: 1 }, name: 'person_day_seq', unique: true },
    { key: { postedAt: 1, abandonedAt: 1, lockedUntil: 1 }, name: 'unposted' },
    { key: { channel: 1, messageTs: 1 }, name: 'message' },
  ],
};

export function collections(db: Db): Collections {
  const entries = Object.entries(COLLECTION_NAMES).map(([key, name]) => [key, db.collection(name)]);
  return Object.fromEntries(entries) as Collections;
}

export async function ensureIndexes(db: Db): Promise<void> {
  const all = collections(db);
  for (const key of Object.keys(INDEXES) as (keyof Collections)[]) {
    const indexes = INDEXES[key];
    if (indexes.length > 0) await all[key].createIndexes(indexes);
  }
}

export { decodeKey, encodeKey, encodeKeys } from '../domain/field-keys.ts';
