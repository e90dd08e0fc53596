/**
 * Digest subscriptions (one per channel) and their agenda jobs: one job per subscription, named
 * DIGEST_JOB with data `{ subscriptionId }`, whose nextRunAt is the subscription's next local run.
 * The subscription document holds the schedule of record (`nextRunAt`); the job only wakes the
 * worker up, so a job that fires early or late re-reads it (see jobs/digest.ts).
 */
import type { Agenda } from 'agenda';
import { ObjectId } from 'mongodb';
import { recordAudit } from '../access/audit.ts';
import type { Collections, SubscriptionDoc } from '../db/collections.ts';
import { nextOccurrence } from './schedule.ts';

export const DIGEST_JOB = 'digest';

export interface DigestJobData {
  subscriptionId: string;
}

export type SubscriptionSettings = Pick<
  SubscriptionDoc,
  'channel' | 'cadence' | 'weekday' | 'time' | 'tz' | 'scope' | 'audience'
>;

export interface SubscriptionDeps {
  collections: Pick<Collections, 'subscriptions' | 'audit'>;
  agenda: Agenda;
  now: () => Date;
}

/** Create or replace the job that runs a subscription's digest at `at`. */
export async function scheduleDigestJob(agenda: Agenda, subscriptionId: string, at: Date): Promise<void> {
  await agenda
    .create<DigestJobData>(DIGEST_JOB, { subscriptionId })
    .unique({ 'data.subscriptionId': subscriptionId })
    .schedule(at)
    .save();
}

export async function cancelDigestJob(agenda: Agenda, subscriptionId: string): Promise<number> {
  return agenda.cancel({ name: DIGEST_JOB, data: { subscriptionId } });
}

export interface SavedSubscription {
  subscription: SubscriptionDoc & { _id: ObjectId };
  created: boolean;
  before: SubscriptionDoc | null;
}

/** Upsert the channel's subscription, compute its next run and (re)schedule its job. */
export async function saveSubscription(
  deps: SubscriptionDeps,
  settings: SubscriptionSettings,
  userId: string,
): Promise<SavedSubscription> {
  const now = deps.now();
  const nextRunAt = nextOccurrence(settings, now);
  const before = await deps.collections.subscriptions.findOne({ channel: settings.channel });
  const unset = settings.weekday === undefined ? { weekday: '' as const } : undefined;
  const { weekday, ...rest } = settings;
  const upsert = () =>
    deps.collections.subscriptions.findOneAndUpdate(
      { channel: settings.channel },
      {
        $set: {
          ...rest,
          ...(weekday !== undefined && { weekday }),
          nextRunAt,
          updatedBy: userId,
          updatedAt: now,
        },
        $setOnInsert: { createdBy: userId, createdAt: now },
        $unset: { lastError: '', ...unset },
      },
      { upsert: true, returnDocument: 'after' },
    );
  let after: SubscriptionDoc | null;
  try {
    after = await upsert();
  } catch (error) {
    // Two first subscriptions of one channel race on the unique index: the second becomes an update.
    if ((error as { code?: number }).code !== 11000) throw error;
    after = await upsert();
  }
  if (!after?._id) throw new Error('subscription upsert returned nothing');
  const subscription = after as SubscriptionDoc & { _id: ObjectId };
  await scheduleDigestJob(deps.agenda, subscription._id.toHexString(), nextRunAt);
  // A replayed or repeated subscribe that changes no setting is not a change worth an audit row.
  if (before && sameSettings(before, subscription)) return { subscription, created: false, before };
  await recordAudit(
    deps.collections,
    {
      actor: userId,
      action: before ? 'subscription.update' : 'subscription.create',
      target: `channel:${settings.channel}`,
      ...(before && { before: stripInternal(before) }),
      after: stripInternal(subscription),
    },
    now,
  );
  return { subscription, created: before === null, before };
}

/** Remove the channel's subscription and its job; null when there was none. */
export async function removeSubscription(
  deps: SubscriptionDeps,
  channel: string,
  userId: string,
): Promise<SubscriptionDoc | null> {
  const removed = await deps.collections.subscriptions.findOneAndDelete({ channel });
  if (!removed?._id) return null;
  await cancelDigestJob(deps.agenda, removed._id.toHexString());
  await recordAudit(
    deps.collections,
    {
      actor: userId,
      action: 'subscription.remove',
      target: `channel:${channel}`,
      before: stripInternal(removed),
    },
    deps.now(),
  );
  return removed;
}

const SETTING_FIELDS = ['cadence', 'weekday', 'time', 'tz', 'scope', 'audience'] as const;

function sameSettings(a: SubscriptionDoc, b: SubscriptionDoc): boolean {
  return SETTING_FIELDS.every((field) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
}

function stripInternal(doc: SubscriptionDoc): Partial<SubscriptionDoc> {
  const { _id, nextRunAt, lastError, ...rest } = doc;
  return rest;
}

/**
 * Make sure every subscription has its job (start-up reconciliation): a job lost to a crash between
 * the subscription write and the job write, or removed by hand, is recreated at the stored next run.
 */
export async function ensureDigestJobs(deps: SubscriptionDeps): Promise<number> {
  const subscriptions = await deps.collections.subscriptions.find({}).toArray();
  if (subscriptions.length === 0) return 0;
  const jobs = await deps.agenda.queryJobs({ name: DIGEST_JOB });
  const scheduled = new Set(
    jobs.jobs
      .filter((job) => job.nextRunAt)
      .map((job) => (job.data as DigestJobData | undefined)?.subscriptionId)
      .filter(Boolean),
  );
  let created = 0;
  for (const subscription of subscriptions) {
    const id = subscription._id?.toHexString();
    if (!id || scheduled.has(id)) continue;
    let at = subscription.nextRunAt;
    if (!at) {
      at = nextOccurrence(subscription, deps.now());
      await deps.collections.subscriptions.updateOne({ _id: subscription._id }, { $set: { nextRunAt: at } });
    }
    await scheduleDigestJob(deps.agenda, id, at);
    created += 1;
  }
  return created;
}

export function subscriptionObjectId(id: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}
