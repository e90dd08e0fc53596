/**
 * Posting a digest to a channel, exactly once per subscription and period.
 *
 * 1. Claim `digest_posts` (unique subscription + period) BEFORE posting; only the claim holder posts.
 * 2. Post with message metadata naming the subscription and period, then record the ts on the claim.
 * 3. A claim without a ts is either being posted right now (younger than the lease: leave it) or was
 *    left by a crash between claim and record. Then the channel history tells which: a message whose
 *    metadata names this subscription and period means it was posted (record its ts); none means it
 *    was not, and the claim is taken over atomically (compare-and-set on the old claim id) and posted.
 * 4. A Slack error that proves nothing was posted (ok:false) releases the claim so a retry can post.
 *    A transport error (unknown outcome) keeps it: the lease + history check settle it later.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { SlackMessage } from '../../blocks/kit.ts';
import { chartAltText, type SpendChartInput } from '../charts/spend-data.ts';
import type { Collections } from '../db/collections.ts';
import type { Logger } from '../logger.ts';
import type { ChartStatus } from './message.ts';

export const DIGEST_EVENT_TYPE = 'ai_roi_digest';
/** How long a claim without a ts is presumed to be in progress. Posting takes seconds. */
export const CLAIM_LEASE_MS = 2 * 60_000;
/** Errors after which retrying the same channel cannot help until someone acts. */
export const PERMANENT_SLACK_ERRORS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'restricted_action',
  'access_denied',
  'missing_scope',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  // The request itself is wrong: re-posting the same digest cannot succeed.
  'invalid_blocks',
  'invalid_arguments',
  'msg_too_long',
  'no_text',
]);

export interface PostDeps {
  collections: Pick<Collections, 'digestPosts'>;
  slack: WebClient;
  logger: Logger;
  now: () => Date;
}

export type ChartRenderer = (input: SpendChartInput) => Promise<Buffer>;

export interface DeliverOptions {
  renderChart?: ChartRenderer;
  metadata?: { subscription: string; period: string };
}

export interface Delivered {
  ts: string;
  chart: 'attached' | 'unavailable' | 'upload_failed';
}

export interface DigestContent {
  message(chart?: ChartStatus): SlackMessage;
  chartInput: SpendChartInput;
}

export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } };
  return e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}

/**
 * Render the chart (a failure becomes a note in the message), post the message, upload the chart.
 * Throws what chat.postMessage throws; chart problems never stop the post.
 */
export async function deliverDigest(
  deps: Pick<PostDeps, 'slack' | 'logger'>,
  channel: string,
  digest: DigestContent,
  options: DeliverOptions = {},
): Promise<Delivered> {
  // ECharts and resvg load on the first digest, not at start-up (they cost ~1 s and tens of MB).
  const render =
    options.renderChart ??
    (async (input: SpendChartInput) => (await import('../charts/spend-chart.ts')).renderSpendChart(input));
  let png: Buffer | undefined;
  let chart: ChartStatus;
  try {
    png = await render(digest.chartInput);
    chart = { status: 'attached' };
  } catch (error) {
    deps.logger.warn({ err: error, channel }, 'digest chart could not be rendered; posting without it');
    chart = { status: 'unavailable', reason: 'the chart could not be rendered this time' };
  }
  const message = digest.message(chart);
  const posted = await deps.slack.chat.postMessage({
    channel,
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    unfurl_media: false,
    ...(options.metadata && {
      metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { ...options.metadata } },
    }),
  });
  const ts = posted.ts ?? '';
  if (!png) return { ts, chart: 'unavailable' };
  try {
    await deps.slack.filesUploadV2({
      channel_id: channel,
      file: png,
      filename: 'ai-roi-digest.png',
      title: truncateTitle(digest.chartInput.title),
      alt_text: chartAltText(digest.chartInput).slice(0, 1000),
    });
    return { ts, chart: 'attached' };
  } catch (error) {
    deps.logger.warn({ err: error, channel }, 'digest chart upload failed; updating the message note');
    const fallback = digest.message({ status: 'unavailable', reason: 'the chart upload failed' });
    await deps.slack.chat
      .update({ channel, ts, text: fallback.text, blocks: fallback.blocks })
      .catch((updateError: unknown) =>
        deps.logger.warn({ err: updateError }, 'could not update the chart note'),
      );
    return { ts, chart: 'upload_failed' };
  }
}

function truncateTitle(title: string): string {
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}

export type OnceResult =
  | ({ status: 'posted' } & Delivered)
  | { status: 'already_posted'; ts: string }
  | { status: 'recovered'; ts: string }
  | { status: 'in_flight' }
  | { status: 'failed'; error: string; permanent: boolean };

type Claim =
  | { status: 'claimed'; claimId: string }
  | { status: 'already_posted'; ts: string }
  | { status: 'recovered'; ts: string }
  | { status: 'in_flight' }
  | { status: 'failed'; error: string; permanent: boolean };

