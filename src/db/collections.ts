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
  /** Where cost and tokens come from for this session: events win once any api_request arrives. */
  costSource: 'events' | 'metrics';
  classification?: Classification;
  classificationHistory: ClassificationHistoryEntry[];
  prompt?: { firstSentAt?: Date; reminderSentAt?: Date; messageTs?: string; channel?: string };
  labels: Record<string, string>;
}

export interface PersonDoc {
  _id?: ObjectId;
  slackUserId: string;
  emails: string[];
  accountIds: string[];
  name?: string;
  tz?: string;
  isAdmin?: boolean;
  promptMode?: PromptMode;
  lastPromptAt?: Date;
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
}

export interface RollupDoc extends DailyRollup {
  _id?: ObjectId;
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
}

export interface DigestPostDoc {
  _id?: ObjectId;
  subscription: string;
  period: string;
  claimedAt: Date;
  messageTs?: string;
  postedAt?: Date;
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
  postedAt: Date;
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
  audit: [{ key: { at: 1 }, name: 'at' }],
  alerts: [{ key: { team: 1, period: 1, threshold: 1 }, name: 'team_period_threshold', unique: true }],
  heartbeats: [],
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

/** Escape a value for use as a document key ($inc on `byRepo.<key>`): no dots, no leading $. */
export function encodeKey(value: string): string {
  return value.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/^\$/, '%24');
}

export function decodeKey(key: string): string {
  return decodeURIComponent(key);
}
