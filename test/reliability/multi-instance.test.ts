/**
 * Two app instances on one database (and one Slack workspace), both running every job through their own agenda
 * schedulers: no job runs twice, no prompt, alert or digest is posted twice, and requests replayed across the
 * instances are stored once.
 */
import { afterAll, describe, it } from 'vitest';
import { scheduleDigestJob } from '../../src/digest/subscriptions.ts';
import { identityKey } from '../../src/ingest/identity.ts';
import { storeUsageEvents } from '../../src/store/usage-store.ts';
import { seedClosedSessions } from '../integration/classification-support.ts';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  GINA,
  HANK,
  seedDaily,
  seedTeam,
  USERS,
} from '../integration/commands-support.ts';
import { uniqueDbName } from '../support/db.ts';
import { eventually, startTestApp, type TestApp } from '../support/harness.ts';
import { useFigures } from './figures.ts';
import { otlpHeaders, otlpLogs, RELIABILITY_ENV } from './payloads.ts';
import { rawPost, sleep } from './support.ts';

const LEADERS = 'CLEADERS01';
const ALERTS = 'CPAYALERT1';
// Friday 12 December 2025, 16:31 UTC: the daily prompt slot of everyone in UTC has opened.
const NOW = new Date('2025-12-12T16:31:00Z');
const RUN_MS = 6000;

