import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { encodeSessionAction } from '../../blocks/values.ts';
import { DIGEST_JOB, runDigestJob } from '../../jobs/digest.ts';
import { CLAIM_LEASE_MS, DIGEST_EVENT_TYPE } from '../../src/digest/post.ts';
import type { SessionClass } from '../../src/domain/types.ts';
import { ACTIONS } from '../../src/ids.ts';
import { linkSessionIssues } from '../../src/outcomes/auto-link.ts';
import type { PostedMessage } from '../../src/sandbox/fake-slack-api.ts';
import { claudeCodeLogsRequest } from '../fixtures/otlp/claude-code.ts';
import { DEFAULT_USERS, eventually, type TestApp, useTestApp } from '../support/harness.ts';
import { clickInMessage } from './classification-support.ts';
import { issuePayload, OUTCOME_ENV, postLinear } from './outcomes-support.ts';

const OTLP_TOKEN = 'otlp-digest-token';
const LEADERS = 'CLEADERS01';
const NO_BOT = 'CNOBOT0001';
const CHARTLESS = 'CCHARTLESS';
const USERS = [
  ...DEFAULT_USERS,
  { id: 'UDAN000001', name: 'dan', email: 'dan@example.com', tz: 'Europe/Berlin' },
  { id: 'UERIN00001', name: 'erin', email: 'erin@example.com', tz: 'UTC' },
];
const ALICE = 'UALICE0001'; // manager of Payments, Europe/Berlin
const BOB = 'UBOB000001'; // engineer
const ERIN = 'UERIN00001'; // the only member of Solo: below the privacy floor

/** A controllable clock for the whole app (ServiceOptions.now). */
let clock = new Date('2025-12-12T10:00:00Z'); // Friday

async function lastResponse(app: TestApp, before: number): Promise<string> {
  const answer = await eventually(() => app.slack.responses.slice(before).at(-1), {
    message: 'command answer',
  });
  return String(answer.body.text ?? '');
}

async function run(app: TestApp, text: string, userId = ALICE): Promise<string> {
  const before = app.slack.responses.length;
  const response = await app.command(text, userId);
  expect(response.status).toBe(200);
  return lastResponse(app, before);
}

