/**
 * The sample organisation the sandbox seeds: two teams, six engineers and a manager, two weeks of AI
 * sessions that read as productive, exploratory or wasteful, the Linear issues they worked on and the pull
 * requests that merged. Everything is placed relative to `now`, so seeding works at any time of day; amounts
 * come from a fixed-seed generator, so the numbers are the same on every run.
 */
import { createHash } from 'node:crypto';
import type { SessionClass } from '../../domain/types.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const SAMPLE_ADMIN = 'dana';

export const SAMPLE_TEAMS = [
  { name: 'Payments', members: ['maya', 'tom', 'priya'] },
  { name: 'Platform', members: ['leo', 'sam', 'jonas'] },
] as const;

export type SampleSource = 'claude-code' | 'litellm' | 'usage-webhook';

export interface SessionPlan {
  /** The source's session id (Claude Code `session.id`, LiteLLM session, webhook sessionKey). */
  id: string;
  person: string;
  /** The address the tool reports when it is not the person's Slack email (it starts out unmapped). */
  telemetryEmail?: string;
  source: SampleSource;
  repo: string;
  branch: string;
  startedAt: Date;
  endedAt: Date;
  model: string;
  requests: { at: Date; costUsd: number; input: number; output: number; cacheRead: number; id: string }[];
  errors: { at: Date; statusCode: number; error: string }[];
  commits: { at: Date; sha: string }[];
  /** What the engineer answers when asked. */
  intent: SessionClass;
  /** Whether the seeder answers the prompt (the rest wait in App Home). */
  answered: boolean;
}

export interface IssuePlan {
  identifier: string;
  title: string;
  branch: string;
  /** Completed this long ago; absent = still in progress. */
  completedAt?: Date;
}

export interface PullRequestPlan {
  repo: string;
  number: number;
  title: string;
  branch: string;
  author: string;
  mergedAt: Date;
  headSha: string;
}

export interface ManualOutcomePlan {
  title: string;
  url: string;
  completedAt: Date;
  issues: string[];
  team: string;
}

export interface SampleOrganisation {
  sessions: SessionPlan[];
  issues: IssuePlan[];
  pullRequests: PullRequestPlan[];
  /** Releases a pipeline records through POST /api/outcomes. */
  manualOutcomes: ManualOutcomePlan[];
}

interface Row {
  person: string;
  /** The address the tool reports when it is not the person's Slack email. */
  telemetryEmail?: string;
  source: SampleSource;
  repo: string;
  branch: string;
  /** Days before now, and hours before that the session started. */
  daysAgo: number;
  hoursBack: number;
  minutes: number;
  requests: number;
  perRequestUsd: number;
  errors?: number;
  commits?: number;
  intent: SessionClass;
  answered: boolean;
  model?: string;
}

const PAY = 'acme/payments-api';
const PLAT = 'acme/platform-infra';

/**
 * One session per line; `name<email>` means the tool reports an address Slack does not know. daysAgo / hoursBack: when it started, before now; minutes: how long it ran;
 * requests × $/request: its spend (jittered); errors: failed API calls; commits: commits it recorded;
 * intent: what the engineer answers; answered: whether they answer before the seed ends.
 */