export interface OnceRequest {
  subscription: string;
  period: string;
  channel: string;
  /** Built only when this caller holds the claim. */
  compose(): Promise<DigestContent>;
}

export async function postDigestOnce(
  deps: PostDeps,
  request: OnceRequest,
  options: Omit<DeliverOptions, 'metadata'> = {},
): Promise<OnceResult> {
  const claim = await claimDigestPost(deps, request);
  if (claim.status !== 'claimed') return claim;
  const key = { subscription: request.subscription, period: request.period, claimId: claim.claimId };
  const release = () => deps.collections.digestPosts.deleteOne(key);

  let content: DigestContent;
  try {
    content = await request.compose();
  } catch (error) {
    await release();
    throw error;
  }
  let delivered: Delivered;
  try {
    delivered = await deliverDigest(deps, request.channel, content, {
      ...options,
      metadata: { subscription: request.subscription, period: request.period },
    });
  } catch (error) {
    const code = slackErrorCode(error);
    // ok:false from Slack: nothing was posted, so the next attempt may post.
    if (code) await release();
    deps.logger.warn({ err: error, ...key }, 'digest post failed');
    return {
      status: 'failed',
      error: code ?? (error as Error).message ?? String(error),
      permanent: code !== undefined && PERMANENT_SLACK_ERRORS.has(code),
    };
  }
  await deps.collections.digestPosts.updateOne(key, {
    $set: { messageTs: delivered.ts, postedAt: deps.now(), channel: request.channel },
  });
  return { status: 'posted', ...delivered };
}

async function claimDigestPost(deps: PostDeps, request: OnceRequest): Promise<Claim> {
  const { digestPosts } = deps.collections;
  const filter = { subscription: request.subscription, period: request.period };
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.now();
    const claimId = randomUUID();
    try {
      await digestPosts.insertOne({ ...filter, claimedAt: now, claimId, channel: request.channel });
      return { status: 'claimed', claimId };
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    const existing = await digestPosts.findOne(filter);
    if (!existing) continue; // released between our insert and read: try again
    if (existing.messageTs) return { status: 'already_posted', ts: existing.messageTs };
    if (now.getTime() - existing.claimedAt.getTime() < CLAIM_LEASE_MS) return { status: 'in_flight' };

    let found: string | null;
    try {
      found = await findPostedDigest(
        deps.slack,
        existing.channel ?? request.channel,
        filter,
        existing.claimedAt,
      );
    } catch (error) {
      // Without the history we cannot tell whether the crashed attempt posted: never risk a duplicate.
      const code = slackErrorCode(error);
      deps.logger.warn(
        { err: error, ...filter },
        'cannot read channel history to settle a stale digest claim',
      );
      return {
        status: 'failed',
        error: `history check failed: ${code ?? (error as Error).message}`,
        permanent: false,
      };
    }
    if (found) {
      await digestPosts.updateOne(
        { _id: existing._id, messageTs: { $exists: false } },
        { $set: { messageTs: found, postedAt: now, recovered: true } },
      );
      deps.logger.info({ ...filter, ts: found }, 'digest claim recovered from channel history');
      return { status: 'recovered', ts: found };
    }
    const taken = await digestPosts.updateOne(
      {
        _id: existing._id,
        messageTs: { $exists: false },
        ...(existing.claimId ? { claimId: existing.claimId } : { claimedAt: existing.claimedAt }),
      },
      { $set: { claimId, claimedAt: now, channel: request.channel } },
    );
    return taken.modifiedCount === 1 ? { status: 'claimed', claimId } : { status: 'in_flight' };
  }
  return { status: 'in_flight' };
}

const HISTORY_PAGES = 5;

/** The ts of a message in the channel whose metadata names this subscription and period, posted since `since`. */
export async function findPostedDigest(
  slack: WebClient,
  channel: string,
  key: { subscription: string; period: string },
  since: Date,
): Promise<string | null> {
  let cursor: string | undefined;
  // A minute of slack for clock skew between the claim and Slack's ts.
  const oldest = String(Math.floor(since.getTime() / 1000) - 60);
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const history = await slack.conversations.history({
      channel,
      oldest,
      limit: 200,
      include_all_metadata: true,
      ...(cursor && { cursor }),
    });
    for (const message of history.messages ?? []) {
      const metadata = message.metadata as
        | { event_type?: string; event_payload?: Record<string, unknown> }
        | undefined;
      if (
        metadata?.event_type === DIGEST_EVENT_TYPE &&
        metadata.event_payload?.subscription === key.subscription &&
        metadata.event_payload?.period === key.period &&
        message.ts
      ) {
        return message.ts;
      }
    }
    cursor = history.response_metadata?.next_cursor || undefined;
    if (!history.has_more || !cursor) break;
  }
  return null;
}