describe('scheduled digests, end to end', async () => {
  const app = await useTestApp({
    users: USERS,
    channels: [
      { id: LEADERS, name: 'leadership', botIsMember: true },
      { id: NO_BOT, name: 'no-bot', botIsMember: false },
      { id: CHARTLESS, name: 'chartless', botIsMember: true },
    ],
    env: { OTLP_TOKEN, PRIVACY_MIN_GROUP: '3', ...OUTCOME_ENV },
    service: { now: () => clock, startJobs: false },
  });
  const { deps } = app.service;
  const { collections } = deps;

  // Identities and teams as earlier features leave them: emails mapped, Payments (3 people) and Solo (1).
  const people = { alice: ALICE, bob: BOB, dan: 'UDAN000001', erin: ERIN };
  for (const [name, id] of Object.entries(people)) {
    await collections.identities.insertOne({
      identityKey: `email:${name}@example.com`,
      slackUserId: id,
      lookedUpAt: clock,
      status: 'mapped',
    });
  }
  await collections.teams.insertMany([
    {
      name: 'Payments',
      members: [ALICE, BOB, people.dan],
      managers: [ALICE],
      budget: {
        amountUsd: 3100,
        period: 'monthly',
        split: { productive: 60, exploratory: 30, wasteful: 10 },
        alertThresholds: [],
      },
      createdAt: clock,
      updatedAt: clock,
    },
    { name: 'Solo', members: [ERIN], managers: [ERIN], createdAt: clock, updatedAt: clock },
  ]);

  const ingest = async (
    name: keyof typeof people,
    sessionId: string,
    repo: string,
    requests: { cost: number; at: string }[],
    branch?: string,
  ) => {
    const body = claudeCodeLogsRequest({
      sessionId,
      email: `${name}@example.com`,
      vcs: { url: `https://github.com/acme/${repo}` },
      ...(branch && { resource: { branch } }),
      requests: requests.map((r, i) => ({
        requestId: `${sessionId}-${i}`,
        at: r.at,
        costUsd: r.cost,
        input: 1000,
        output: 100,
      })),
    });
    const response = await app.post('/v1/logs', JSON.stringify(body), {
      'content-type': 'application/json',
      authorization: `Bearer ${OTLP_TOKEN}`,
    });
    expect(response.status).toBe(200);
  };

  /**
   * The engineer clicks a class button (a signed block_actions request, as Slack sends it) on a message
   * in their DM; the session is closed first, as the idle job would.
   */
  const classify = async (sessionKey: string, cls: SessionClass, userId: string) => {
    const session = await collections.sessions.findOneAndUpdate(
      { sessionKey },
      [{ $set: { closedAt: '$lastEventAt' } }],
      { returnDocument: 'after' },
    );
    if (!session) throw new Error(`no session ${sessionKey}`);
    const posted = await deps.slack.chat.postMessage({
      channel: userId,
      text: 'How would you classify this session?',
    });
    const message: PostedMessage = app.slack.messages.find((m) => m.ts === posted.ts)!;
    const actionId = {
      productive: ACTIONS.classifyProductive,
      exploratory: ACTIONS.classifyExploratory,
      wasteful: ACTIONS.classifyWasteful,
    }[cls];
    const response = await clickInMessage(app, message, {
      userId,
      actionId,
      value: encodeSessionAction({ sessionId: session._id.toHexString(), class: cls }),
    });
    expect(response.status).toBe(200);
    await eventually(() => collections.sessions.findOne({ sessionKey, 'classification.class': cls }), {
      message: `classification of ${sessionKey}`,
    });
  };

  // The week of Dec 8 (reported on Monday Dec 15) and the week before.
  await ingest(
    'alice',
    'alice-refunds',
    'api',
    [
      { cost: 40, at: '2025-12-09T09:00:00Z' },
      { cost: 20, at: '2025-12-09T09:30:00Z' },
    ],
    'alice/pay-12-partial-refunds',
  );
  await ingest('bob', 'bob-retry-loop', 'api', [{ cost: 30, at: '2025-12-10T14:00:00Z' }]);
  await ingest('dan', 'dan-spike', 'ml', [{ cost: 10, at: '2025-12-11T11:00:00Z' }]);
  await ingest('erin', 'erin-solo', 'solo', [{ cost: 25, at: '2025-12-11T16:00:00Z' }]);
  await ingest('alice', 'alice-last-week', 'api', [{ cost: 50, at: '2025-12-02T10:00:00Z' }]);
  await classify('alice-refunds', 'productive', ALICE);
  await classify('bob-retry-loop', 'wasteful', BOB);
  await classify('dan-spike', 'exploratory', people.dan);
  await classify('alice-last-week', 'productive', ALICE);

  // Alice's branch names PAY-12 (linked as the session-close hook links it); Linear then reports the issue
  // completed on Thursday through its signed webhook.
  app.linear.addIssue({ identifier: 'PAY-12', title: 'Partial refunds' });
  const refunds = await collections.sessions.findOne({ sessionKey: 'alice-refunds' });
  await linkSessionIssues(deps, [refunds!._id]);
  const completed = await postLinear(
    app,
    issuePayload({
      identifier: 'PAY-12',
      title: 'Partial refunds',
      stateType: 'completed',
      // Linear's own edit time orders deliveries: later than the issue as fetched when linking.
      updatedAt: new Date(Date.now() + 1000),
      completedAt: new Date('2025-12-11T15:00:00Z'),
    }),
  );
  expect(completed.status).toBe(200);

  it('ingested spend is in the rollups the digest reads', async () => {
    const rows = await collections.rollupsDaily
      .find({ day: { $gte: '2025-12-08', $lt: '2025-12-15' } })
      .toArray();
    expect(rows.reduce((sum, r) => sum + r.costUsd, 0)).toBeCloseTo(125, 6);
    expect(rows.filter((r) => r.class === 'wasteful').map((r) => r.person)).toEqual([BOB]);
    const outcome = await collections.outcomes.findOne({ ref: 'PAY-12' });
    expect(outcome).toMatchObject({ kind: 'linear_issue', state: 'completed' });
    expect(outcome?.sessionIds).toHaveLength(1);
  });

  it('subscribing a channel the bot is not in says so and how to invite it', async () => {
    const text = await run(app, `subscribe <#${NO_BOT}|no-bot> weekly mon 09:00`);
    expect(text).toContain('I am not a member of');
    expect(text).toContain('/invite @ai-roi');
    expect(await collections.subscriptions.countDocuments({ channel: NO_BOT })).toBe(0);
    const missing = await run(app, 'subscribe <#CGONE00001|gone>');
    expect(missing).toContain('If it is a private channel');
    expect(missing).toContain('/invite @ai-roi');
  });

  it('only managers and admins may subscribe', async () => {
    const text = await run(app, `subscribe <#${LEADERS}|leadership>`, BOB);
    expect(text).toContain('Only team managers and workspace admins');
    const unknown = await run(app, `subscribe <#${LEADERS}|leadership> team Paymnts`);
    expect(unknown).toContain('There is no team called *Paymnts*');
    expect(unknown).toContain('Payments');
    expect(await collections.subscriptions.countDocuments({})).toBe(0);
  });

  let subscriptionId = '';

  it('subscribes with the subscriber’s timezone and schedules one job at the next local run', async () => {
    const text = await run(app, `subscribe <#${LEADERS}|leadership> weekly mon 09:00 org leadership`);
    expect(text).toContain(`Subscribed <#${LEADERS}> to the leadership digest for all teams`);
    expect(text).toContain('Mondays at 09:00 (Europe/Berlin)');
    const sub = await collections.subscriptions.findOne({ channel: LEADERS });
    expect(sub).toMatchObject({
      cadence: 'weekly',
      weekday: 1,
      time: '09:00',
      tz: 'Europe/Berlin',
      createdBy: ALICE,
    });
    // Monday Dec 15, 09:00 in Berlin (CET) = 08:00Z.
    expect(sub?.nextRunAt?.toISOString()).toBe('2025-12-15T08:00:00.000Z');
    subscriptionId = sub!._id!.toHexString();
    const jobs = await deps.agenda.queryJobs({ name: DIGEST_JOB });
    expect(
      jobs.jobs.filter((j) => (j.data as { subscriptionId: string }).subscriptionId === subscriptionId),
    ).toHaveLength(1);
    expect(jobs.jobs[0]?.nextRunAt?.toISOString()).toBe('2025-12-15T08:00:00.000Z');
    expect(await collections.audit.countDocuments({ action: 'subscription.create' })).toBe(1);
  });

  it('re-subscribing changes the schedule and recomputes the one job', async () => {
    const text = await run(app, `subscribe <#${LEADERS}|leadership> weekly tue 10:30`);
    expect(text).toContain('Updated');
    let sub = await collections.subscriptions.findOne({ channel: LEADERS });
    expect(sub?.nextRunAt?.toISOString()).toBe('2025-12-16T09:30:00.000Z');
    await run(app, `subscribe <#${LEADERS}|leadership> weekly mon 09:00 org leadership`);
    sub = await collections.subscriptions.findOne({ channel: LEADERS });
    expect(sub?.nextRunAt?.toISOString()).toBe('2025-12-15T08:00:00.000Z');
    const jobs = await deps.agenda.queryJobs({ name: DIGEST_JOB });
    expect(jobs.jobs).toHaveLength(1);
    expect(jobs.jobs[0]?.nextRunAt?.toISOString()).toBe('2025-12-15T08:00:00.000Z');
  });

  it('the job posts nothing before the local time', async () => {
    clock = new Date('2025-12-15T07:59:00Z');
    const early = await runDigestJob(deps, subscriptionId);
    expect(early).toMatchObject({ outcome: 'not_due' });
    expect(early.nextRunAt?.toISOString()).toBe('2025-12-15T08:00:00.000Z');
    expect(app.slack.messagesIn(LEADERS)).toHaveLength(0);
  });

  it('at the local time it posts exactly one digest: text, blocks and a PNG chart', async () => {
    clock = new Date('2025-12-15T08:00:00Z');
    const first = await runDigestJob(deps, subscriptionId);
    expect(first.outcome).toBe('posted');
    expect(first.nextRunAt?.toISOString()).toBe('2025-12-22T08:00:00.000Z');
    const again = await runDigestJob(deps, subscriptionId);
    expect(again.outcome).toBe('not_due');

    const messages = app.slack.messagesIn(LEADERS);
    expect(messages).toHaveLength(1);
    const message = messages[0]!;
    expect(message.metadata).toEqual({
      event_type: DIGEST_EVENT_TYPE,
      event_payload: { subscription: subscriptionId, period: '2025-W50' },
    });
    // Text fallback with the ROI sentence.
    expect(message.text).toContain('AI ROI — All teams · Week of Dec 8, 2025');
    expect(message.text).toContain('$125 of AI spend');
    expect(message.text).toContain('1 completed Linear issue');
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).toContain('PAY-12');
    expect(blocks).toContain('acme/api');
    expect(blocks).toContain('Chart attached');
    // Privacy floor: Payments (3 people) by name, Solo (1 person) only inside "other"; nobody by name or id.
    expect(blocks).toContain('Payments');
    expect(blocks).toContain('other');
    expect(blocks).not.toContain('Solo');
    for (const id of Object.values(people)) {
      expect(blocks).not.toContain(id);
      expect(message.text).not.toContain(id);
    }
    for (const name of ['alice', 'bob', 'dan', 'erin']) expect(blocks.toLowerCase()).not.toContain(name);

    const files = app.slack.files.filter((f) => f.channel === LEADERS);
    expect(files).toHaveLength(1);
    expect(files[0]!.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(files[0]!.bytes.length).toBeGreaterThan(5000);

    const post = await collections.digestPosts.findOne({ subscription: subscriptionId });
    expect(post).toMatchObject({ period: '2025-W50', messageTs: message.ts, channel: LEADERS });
    expect((await collections.subscriptions.findOne({ channel: LEADERS }))?.nextRunAt?.toISOString()).toBe(
      '2025-12-22T08:00:00.000Z',
    );
  });

  it('a run that finds the period already claimed and posted does not post again', async () => {
    // Rewind the schedule to the same run, as a second worker or a replayed job would see it.
    await collections.subscriptions.updateOne(
      { channel: LEADERS },
      { $set: { nextRunAt: new Date('2025-12-15T08:00:00Z') } },
    );
    const replay = await runDigestJob(deps, subscriptionId);
    expect(replay.outcome).toBe('already_posted');
    expect(replay.nextRunAt?.toISOString()).toBe('2025-12-22T08:00:00.000Z');
    expect(app.slack.messagesIn(LEADERS)).toHaveLength(1);
  });

  describe('a crash between claim and record', () => {
    const stale = () => new Date(clock.getTime() - CLAIM_LEASE_MS - 1000);
    const rewind = (at: string) =>
      collections.subscriptions.updateOne({ channel: LEADERS }, { $set: { nextRunAt: new Date(at) } });

    it('a fresh claim without a ts is left to its holder and retried after the lease', async () => {
      clock = new Date('2025-12-22T08:00:00Z');
      await collections.digestPosts.insertOne({
        subscription: subscriptionId,
        period: '2025-W51',
        claimedAt: clock,
        claimId: 'other-worker',
      });
      const result = await runDigestJob(deps, subscriptionId);
      expect(result.outcome).toBe('in_flight');
      expect(result.nextRunAt!.getTime()).toBeGreaterThan(clock.getTime() + CLAIM_LEASE_MS);
      expect(app.slack.messagesIn(LEADERS)).toHaveLength(1);
    });

    it('a stale claim whose message did go out is recovered from the channel history, not reposted', async () => {
      // The crashed worker had posted (metadata names the subscription and period) but not recorded the ts.
      await collections.digestPosts.updateOne(
        { subscription: subscriptionId, period: '2025-W51' },
        { $set: { claimedAt: stale() } },
      );
      const crashed = await deps.slack.chat.postMessage({
        channel: LEADERS,
        text: 'digest posted by a worker that crashed',
        metadata: {
          event_type: DIGEST_EVENT_TYPE,
          event_payload: { subscription: subscriptionId, period: '2025-W51' },
        },
      });
      const result = await runDigestJob(deps, subscriptionId);
      expect(result.outcome).toBe('recovered');
      expect(result.nextRunAt?.toISOString()).toBe('2025-12-29T08:00:00.000Z');
      expect(app.slack.messagesIn(LEADERS)).toHaveLength(2);
      const post = await collections.digestPosts.findOne({
        subscription: subscriptionId,
        period: '2025-W51',
      });
      expect(post).toMatchObject({ messageTs: crashed.ts, recovered: true });
      expect(app.slack.callsTo('conversations.history').at(-1)?.args).toMatchObject({ channel: LEADERS });
    });

    it('a stale claim whose message never went out is taken over and posted once', async () => {
      clock = new Date('2025-12-29T08:00:00Z');
      await rewind('2025-12-29T08:00:00Z');
      await collections.digestPosts.insertOne({
        subscription: subscriptionId,
        period: '2025-W52',
        claimedAt: stale(),
        claimId: 'crashed-worker',
      });
      const result = await runDigestJob(deps, subscriptionId);
      expect(result.outcome).toBe('posted');
      expect(app.slack.messagesIn(LEADERS)).toHaveLength(3);
      const post = await collections.digestPosts.findOne({
        subscription: subscriptionId,
        period: '2025-W52',
      });
      expect(post?.messageTs).toBe(app.slack.messagesIn(LEADERS).at(-1)?.ts);
      expect(post?.claimId).not.toBe('crashed-worker');
    });
  });

  it('if the chart cannot be rendered the digest still posts, with a note', async () => {
    clock = new Date('2025-12-12T10:00:00Z');
    const text = await run(app, `subscribe <#${CHARTLESS}|chartless> weekly mon 09:00 team Payments`);
    expect(text).toContain('the team digest for Payments');
    const sub = await collections.subscriptions.findOne({ channel: CHARTLESS });
    clock = new Date('2025-12-15T08:00:00Z');
    const filesBefore = app.slack.files.length;
    const result = await runDigestJob(deps, sub!._id!.toHexString(), {
      renderChart: () => Promise.reject(new Error('no renderer')),
    });
    expect(result.outcome).toBe('posted');
    const [message] = app.slack.messagesIn(CHARTLESS);
    expect(JSON.stringify(message?.blocks)).toContain('Chart unavailable: the chart could not be rendered');
    expect(app.slack.files.length).toBe(filesBefore);
    // A team digest: the team retro sentence and only Payments' spend.
    expect(message?.text).toContain('AI ROI — Payments');
    expect(message?.text).toContain('Payments, Week of Dec 8, 2025: $100 of AI spend');
    expect(message?.text).not.toContain('$125');
  });

  it('a digest that Slack refuses (bot removed) releases the claim and tells the subscriber', async () => {
    clock = new Date('2026-01-05T08:00:00Z');
    await collections.subscriptions.updateOne({ channel: CHARTLESS }, { $set: { nextRunAt: clock } });
    app.slack.channels.get(CHARTLESS)!.botIsMember = false;
    const sub = await collections.subscriptions.findOne({ channel: CHARTLESS });
    const result = await runDigestJob(deps, sub!._id!.toHexString());
    expect(result).toMatchObject({ outcome: 'failed', result: { error: 'not_in_channel', permanent: true } });
    expect(result.nextRunAt?.toISOString()).toBe('2026-01-12T08:00:00.000Z');
    expect(
      await collections.digestPosts.countDocuments({
        subscription: sub!._id!.toHexString(),
        period: '2026-W01',
      }),
    ).toBe(0);
    expect((await collections.subscriptions.findOne({ channel: CHARTLESS }))?.lastError?.error).toBe(
      'not_in_channel',
    );
    const dm = app.slack.messagesIn(app.slack.dmChannelFor(ALICE)).at(-1);
    expect(dm?.text).toContain('/invite @ai-roi');
    app.slack.channels.get(CHARTLESS)!.botIsMember = true;
  });

  it('digest preview shows the next digest ephemerally; digest now posts it (managers only)', async () => {
    clock = new Date('2025-12-12T10:00:00Z');
    const before = app.slack.responses.length;
    await app.command(`digest preview <#${LEADERS}|leadership>`, ALICE);
    const answers = await eventually(() => {
      const got = app.slack.responses.slice(before);
      return got.length >= 2 ? got : undefined;
    });
    expect(String(answers[0]!.body.text)).toContain('Preview of the leadership digest for all teams');
    expect(answers[1]!.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answers[1]!.body.blocks)).toContain('Week of Dec 8, 2025');

    expect(await run(app, `digest now <#${LEADERS}|leadership>`, BOB)).toContain('Only team managers');
    const posted = app.slack.messagesIn(LEADERS).length;
    const text = await run(app, `digest now <#${LEADERS}|leadership>`, ALICE);
    expect(text).toContain(
      `Posted the leadership digest for all teams for Week of Dec 8, 2025 to <#${LEADERS}> with its chart`,
    );
    expect(app.slack.messagesIn(LEADERS)).toHaveLength(posted + 1);
    expect(await run(app, `digest now <#${NO_BOT}|no-bot>`, ALICE)).toContain('/invite @ai-roi');
  });

  it('templates: list, show, set with validation, preview, reset — and digests use the stored text', async () => {
    expect(await run(app, 'templates list', BOB)).toContain('`weekly_leadership`');
    expect(await run(app, 'templates show cut_or_invest', BOB)).toContain('{{topSink}}');

    const refused = await run(app, 'templates set weekly_leadership {{spend}} spent', BOB);
    expect(refused).toContain('Only team managers and workspace admins can change ROI templates');

    const unknown = await run(app, 'templates set weekly_leadership We spent {{spnd}} this week', ALICE);
    expect(unknown).toContain('{{spnd}}');
    expect(unknown).toContain('valid variables: spend, productivePct');
    expect(await collections.templates.countDocuments({})).toBe(0);

    const saved = await run(
      app,
      'templates set weekly_leadership {{periodIntro}} we spent {{spend}} on AI ({{coverage}} classified).',
      ALICE,
    );
    expect(saved).toContain('Saved `weekly_leadership`');
    expect(saved).toContain('This week we spent $125 on AI (80% classified).');
    expect(await collections.templates.findOne({ key: 'weekly_leadership' })).toMatchObject({
      updatedBy: ALICE,
    });

    const preview = await run(app, 'templates preview weekly_leadership', BOB);
    expect(preview).toContain('we spent $125 on AI');

    await run(app, `digest now <#${LEADERS}|leadership>`, ALICE);
    expect(app.slack.messagesIn(LEADERS).at(-1)?.text).toContain('This week we spent $125 on AI');

    expect(await run(app, 'templates reset weekly_leadership', ALICE)).toContain('back to the default');
    expect(await collections.templates.countDocuments({})).toBe(0);
    expect(
      await collections.audit.countDocuments({ action: { $in: ['template.set', 'template.reset'] } }),
    ).toBe(2);
  });

  it('after downtime that skipped runs it posts only the latest missed one', async () => {
    expect((await collections.subscriptions.findOne({ channel: LEADERS }))?.nextRunAt?.toISOString()).toBe(
      '2026-01-05T08:00:00.000Z',
    );
    clock = new Date('2026-01-27T10:00:00Z'); // Tuesday: the runs of Jan 5, 12, 19 and 26 were missed
    const before = app.slack.messagesIn(LEADERS).length;
    const result = await runDigestJob(deps, subscriptionId);
    expect(result.outcome).toBe('posted');
    expect(result.nextRunAt?.toISOString()).toBe('2026-02-02T08:00:00.000Z');
    expect(app.slack.messagesIn(LEADERS)).toHaveLength(before + 1);
    const periods = (await collections.digestPosts.find({ subscription: subscriptionId }).toArray()).map(
      (p) => p.period,
    );
    expect(periods).toContain('2026-W04');
    expect(periods).not.toContain('2026-W02');
  });

  it('unsubscribe removes the subscription and its job', async () => {
    expect(await run(app, `unsubscribe <#${LEADERS}|leadership>`, BOB)).toContain('Only team managers');
    const text = await run(app, `unsubscribe <#${LEADERS}|leadership>`, ALICE);
    expect(text).toContain(`Stopped the leadership digest for all teams in <#${LEADERS}>`);
    expect(await collections.subscriptions.countDocuments({ channel: LEADERS })).toBe(0);
    const jobs = await deps.agenda.queryJobs({ name: DIGEST_JOB });
    expect(jobs.jobs.map((j) => (j.data as { subscriptionId: string }).subscriptionId)).not.toContain(
      subscriptionId,
    );
    expect(await run(app, `unsubscribe <#${LEADERS}|leadership>`, ALICE)).toContain('nothing to stop');
    expect((await runDigestJob(deps, subscriptionId)).outcome).toBe('gone');
    expect(ObjectId.isValid(subscriptionId)).toBe(true);
  });
});