const SESSIONS = `
person source        repo                    branch                                daysAgo hoursBack minutes requests $/req errors commits intent answered
maya   claude-code   acme/payments-api       maya/pay-138-webhook-signature-rotation  13  4   90  22  0.28   0  2  productive   yes
maya   claude-code   acme/payments-api       spike/ledger-sharding                    10  3   70  16  0.22   1  0  exploratory  yes
maya   claude-code   acme/payments-api       maya/pay-142-refund-retries               8  5  120  30  0.31   0  3  productive   yes
maya   claude-code   acme/payments-api       maya/pay-142-refund-retries               6  2   80  18  0.25   0  2  productive   yes
maya   claude-code   acme/payments-api       maya/pay-163-payout-batching              3  6   60  24  0.30   0  1  productive   yes
maya   claude-code   acme/payments-api       maya/pay-163-payout-batching              1  3   95  20  0.30   0  2  productive   yes
maya   claude-code   acme/payments-api       maya/prototype-risk-scoring               0  5   40   9  0.18   0  0  exploratory  no
tom    claude-code   acme/merchant-dashboard tom/pay-147-refund-status                12  4  100  24  0.26   0  3  productive   yes
tom    claude-code   acme/payments-api       tom/pay-160-fx-rounding                   9  3   75  20  0.24  10  0  wasteful     yes
tom    claude-code   acme/payments-api       tom/pay-160-fx-rounding                   7  6  160  60  0.42   3  0  wasteful     yes
tom    claude-code   acme/payments-api       tom/pay-160-fx-rounding                   4  2   85  19  0.27   0  2  productive   yes
tom    claude-code   acme/payments-api       explore/stripe-sdk-v12                    2  5   50  12  0.20   0  0  exploratory  yes
tom    claude-code   acme/payments-api       main                                      1  4    6   2  0.12   0  0  exploratory  no
priya  litellm       acme/payments-api       priya/pay-151-3ds-timeout                11  3   80  18  0.30   0  0  productive   yes
priya  litellm       acme/payments-api       priya/pay-151-3ds-timeout                 8  4  110  25  0.28   0  0  productive   yes
priya  claude-code   acme/payments-api       research/psd3-sca-changes                 5  3   60  15  0.22   0  0  exploratory  yes
priya  claude-code   acme/payments-api       priya/pay-155-dispute-evidence            3  4   70  22  0.20   9  0  wasteful     yes
priya  claude-code   acme/payments-api       priya/pay-155-dispute-evidence            2  3   90  21  0.26   0  2  productive   yes
priya  claude-code   acme/payments-api       priya/pay-170-fx-audit-log                0  4   45  10  0.24   0  1  productive   no
leo    claude-code   acme/platform-infra     leo/plat-88-arm64-runners                13  5  120  26  0.30   0  2  productive   yes
leo    claude-code   acme/platform-infra     leo/plat-88-arm64-runners                10  3   90  20  0.28   0  3  productive   yes
leo    claude-code   acme/platform-infra     leo/prototype-otel-collector              6  4   80  17  0.30   0  0  exploratory  yes
leo    claude-code   acme/platform-infra     leo/plat-99-terraform-drift               3  2   70  20  0.20  10  0  wasteful     yes
leo    claude-code   acme/platform-infra     leo/plat-99-terraform-drift               1  4   60  14  0.25   0  1  productive   no
sam    usage-webhook acme/gateway            sam/plat-91-gateway-rate-limit           12  3   90  20  0.25   0  1  productive   yes
sam    usage-webhook acme/gateway            sam/plat-91-gateway-rate-limit            8  5  100  22  0.27   0  1  productive   yes
sam    claude-code   acme/gateway            spike/graphql-federation                  5  3   75  18  0.30   0  0  exploratory  yes
sam<sam.park@home.example> usage-webhook acme/gateway sam/plat-104-cache-warmup    3  3   40  12  0.22   0  0  productive   yes
sam    claude-code   acme/gateway            sam/plat-104-cache-warmup                 2  4   85  20  0.26   0  2  productive   yes
sam    claude-code   acme/gateway            sam/plat-104-cache-warmup                 0  6  100  28  0.30   8  0  wasteful     no
jonas  claude-code   acme/jobs               jonas/plat-97-structured-logs            11  4   95  21  0.27   0  2  productive   yes
jonas  claude-code   acme/jobs               jonas/plat-97-structured-logs             6  3   80  18  0.25   0  2  productive   yes
jonas  claude-code   acme/jobs               jonas/plat-102-flaky-deploy-test          4  5   65  26  0.20  11  0  wasteful     yes
jonas  claude-code   acme/jobs               poc/queue-backpressure                    3  2   45  10  0.20   0  0  exploratory  yes
jonas  claude-code   acme/jobs               jonas/plat-102-flaky-deploy-test          2  3  140  30  0.35   2  0  wasteful     yes
jonas  claude-code   acme/jobs               jonas/plat-102-flaky-deploy-test          1  2   70  16  0.25   0  2  productive   no
`;

const SOURCES: readonly SampleSource[] = ['claude-code', 'litellm', 'usage-webhook'];
const INTENTS: readonly SessionClass[] = ['productive', 'exploratory', 'wasteful'];

