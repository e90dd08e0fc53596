import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUDGET_ALERTS_JOB, runBudgetAlerts } from '../../jobs/budget-alerts.ts';
import type { PostedMessage } from '../../src/sandbox/fake-slack-api.ts';
import { uniqueDbName } from '../support/db.ts';
import { eventually, startTestApp, type TestApp } from '../support/harness.ts';
import { ALICE, BOB, GINA, seedDaily, seedSession, seedTeam, USERS } from './commands-support.ts';

/** Both instances read this clock, so the test can move into the next month. */
let clock = new Date('2025-12-12T12:00:00Z');

const CHANNELS = [
  { id: 'CLEADERS01', name: 'leadership', botIsMember: true },
  { id: 'CPAYALERT1', name: 'payments-alerts', botIsMember: true },
];

describe('budget alerts: once per threshold per period, across two instances sharing a database', async () => {
  const dbName = uniqueDbName('alerts');
  const options = {
    users: USERS,
    channels: CHANNELS,
    dbName,
    service: { now: () => clock, startJobs: false },
  };
  const apps: TestApp[] = [await startTestApp(options), await startTestApp(options)];
  afterAll(async () => {
    for (const app of apps) await app.stop();
  });
  const [a, b] = apps as [TestApp, TestApp];
  const { collections } = a.service.deps;

  const seen = new Set<PostedMessage>();
  /** Alert posts and DMs to Alice, across both instances' Slack fakes, not looked at yet. */
  const fresh = () => {
    const take = (channel: (app: TestApp) => string) => {
      const found = apps.flatMap((app) => app.slack.messagesIn(channel(app))).filter((m) => !seen.has(m));
      for (const m of found) seen.add(m);
      return found.map((m) => m.text);
    };
    return { posts: take(() => 'CPAYALERT1'), dms: take((app) => app.slack.dmChannelFor(ALICE)) };
  };
  /** Several runs on both instances at once, as overlapping schedules would do. */
  const runEverywhere = () =>
    Promise.all([
      runBudgetAlerts(a.service.deps),
      runBudgetAlerts(b.service.deps),
      runBudgetAlerts(a.service.deps),
      runBudgetAlerts(b.service.deps),
    ]);

  beforeAll(async () => {
    await seedTeam(collections, {
      name: 'Payments',
      members: [BOB, GINA],
      managers: [ALICE],
      budget: { amountUsd: 1000, period: 'monthly', alertThresholds: [50, 80, 100] },
      alertChannel: 'CPAYALERT1',
    });
    await seedTeam(collections, {
      name: 'Quiet',
      members: [],
      managers: [],
      budget: { amountUsd: 5000, period: 'monthly', alertThresholds: [50] },
    });
    // Dec 1-11 at $50/day and $20 today: $570, 57% of $1,000.
    await seedDaily(collections, {
      email: 'bob@example.com',
      slackUserId: BOB,
      team: 'Payments',
      from: '2025-12-01',
      days: 11,
      costUsd: 50,
    });
    await seedSession(collections, {
      email: 'bob@example.com',
      slackUserId: BOB,
      team: 'Payments',
      calls: [{ at: '2025-12-12T09:00:00Z', costUsd: 20 }],
    });
  });

  it('the job is registered and scheduled by both instances as one recurring job', async () => {
    const jobs = await a.service.deps.db
      .collection('agenda_jobs')
      .find({ name: BUDGET_ALERTS_JOB })
      .toArray();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.repeatInterval).toBe('2 minutes');
  });

  it('crossing 50% posts once to the team channel and DMs each manager once, whoever runs the check', async () => {
    const runs = await runEverywhere();
    expect(runs.flatMap((r) => r.sent)).toEqual(['Payments:2025-12:50']);
    const sentence =
      ':rotating_light: Payments has used 50% of its $1,000 December AI budget on day 12; at this rate it runs out on Dec 21.';
    const { posts, dms } = fresh();
    expect(posts).toEqual([sentence]);
    expect(dms).toHaveLength(1);
    expect(dms[0]).toContain(sentence);
    expect(dms[0]).toContain('`/ai-roi forecast team Payments`');
    const alerts = await collections.alerts.find({}).toArray();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      team: 'Payments',
      period: '2025-12',
      threshold: 50,
      channel: 'CPAYALERT1',
      dmSentTo: [ALICE],
      deliveryErrors: [],
    });
    expect(alerts[0]?.messageTs).toBeTruthy();
  });

  it('never repeats: later checks in the same period post nothing', async () => {
    await runEverywhere();
    await runEverywhere();
    expect(fresh()).toEqual({ posts: [], dms: [] });
  });

  it('the next threshold alerts once, and the one after that', async () => {
    // +$300 today: $870 (87%): 80% crossed.
    await seedSession(collections, {
      email: 'gina@example.com',
      slackUserId: GINA,
      team: 'Payments',
      calls: [{ at: '2025-12-12T10:00:00Z', costUsd: 300 }],
    });
    await runEverywhere();
    const eighty = fresh();
    expect(eighty.posts).toEqual([
      ':rotating_light: Payments has used 80% of its $1,000 December AI budget on day 12; at this rate it runs out on Dec 15.',
    ]);
    expect(eighty.dms).toHaveLength(1);
    // +$400: $1,270 (127%): 100% crossed, said once, with the day it ran out.
    await seedSession(collections, {
      email: 'gina@example.com',
      slackUserId: GINA,
      team: 'Payments',
      calls: [{ at: '2025-12-12T11:00:00Z', costUsd: 400 }],
    });
    await runEverywhere();
    const hundred = fresh();
    expect(hundred.posts).toEqual([
      ':rotating_light: Payments has used 100% of its $1,000 December AI budget on day 12; it ran out on Dec 12.',
    ]);
    expect(hundred.dms).toHaveLength(1);
    const thresholds = (await collections.alerts.find({ team: 'Payments' }).toArray()).map(
      (x) => x.threshold,
    );
    expect(thresholds.sort((x, y) => x - y)).toEqual([50, 80, 100]);
  });

  it('a new period starts over; thresholds crossed together are claimed together and said once', async () => {
    clock = new Date('2026-01-20T12:00:00Z');
    // January so far: $850 on Jan 19 alone (85%): 50 and 80 are crossed together.
    await seedSession(collections, {
      email: 'bob@example.com',
      slackUserId: BOB,
      team: 'Payments',
      calls: [{ at: '2026-01-19T09:00:00Z', costUsd: 850 }],
    });
    await runEverywhere();
    const { posts, dms } = fresh();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatch(
      /^:rotating_light: Payments has used 80% of its \$1,000 January AI budget on day 20;/,
    );
    expect(dms).toHaveLength(1);
    const january = await collections.alerts.find({ period: '2026-01' }).toArray();
    expect(january.map((x) => x.threshold).sort((x, y) => x - y)).toEqual([50, 80]);
    expect(january.find((x) => x.threshold === 80)?.sentence).toBeTruthy();
    expect(january.find((x) => x.threshold === 50)?.sentence).toBeUndefined();
    await runEverywhere();
    expect(fresh()).toEqual({ posts: [], dms: [] });
  });

  it('the scheduled job runs through agenda on either instance with the same exactly-once result', async () => {
    await seedSession(collections, {
      email: 'bob@example.com',
      slackUserId: BOB,
      team: 'Payments',
      calls: [{ at: '2026-01-20T09:00:00Z', costUsd: 200 }],
    });
    await a.service.deps.agenda.start();
    await b.service.deps.agenda.start();
    try {
      await Promise.all([
        a.service.deps.agenda.now(BUDGET_ALERTS_JOB),
        b.service.deps.agenda.now(BUDGET_ALERTS_JOB),
      ]);
      const posts = await eventually(
        () => {
          const found = apps.flatMap((app) => app.slack.messagesIn('CPAYALERT1')).filter((m) => !seen.has(m));
          return found.length > 0 ? found : undefined;
        },
        { message: 'the 100% alert', timeoutMs: 8000 },
      );
      expect(posts[0]?.text).toBe(
        ':rotating_light: Payments has used 100% of its $1,000 January AI budget on day 20; it ran out on Jan 20.',
      );
    } finally {
      await a.service.deps.agenda.drain(5000);
      await b.service.deps.agenda.drain(5000);
    }
    // Whatever ran, and whatever runs next, the 100% alert was said once.
    await runEverywhere();
    const { posts, dms } = fresh();
    expect(posts).toHaveLength(1);
    expect(dms).toHaveLength(1);
  });

  it('a failed delivery is recorded on the claim and not repeated', async () => {
    await collections.teams.updateOne(
      { name: 'Quiet' },
      { $set: { alertChannel: 'CGONE00001', managers: ['UNOBODY01'] } },
    );
    await seedSession(collections, {
      email: 'q@example.com',
      team: 'Quiet',
      calls: [{ at: '2026-01-20T08:00:00Z', costUsd: 2600 }],
    });
    await runEverywhere();
    const alert = await collections.alerts.findOne({ team: 'Quiet' });
    expect(alert?.deliveryErrors).toEqual([
      'channel CGONE00001: channel_not_found',
      'DM UNOBODY01: channel_not_found',
    ]);
    await runEverywhere();
    expect(await collections.alerts.countDocuments({ team: 'Quiet' })).toBe(1);
  });
});
