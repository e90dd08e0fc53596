import { afterAll, describe, expect, it } from 'vitest';
import { runDigestJob } from '../../jobs/digest.ts';
import { scheduleDigestJob } from '../../src/digest/subscriptions.ts';
import { uniqueDbName } from '../support/db.ts';
import { eventually, startTestApp } from '../support/harness.ts';

const CHANNEL = 'CLEADERS01';
const ADMIN = 'UCAROL0001'; // a workspace admin in the fake Slack

/**
 * Two app instances on one database (and one Slack workspace): each scheduled digest period is posted
 * once, whether the instances race through the job handler directly or through their agenda schedulers.
 */
describe('digests with two app instances', async () => {
  const dbName = uniqueDbName('digest2');
  let clock = new Date('2025-12-12T10:00:00Z');
  const a = await startTestApp({ dbName, service: { now: () => clock, startJobs: false } });
  const b = await startTestApp({
    dbName,
    env: { SLACK_API_URL: a.slack.apiUrl },
    service: { now: () => clock, startJobs: false },
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });
  const { collections } = a.service.deps;
  await collections.rollupsDaily.insertOne({
    day: '2025-12-09',
    team: '',
    person: 'UALICE0001',
    class: 'productive',
    costUsd: 42,
    estimatedCostUsd: 42,
    tokens: 1000,
    byRepo: {},
    byModel: {},
  });

  it('racing job runs on both instances post the period once', async () => {
    const before = a.slack.responses.length;
    await a.command(`subscribe <#${CHANNEL}|leadership> weekly mon 09:00`, ADMIN);
    await eventually(() => a.slack.responses.length > before, { message: 'subscribe answer' });
    const sub = await eventually(() => collections.subscriptions.findOne({ channel: CHANNEL }));
    const id = sub._id!.toHexString();
    clock = sub.nextRunAt!;
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => runDigestJob((i % 2 ? b : a).service.deps, id)),
    );
    const outcomes = runs.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    expect(outcomes.every((o) => ['posted', 'in_flight', 'already_posted', 'not_due'].includes(o))).toBe(
      true,
    );
    expect(a.slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(b.slack.messages).toHaveLength(0);
    expect(a.slack.files.filter((f) => f.channel === CHANNEL)).toHaveLength(1);
    expect(await collections.digestPosts.countDocuments({ subscription: id })).toBe(1);
  });

  it('through both agenda schedulers, a due job posts once and reschedules itself', async () => {
    const sub = (await collections.subscriptions.findOne({ channel: CHANNEL }))!;
    const id = sub._id!.toHexString();
    // The next run (Dec 22) is due now: both schedulers poll the same jobs collection.
    clock = sub.nextRunAt!;
    await scheduleDigestJob(a.service.deps.agenda, id, new Date(Date.now() - 1000));
    await Promise.all([a.service.deps.agenda.start(), b.service.deps.agenda.start()]);
    a.service.app.readiness.agendaRunning = true;
    b.service.app.readiness.agendaRunning = true;
    await eventually(() => a.slack.messagesIn(CHANNEL).length === 2, {
      message: 'second digest',
      timeoutMs: 10_000,
    });
    const advanced = await eventually(async () => {
      const now = await collections.subscriptions.findOne({ _id: sub._id });
      return now?.nextRunAt && now.nextRunAt > sub.nextRunAt! ? now : undefined;
    });
    expect(advanced.nextRunAt?.toISOString()).toBe('2025-12-29T09:00:00.000Z');
    // Give both schedulers a few more polls: nothing else is posted for the period.
    await new Promise((resolve) => setTimeout(resolve, 600));
    await Promise.all([a.service.deps.agenda.stop(), b.service.deps.agenda.stop()]);
    a.service.app.readiness.agendaRunning = false;
    b.service.app.readiness.agendaRunning = false;
    expect(a.slack.messagesIn(CHANNEL)).toHaveLength(2);
    expect(await collections.digestPosts.countDocuments({ subscription: id })).toBe(2);
    // The job rescheduled itself to the subscription's next local run (the schedule of record).
    const jobs = await a.service.deps.agenda.queryJobs({ name: 'digest' });
    const job = jobs.jobs.filter((j) => (j.data as { subscriptionId: string }).subscriptionId === id);
    expect(job).toHaveLength(1);
    expect(job[0]?.nextRunAt?.toISOString()).toBe('2025-12-29T09:00:00.000Z');
  });
});