function parseRows(table: string): Row[] {
  const [, ...lines] = table.trim().split('\n');
  return lines.map((line) => {
    const cells = line.trim().split(/\s+/);
    const [who = '', source, repo = '', branch = '', ...rest] = cells;
    // "sam<sam.park@home.example>": Sam, through a tool that reports an address Slack does not know.
    const [, person = '', telemetryEmail] = /^(\w+)(?:<([^>]+)>)?$/.exec(who) ?? [];
    const numbers = rest.slice(0, 7).map(Number);
    const [
      daysAgo = 0,
      hoursBack = 0,
      minutes = 0,
      requests = 0,
      perRequestUsd = 0,
      errors = 0,
      commits = 0,
    ] = numbers;
    const sourceOk = SOURCES.find((s) => s === source);
    const intent = INTENTS.find((c) => c === rest[7]);
    if (cells.length !== 13 || !sourceOk || !intent || numbers.some((n) => Number.isNaN(n))) {
      throw new Error(`Bad sample session line: ${line}`);
    }
    return {
      person,
      ...(telemetryEmail ? { telemetryEmail } : {}),
      source: sourceOk,
      repo,
      branch,
      daysAgo,
      hoursBack,
      minutes,
      requests,
      perRequestUsd,
      errors,
      commits,
      intent,
      answered: rest[8] === 'yes',
    };
  });
}

const ROWS = parseRows(SESSIONS);

/** [identifier, title, branch, completed days ago (undefined = in progress)] */
const ISSUES: [string, string, string, number | undefined][] = [
  [
    'PAY-138',
    'Rotate webhook signing secrets without downtime',
    'maya/pay-138-webhook-signature-rotation',
    11,
  ],
  ['PAY-142', 'Retry failed refunds with idempotency keys', 'maya/pay-142-refund-retries', 5],
  ['PAY-147', 'Show refund status in the merchant dashboard', 'tom/pay-147-refund-status', 9],
  ['PAY-151', 'Handle 3-D Secure challenge timeouts', 'priya/pay-151-3ds-timeout', 6],
  ['PAY-155', 'Upload dispute evidence from the dashboard', 'priya/pay-155-dispute-evidence', 0.5],
  ['PAY-160', 'Fix FX rounding drift in settlement reports', 'tom/pay-160-fx-rounding', 2],
  ['PAY-163', 'Batch payouts per merchant per day', 'maya/pay-163-payout-batching', undefined],
  ['PAY-170', 'Audit log for currency conversions', 'priya/pay-170-fx-audit-log', undefined],
  ['PLAT-88', 'Move CI runners to arm64', 'leo/plat-88-arm64-runners', 9],
  ['PLAT-91', 'Rate-limit the internal GraphQL gateway', 'sam/plat-91-gateway-rate-limit', 7],
  ['PLAT-97', 'Structured logging for the jobs service', 'jonas/plat-97-structured-logs', 3],
  ['PLAT-99', 'Detect Terraform drift nightly', 'leo/plat-99-terraform-drift', undefined],
  ['PLAT-102', 'Fix the flaky deploy pipeline test', 'jonas/plat-102-flaky-deploy-test', undefined],
  ['PLAT-104', 'Warm the gateway cache on deploy', 'sam/plat-104-cache-warmup', undefined],
  ['PLAT-110', 'Upgrade workers to Node 22', 'leo/plat-110-node-22', undefined],
];

/** [repo, number, title, branch, author, merged days ago] */
const PULL_REQUESTS: [string, number, string, string, string, number][] = [
  [PAY, 405, 'PAY-138 Rotate webhook signing secrets', 'maya/pay-138-webhook-signature-rotation', 'maya', 11],
  [PAY, 412, 'Retry failed refunds with idempotency keys', 'maya/pay-142-refund-retries', 'maya', 5],
  ['acme/merchant-dashboard', 88, 'Refund status column and filters', 'tom/pay-147-refund-status', 'tom', 9],
  [PAY, 417, 'PAY-151 3-D Secure challenge timeouts', 'priya/pay-151-3ds-timeout', 'priya', 6],
  [PAY, 421, 'Round FX in settlement reports with banker’s rounding', 'tom/pay-160-fx-rounding', 'tom', 2],
  [PLAT, 233, 'CI runners on arm64', 'leo/plat-88-arm64-runners', 'leo', 9],
  [
    'acme/gateway',
    87,
    'Token-bucket rate limits for the gateway',
    'sam/plat-91-gateway-rate-limit',
    'sam',
    7,
  ],
  ['acme/jobs', 154, 'Structured JSON logs', 'jonas/plat-97-structured-logs', 'jonas', 3],
  ['acme/gateway', 92, 'Warm the cache on deploy (part 1)', 'sam/plat-104-cache-warmup', 'sam', 1],
];