describe('two app instances on one database', async () => {
  const figures = useFigures('multi-instance');
  const dbName = uniqueDbName('multi');
  const channels = [
    { id: LEADERS, name: 'leadership', botIsMember: true },
    { id: ALERTS, name: 'payments-alerts', botIsMember: true },
  ];
  const a = await startTestApp({
    users: USERS,
    channels,
    dbName,
    env: RELIABILITY_ENV,
    service: { now: () => NOW, startJobs: false },
  });
  // Same workspace: the second instance talks to the first one's Slack, so every post lands in one place.
  const b = await startTestApp({
    users: USERS,
    channels,
    dbName,
    env: { ...RELIABILITY_ENV, SLACK_API_URL: a.slack.apiUrl },
    service: { now: () => NOW, startJobs: false },
  });
  const apps: TestApp[] = [a, b];
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });
  const { collections } = a.service.deps;

  it('runs every job once across both schedulers and posts nothing twice', async () => {
    // A team over half its budget (an alert is due), closed sessions waiting for their prompt, an idle open
    // session for the idle-close job, and a digest subscription that is due.
    await seedTeam(collections, {
      name: 'Payments',
      members: [BOB, GINA, HANK],
      managers: [ALICE],
      budget: { amountUsd: 1000, period: 'monthly', alertThresholds: [50, 80, 100] },
      alertChannel: ALERTS,
    });
    await seedDaily(collections, {
      email: 'bob@example.com',
      slackUserId: BOB,
      team: 'Payments',
      from: '2025-12-01',
      days: 11,
      costUsd: 55,
    });
    await seedClosedSessions(collections, [
      { userId: GINA, team: 'Payments', startedAt: '2025-12-12T09:00:00Z', costUsd: 4 },
      { userId: HANK, team: 'Payments', startedAt: '2025-12-12T10:00:00Z', costUsd: 6 },
    ]);
    // Dave's session is still open; its last event was two hours ago, so the idle-close job closes it.
    const identity = { email: 'dave@example.com' };
    await storeUsageEvents(
      collections,
      [
        {
          source: 'claude_code',
          sourceEventId: 'multi-dave-1',
          kind: 'api_request',
          occurredAt: new Date('2025-12-12T14:00:00Z'),
          sessionKey: 'multi-dave-open',
          identity,
          model: 'claude-sonnet-4',
          tokens: { input: 10, output: 10, cacheRead: 0, cacheCreation: 0 },
          costUsd: 3,
          costKind: 'estimated',
          labels: {},
        },
      ],
      async () => new Map([[identityKey(identity), { slackUserId: DAVE }]]),
      new Date('2025-12-12T14:00:00Z'),
    );
    const before = a.slack.responses.length;
    await a.command(`subscribe <#${LEADERS}|leadership> weekly fri 09:00 org leadership`, CAROL);
    await eventually(() => a.slack.responses.length > before, { message: 'subscribe answer' });
    const subscription = await eventually(() => collections.subscriptions.findOne({ channel: LEADERS }));
    // Due now: the schedule of record says so, and the job is due on both schedulers.
    await collections.subscriptions.updateOne(
      { _id: subscription._id },
      { $set: { nextRunAt: new Date(NOW.getTime() - 60_000) } },
    );
    await scheduleDigestJob(
      a.service.deps.agenda,
      subscription._id!.toHexString(),
      new Date(Date.now() - 1000),
    );
    const postsBefore = a.slack.messages.length;

    const started = Date.now();
    await Promise.all(apps.map((app) => app.service.deps.agenda.start()));
    await sleep(RUN_MS);
    await Promise.all(apps.map((app) => app.service.deps.agenda.drain(5000)));
    figures.report('schedulers × seconds', `2 × ${Math.round((Date.now() - started) / 1000)}`);

    const heartbeat = await collections.heartbeats.findOne({ _id: 'heartbeat' });
    figures.expect('heartbeat runs (due once)', heartbeat?.runs ?? 0, { eq: 1 });
    const jobs = await a.service.deps.agenda.queryJobs({});
    const byName = new Map<string, number>();
    for (const job of jobs.jobs) byName.set(job.name, (byName.get(job.name) ?? 0) + 1);
    figures.report('job definitions in the shared queue', [...byName].map(([n, c]) => `${n}:${c}`).join(' '));
    const duplicatedJobs = [...byName].filter(([name, count]) => name !== 'digest' && count > 1);
    figures.expect('recurring jobs registered twice', duplicatedJobs.length, { eq: 0 }, duplicatedJobs);

    const dms = (user: string) =>
      a.slack.messagesIn(a.slack.dmChannelFor(user)).filter((m) => !/budget/i.test(m.text ?? ''));
    const prompts = { GINA: dms(GINA).length, HANK: dms(HANK).length, DAVE: dms(DAVE).length };
    // Dave's session closes during the run; daily-mode people are prompted by the next prompt run, so 0 or 1.
    figures.report(
      'prompt DMs (Gina, Hank due; Dave closed meanwhile)',
      `${prompts.GINA}, ${prompts.HANK}, ${prompts.DAVE}`,
    );
    figures.expect(
      'people prompted twice',
      Object.values(prompts).filter((n) => n > 1).length,
      { eq: 0 },
      prompts,
    );
    figures.expect(
      'people due a prompt and not prompted',
      [prompts.GINA, prompts.HANK].filter((n) => n === 0).length,
      { eq: 0 },
      prompts,
    );
    const dave = await collections.sessions.findOne({ sessionKey: 'multi-dave-open' });
    figures.expect('idle session closed', Number(Boolean(dave?.closedAt)), { eq: 1 });

    const alerts = a.slack.messagesIn(ALERTS);
    const alertDms = a.slack
      .messagesIn(a.slack.dmChannelFor(ALICE))
      .filter((m) => /budget/i.test(m.text ?? ''));
    figures.expect(
      'budget alert posts (one due)',
      alerts.length,
      { eq: 1 },
      alerts.map((m) => m.text),
    );
    figures.expect('budget alert DMs to the manager (one due)', alertDms.length, { eq: 1 });
    const digests = a.slack.messagesIn(LEADERS);
    figures.expect('digest posts (one due)', digests.length, { eq: 1 });
    figures.report('Slack posts in total', a.slack.messages.length - postsBefore);
    figures.report('posts through the second instance’s own Slack fake', b.slack.messages.length);
  });

  it('stores requests replayed across the two instances once', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify(
        otlpLogs({
          sessionId: `multi-replay-${i % 4}`,
          requests: [{ costUsd: 0.1 }, { costUsd: 0.2 }],
          content: false,
        }),
      ),
    );
    const statuses = await Promise.all(
      bodies.flatMap((body) =>
        apps.map((app) => rawPost(app.baseUrl, '/v1/logs', body, otlpHeaders()).then((r) => r.status)),
      ),
    );
    const stored = await collections.usageEvents.countDocuments({ sessionKey: /^multi-replay-/ });
    const sessions = await collections.sessions.find({ sessionKey: /^multi-replay-/ }).toArray();
    const cost = Math.round(sessions.reduce((sum, s) => sum + s.costUsd, 0) * 100) / 100;
    figures.expect('replayed batches answered other than 200', statuses.filter((s) => s !== 200).length, {
      eq: 0,
    });
    figures.expect('events stored (40 sent, each to both instances)', stored, { eq: 40 });
    figures.expect('session cost (sent $6.00)', cost, { eq: 6 });
  });
});
