import type { Agenda, Job } from 'agenda';
import type { SubscriptionDoc } from '../src/db/collections.ts';
import type { AppDeps } from '../src/deps.ts';
import { composeDigest } from '../src/digest/compose.ts';
import { type ChartRenderer, CLAIM_LEASE_MS, type OnceResult, postDigestOnce } from '../src/digest/post.ts';
import { describeSchedule, digestPeriodFor, nextOccurrence } from '../src/digest/schedule.ts';
import {
  DIGEST_JOB,
  type DigestJobData,
  ensureDigestJobs,
  subscriptionObjectId,
} from '../src/digest/subscriptions.ts';

export { DIGEST_JOB };

/** Transient failures (rate limits, outages) are retried for this long after the scheduled time. */
export const RETRY_WINDOW_MS = 6 * 60 * 60_000;

export type DigestJobDeps = Pick<AppDeps, 'collections' | 'config' | 'slack' | 'logger' | 'now'>;

export interface DigestRunOptions {
  renderChart?: ChartRenderer;
}

export interface DigestRun {
  outcome: 'gone' | 'not_due' | OnceResult['status'];
  result?: OnceResult;
  /** When the job should wake next; null when the subscription is gone. */
  nextRunAt: Date | null;
}

/**
 * One run of a subscription's digest job. Reads the schedule of record from the subscription, posts
 * the digest of the period its due run covers (exactly once, see src/digest/post.ts), then advances
 * the subscription to its next local run. Safe to run concurrently on several instances.
 */
export async function runDigestJob(
  deps: DigestJobDeps,
  subscriptionId: string,
  options: DigestRunOptions = {},
): Promise<DigestRun> {
  const objectId = subscriptionObjectId(subscriptionId);
  const subscription = objectId ? await deps.collections.subscriptions.findOne({ _id: objectId }) : null;
  if (!objectId || !subscription) return { outcome: 'gone', nextRunAt: null };
  const _id = objectId;
  const now = deps.now();
  const due = subscription.nextRunAt ?? nextOccurrence(subscription, now);
  if (!subscription.nextRunAt) {
    await deps.collections.subscriptions.updateOne(
      { _id, nextRunAt: { $exists: false } },
      { $set: { nextRunAt: due } },
    );
  }
  if (due.getTime() > now.getTime()) return { outcome: 'not_due', nextRunAt: due };

  // After downtime that skipped runs, post only the latest missed one (a stack of stale digests helps nobody).
  let latest = due;
  for (let i = 0; i < 1000; i++) {
    const next = nextOccurrence(subscription, latest);
    if (next.getTime() > now.getTime()) break;
    latest = next;
  }
  const { period, claimKey } = digestPeriodFor(subscription, latest);
  const result = await postDigestOnce(
    deps,
    {
      subscription: subscriptionId,
      period: claimKey,
      channel: subscription.channel,
      compose: () => composeDigest(deps, subscription, period, now),
    },
    options,
  );

  const retryAt = new Date(now.getTime() + CLAIM_LEASE_MS + 5_000);
  if (result.status === 'in_flight') return { outcome: result.status, result, nextRunAt: retryAt };
  if (result.status === 'failed') {
    const withinWindow = now.getTime() - latest.getTime() < RETRY_WINDOW_MS;
    if (!result.permanent && withinWindow) return { outcome: result.status, result, nextRunAt: retryAt };
    await reportFailure(deps, subscription, result.error);
  }
  const next = nextOccurrence(subscription, new Date(Math.max(now.getTime(), due.getTime())));
  const advanced = await deps.collections.subscriptions.findOneAndUpdate(
    { _id, nextRunAt: due },
    {
      $set: { nextRunAt: next },
      ...(result.status !== 'failed' && { $unset: { lastError: '' } }),
    },
    { returnDocument: 'after' },
  );
  // Changed meanwhile (re-subscribed with another schedule): the stored next run wins.
  const stored = advanced ?? (await deps.collections.subscriptions.findOne({ _id }));
  return { outcome: result.status, result, nextRunAt: stored?.nextRunAt ?? null };
}

/** Record the problem on the subscription and tell its owner once, by DM: a digest never fails silently. */
async function reportFailure(
  deps: DigestJobDeps,
  subscription: SubscriptionDoc,
  error: string,
): Promise<void> {
  const now = deps.now();
  await deps.collections.subscriptions.updateOne(
    { _id: subscription._id },
    { $set: { lastError: { at: now, error } } },
  );
  deps.logger.warn({ channel: subscription.channel, error }, 'scheduled digest could not be posted');
  if (subscription.lastError?.error === error) return; // already told
  const fix =
    error === 'not_in_channel'
      ? ` I am not a member of <#${subscription.channel}>: invite me there with \`/invite @ai-roi\`.`
      : error === 'channel_not_found' || error === 'is_archived'
        ? ` The channel is gone or archived: \`/ai-roi unsubscribe <#${subscription.channel}>\` or subscribe another channel.`
        : '';
  await deps.slack.chat
    .postMessage({
      channel: subscription.updatedBy ?? subscription.createdBy,
      text: `I could not post the ${describeSchedule(subscription)} AI ROI digest to <#${subscription.channel}> (\`${error}\`).${fix} I will try again at the next scheduled time.`,
    })
    .catch((dmError: unknown) => deps.logger.warn({ err: dmError }, 'could not tell the subscriber'));
}

/** Define the digest job and make sure every subscription has one. */
export async function registerDigestJobs(agenda: Agenda, deps: AppDeps): Promise<void> {
  agenda.define<DigestJobData>(DIGEST_JOB, async (job: Job<DigestJobData>) => {
    try {
      const run = await runDigestJob(deps, job.attrs.data.subscriptionId);
      // Agenda saves nextRunAt after the processor returns: this is how the job reschedules itself.
      job.attrs.nextRunAt = run.nextRunAt;
    } catch (error) {
      // A failed one-off job would otherwise never run again.
      job.attrs.nextRunAt = new Date(deps.now().getTime() + CLAIM_LEASE_MS + 5_000);
      throw error;
    }
  });
  await ensureDigestJobs(deps);
}