/** The sample Linear workspace: every issue starts in progress (or backlog); the seeder completes some. */
export function sampleLinearIssues(): {
  identifier: string;
  title: string;
  branch: string;
  inProgress: boolean;
}[] {
  return ISSUES.map(([identifier, title, branch, completed]) => ({
    identifier,
    title,
    branch,
    // Issues that never get sessions sit in the backlog, so an issue search shows a realistic mix.
    inProgress: completed !== undefined || ROWS.some((r) => r.branch === branch),
  }));
}

/** mulberry32: small, fast, and the same sequence everywhere. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function commitSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

function planSession(row: Row, index: number, now: Date, random: () => number): SessionPlan {
  const id = `${row.person}-${row.branch.replace(/[^a-z0-9]+/gi, '-')}-${index + 1}`.toLowerCase();
  const startedAt = new Date(
    now.getTime() - row.daysAgo * DAY - row.hoursBack * HOUR - Math.floor(random() * 40) * 60_000,
  );
  const span = row.minutes * 60_000;
  const endedAt = new Date(startedAt.getTime() + span);
  const at = (share: number) => new Date(startedAt.getTime() + Math.round(span * share));
  const requests = Array.from({ length: row.requests }, (_, i) => {
    const costUsd = round(row.perRequestUsd * (0.55 + random() * 0.9));
    // Sonnet prices ($3 / $15 / $0.30 per million input / output / cache read), split roughly as sessions do.
    return {
      at: at(row.requests === 1 ? 0 : i / (row.requests - 1)),
      costUsd,
      input: Math.round((costUsd * 0.15) / 3e-6),
      output: Math.round((costUsd * 0.45) / 15e-6),
      cacheRead: Math.round((costUsd * 0.4) / 0.3e-6),
      id: `req_${id}_${i + 1}`,
    };
  });
  const errors = Array.from({ length: row.errors ?? 0 }, (_, i) => ({
    at: at(Math.min(1, (i + 0.5) / Math.max(1, row.errors ?? 1))),
    statusCode: i % 3 === 2 ? 500 : 529,
    error: i % 3 === 2 ? 'api_error' : 'overloaded_error',
  }));
  const commits = Array.from({ length: row.commits ?? 0 }, (_, i) => ({
    at: at((i + 1) / ((row.commits ?? 0) + 0.5)),
    sha: commitSha(`${id}:${i}`),
  }));
  return {
    id,
    person: row.person,
    ...(row.telemetryEmail ? { telemetryEmail: row.telemetryEmail } : {}),
    source: row.source,
    repo: row.repo,
    branch: row.branch,
    startedAt,
    endedAt,
    model: row.model ?? 'claude-sonnet-4-5',
    requests,
    errors,
    commits,
    intent: row.intent,
    answered: row.answered,
  };
}

export function buildSampleOrganisation(now: Date): SampleOrganisation {
  const random = generator(20_260_514);
  const sessions = ROWS.map((r, index) => planSession(r, index, now, random));
  const ago = (days: number) => new Date(now.getTime() - days * DAY + 2 * HOUR * (days >= 1 ? 1 : 0));
  const issues = ISSUES.map(([identifier, title, branch, completed]) => ({
    identifier,
    title,
    branch,
    ...(completed !== undefined ? { completedAt: ago(completed) } : {}),
  }));
  const pullRequests = PULL_REQUESTS.map(([repo, number, title, branch, author, mergedDaysAgo]) => {
    const onBranch = sessions.filter((s) => s.branch === branch && s.repo === repo).flatMap((s) => s.commits);
    return {
      repo,
      number,
      title,
      branch,
      author,
      mergedAt: ago(mergedDaysAgo),
      headSha: onBranch.at(-1)?.sha ?? commitSha(`${repo}#${number}`),
    };
  });
  const manualOutcomes = [
    {
      title: 'Refund retries rolled out to every merchant',
      url: 'https://status.acme.example/releases/refund-retries',
      completedAt: ago(4),
      issues: ['PAY-142'],
      team: 'Payments',
    },
  ];
  return { sessions, issues, pullRequests, manualOutcomes };
}
