/**
 * Slack faults: the fake Slack API answers 429 with Retry-After, 500s and ok:false errors (channel_not_found,
 * not_in_channel, user_not_found, invalid_blocks) on the calls behind classify prompts, classify clicks,
 * App Home and scheduled digests. The bot retries what is retryable, reports the rest to the right person,
 * loses no classification and posts nothing twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runDigestJob } from '../../jobs/digest.ts';
import { runPromptDue } from '../../jobs/prompt-due.ts';
import type { Failure } from '../../src/sandbox/fake-slack-api.ts';
import {
  clickElement,
  DAVE,
  dmsTo,
  messageAt,
  openHome,
  seedClosedSessions,
  sessionById,
  TestClock,
  USERS,
} from '../integration/classification-support.ts';
import { eventually, startTestApp } from '../support/harness.ts';
import { useFigures } from './figures.ts';
import { ACTIONS } from './payloads.ts';
import { recordingLogger, sleep } from './support.ts';

interface FaultCase {
  name: string;
  failure: Failure;
  times: number;
  /** Retried by the Web API client within the same run (429, one 500). */
  retryable: boolean;
}

const CASES: FaultCase[] = [
  {
    name: '429 Retry-After 1',
    failure: { kind: 'rate_limited', retryAfterSeconds: 1 },
    times: 1,
    retryable: true,
  },
  { name: 'HTTP 500 once', failure: { kind: 'http', status: 500 }, times: 1, retryable: true },
  { name: 'HTTP 500 ×3', failure: { kind: 'http', status: 500 }, times: 3, retryable: false },
  {
    name: 'channel_not_found',
    failure: { kind: 'error', error: 'channel_not_found' },
    times: 1,
    retryable: false,
  },
  { name: 'not_in_channel', failure: { kind: 'error', error: 'not_in_channel' }, times: 1, retryable: false },
  { name: 'user_not_found', failure: { kind: 'error', error: 'user_not_found' }, times: 1, retryable: false },
  { name: 'invalid_blocks', failure: { kind: 'error', error: 'invalid_blocks' }, times: 1, retryable: false },
];

const CHANNEL = 'CLEADERS01';
const ADMIN = 'UCAROL0001';
const DAY_MS = 86_400_000;

/** The i-th weekday from a Monday (prompts go out on weekdays only). */
function weekday(monday: string, i: number): string {
  const offset = Math.floor(i / 5) * 7 + (i % 5);
  return new Date(Date.parse(`${monday}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
}

describe('Slack API faults', async () => {
  const figures = useFigures('slack-faults');
  const clock = new TestClock(new Date('2025-02-03T06:00:00Z'));
  const { logger, entries } = recordingLogger();
  const app = await startTestApp({
    users: USERS,
    env: { ADMIN_USER_IDS: ADMIN },
    channels: [{ id: CHANNEL, name: 'leadership', botIsMember: true }],
    service: { now: clock.now, startJobs: false, logger },
  });
  afterAll(() => app.stop());
  const deps = app.service.deps;
  const c = deps.collections;
  let duplicates = 0;
  let lost = 0;
  let notRetried = 0;

  it('prompt DMs: retryable failures are retried, the rest retried by the prompt job, never doubled', async () => {
    for (const [i, fault] of CASES.entries()) {
      const day = weekday('2025-02-03', i);
      await seedClosedSessions(c, [{ userId: DAVE, startedAt: `${day}T08:00:00Z`, costUsd: 3 + i }]);
      const before = dmsTo(app, DAVE).length;
      const calls = app.slack.callsTo('chat.postMessage').length;
      app.slack.failNext('chat.postMessage', fault.failure, fault.times);
      clock.set(`${day}T16:31:00Z`);
      await runPromptDue(deps);
      const firstRun = dmsTo(app, DAVE).length - before;
      const attempts = app.slack.callsTo('chat.postMessage').length - calls;
      // The prompt job's next runs (after its back-off) take over what failed.
      for (const at of ['16:40', '17:30', '19:00']) {
        clock.set(`${day}T${at}:00Z`);
        await runPromptDue(deps);
      }
      const total = dmsTo(app, DAVE).length - before;
      const post = await c.promptPosts.findOne({ slackUserId: DAVE, day });
      figures.report(
        `prompt DM / ${fault.name}`,
        `DMs ${total} · first run ${firstRun} · calls ${attempts} · ${post?.postedAt ? 'posted' : post?.abandonedAt ? 'abandoned' : 'pending'}`,
      );
      if (total > 1) duplicates += total - 1;
      if (fault.retryable && firstRun !== 1) notRetried += 1;
      // Every case ends with its DM: the failure is gone on the retry.
      expect(total, `prompt DM / ${fault.name}`).toBe(1);
      app.slack.reset();
    }
  });

  it('classify clicks: the answer is stored whatever chat.update answers, and no message is posted twice', async () => {
    for (const [i, fault] of CASES.entries()) {
      const day = weekday('2025-03-03', i);
      const [id] = await seedClosedSessions(c, [{ userId: DAVE, startedAt: `${day}T08:00:00Z`, costUsd: 5 }]);
      clock.set(`${day}T16:31:00Z`);
      const run = await runPromptDue(deps);
      const dm = dmsTo(app, DAVE).at(-1);
      if (!dm)
        throw new Error(
          `no prompt DM on ${day}: ${JSON.stringify(run)} ${JSON.stringify(entries.slice(-3))}`,
        );
      const posts = app.slack.callsTo('chat.postMessage').length;
      app.slack.failNext('chat.update', fault.failure, fault.times);
      const response = await clickElement(app, dm, DAVE, ACTIONS.classifyProductive, id!.toHexString());
      expect(response.status).toBe(200);
      const stored = await eventually(async () => (await sessionById(c, id!)).classification, {
        message: `classification under ${fault.name}`,
      });
      // Give the Web API client its retry (Retry-After 1 s) before reading the message.
      if (fault.retryable) {
        await eventually(() => messageAt(app, dm.channel, dm.ts).updatedAt, {
          timeoutMs: 4000,
          message: `chat.update retried after ${fault.name}`,
        }).catch(() => {
          notRetried += 1;
        });
      } else await sleep(100);
      const updates = app.slack.callsTo('chat.update').length;
      const told = app.slack.responses.length;
      figures.report(
        `classify click / ${fault.name}`,
        `stored ${stored.class} · chat.update calls ${updates} · message updated ${messageAt(app, dm.channel, dm.ts).updatedAt ? 'yes' : 'no'} · user told ${told}`,
      );
      if (stored.class !== 'productive') lost += 1;
      duplicates += app.slack.callsTo('chat.postMessage').length - posts;
      app.slack.reset();
    }
  });

  it('App Home: the queue is published despite rate limits and server errors', async () => {
    for (const fault of CASES.filter((f) => f.retryable)) {
      const publishes = app.slack.callsTo('views.publish').length;
      app.slack.failNext('views.publish', fault.failure, fault.times);
      expect((await openHome(app, DAVE)).status).toBe(200);
      const published = await eventually(() => app.slack.lastViewFor(DAVE), {
        timeoutMs: 4000,
        message: `Home published after ${fault.name}`,
      }).catch(() => undefined);
      figures.report(
        `App Home / ${fault.name}`,
        `published ${published ? 'yes' : 'no'} · calls ${app.slack.callsTo('views.publish').length - publishes}`,
      );
      if (!published) notRetried += 1;
      app.slack.reset();
    }
  });

  it('digests: transient failures post once on retry; permanent ones tell the subscriber once', async () => {
    const before = app.slack.responses.length;
    clock.set('2025-04-01T10:00:00Z');
    await app.command(`subscribe <#${CHANNEL}|leadership> weekly mon 09:00`, ADMIN);
    await eventually(() => app.slack.responses.length > before, { message: 'subscribe answer' }).catch(() => {
      throw new Error(`no answer to subscribe: ${JSON.stringify(entries.slice(-5))}`);
    });
    const subscription = await eventually(() => c.subscriptions.findOne({ channel: CHANNEL }));
    const id = subscription._id!.toHexString();
    const png = async () => Buffer.from('89504e470d0a1a0a', 'hex');
    const subscriberDms = () => dmsTo(app, ADMIN).length;
    for (const fault of CASES.filter((f) => f.name !== 'user_not_found')) {
      const sub = (await c.subscriptions.findOne({ _id: subscription._id }))!;
      clock.set(sub.nextRunAt!);
      const posts = app.slack.messagesIn(CHANNEL).length;
      const told = subscriberDms();
      // Permanent errors are injected twice: the second run must not tell the subscriber again.
      app.slack.failNext('chat.postMessage', fault.failure, fault.times);
      const first = await runDigestJob(deps, id, { renderChart: png });
      let second = first;
      // A transient failure is retried within the period; a permanent one moves on to the next period.
      const transient = first.result?.status === 'failed' && !first.result.permanent;
      if (transient && first.nextRunAt) {
        clock.set(first.nextRunAt);
        second = await runDigestJob(deps, id, { renderChart: png });
      }
      const posted = app.slack.messagesIn(CHANNEL).length - posts;
      const dms = subscriberDms() - told;
      figures.report(
        `digest / ${fault.name}`,
        `posted ${posted} · runs ${first.outcome}${second !== first ? ` → ${second.outcome}` : ''} · subscriber told ${dms}`,
      );
      if (posted > 1) duplicates += posted - 1;
      const permanent = first.result?.status === 'failed' && first.result.permanent;
      figures.report(`digest / ${fault.name}: treated as`, permanent ? 'permanent' : 'transient');
      if (permanent) {
        expect(posted, `digest / ${fault.name}`).toBe(0);
        expect(dms, `subscriber told about ${fault.name}`).toBe(1);
      } else {
        expect(posted, `digest / ${fault.name}`).toBe(1);
      }
      if (fault.retryable && first.outcome !== 'posted') notRetried += 1;
      app.slack.reset();
    }
    // The same permanent error again at the next run: recorded, not told twice.
    const sub = (await c.subscriptions.findOne({ _id: subscription._id }))!;
    clock.set(sub.nextRunAt!);
    const told = subscriberDms();
    const posts = app.slack.messagesIn(CHANNEL).length;
    app.slack.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    await runDigestJob(deps, id, { renderChart: png });
    const sub2 = (await c.subscriptions.findOne({ _id: subscription._id }))!;
    clock.set(sub2.nextRunAt!);
    app.slack.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    await runDigestJob(deps, id, { renderChart: png });
    figures.expect(
      'digest / not_in_channel on two runs: channel posts',
      app.slack.messagesIn(CHANNEL).length - posts,
      { eq: 0 },
    );
    figures.expect('digest / not_in_channel on two runs: subscriber DMs', subscriberDms() - told, { eq: 1 });
  });

  // Regression: invalid_blocks cannot succeed on a retry, so the subscriber hears of it at once.
  it('a digest refused with invalid_blocks is reported to the subscriber at once, not retried for 6 hours', async () => {
    const subscription = (await c.subscriptions.findOne({ channel: CHANNEL }))!;
    clock.set(subscription.nextRunAt!);
    const told = dmsTo(app, ADMIN).length;
    app.slack.failNext('chat.postMessage', { kind: 'error', error: 'invalid_blocks' });
    const run = await runDigestJob(deps, subscription._id!.toHexString(), {
      renderChart: async () => Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    expect(run.result?.status === 'failed' && run.result.permanent).toBe(true);
    expect(dmsTo(app, ADMIN).length - told).toBe(1);
  });

  it('adds up: nothing lost, nothing doubled, everything retryable retried', () => {
    figures.expect('classifications lost', lost, { eq: 0 });
    figures.expect('duplicate posts', duplicates, { eq: 0 });
    figures.expect('retryable failures not retried', notRetried, { eq: 0 });
    const crashes = entries.filter((e) => e.level >= 60);
    figures.expect('fatal errors logged', crashes.length, { eq: 0 });
    figures.report(
      'errors logged (reported, expected under injected faults)',
      entries.filter((e) => e.level >= 50).length,
    );
  });
});
