import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../blocks/limits.ts';
import { closeIdleSessions } from '../../jobs/close-idle-sessions.ts';
import { promptOnSessionsClosed, runPromptDue } from '../../jobs/prompt-due.ts';
import { ACTIONS } from '../../src/ids.ts';
import { eventually, useTestApp } from '../support/harness.ts';
import {
  ALICE,
  BOB,
  blockIds,
  CAROL,
  callsReach,
  clickElement,
  DAVE,
  dmsTo,
  findElement,
  homeQueue,
  messageAt,
  openHome,
  resetData,
  seedClosedSessions,
  sessionById,
  spendByClass,
  TestClock,
  USERS,
} from './classification-support.ts';

// Monday 13 January 2025. Berlin is UTC+1 (slot 15:30 UTC), New York UTC-5 (slot 21:30 UTC).
const clock = new TestClock(new Date('2025-01-13T06:00:00Z'));
const app = await useTestApp({ users: USERS, service: { now: clock.now, startJobs: false } });
const deps = app.service.deps;
const c = deps.collections;

async function runAt(iso: string) {
  clock.set(iso);
  return runPromptDue(deps);
}

beforeEach(async () => {
  await resetData(app);
  clock.set('2025-01-13T06:00:00Z');
});

describe('classify prompt DMs', () => {
  it('sends one prompt per engineer per day across many closed sessions', async () => {
    const morning = await seedClosedSessions(
      c,
      Array.from({ length: 12 }, (_, i) => ({
        userId: ALICE,
        startedAt: `2025-01-13T${String(7 + (i % 7)).padStart(2, '0')}:${String(i * 4).padStart(2, '0')}:00Z`,
        costUsd: 2 + i,
        repo: 'acme/api',
        branch: `feature/ENG-${100 + i}`,
      })),
    );
    for (const t of ['08:00', '12:00', '15:00', '15:29']) await runAt(`2025-01-13T${t}:00Z`);
    expect(dmsTo(app, ALICE)).toHaveLength(0);

    await runAt('2025-01-13T15:31:00Z');
    const [dm] = dmsTo(app, ALICE);
    expect(dmsTo(app, ALICE)).toHaveLength(1);
    for (const id of morning) expect(blockIds(dm!.blocks)).toContain(`session:${id.toHexString()}`);
    const first = await sessionById(c, morning[0]!);
    expect(first.prompt).toMatchObject({ channel: dm!.channel, messageTs: dm!.ts });
    expect(first.prompt?.firstSentAt).toEqual(new Date('2025-01-13T15:31:00Z'));

    // Sessions closing later that day, runs all evening, and two instances at once: still one DM.
    const evening = await seedClosedSessions(c, [
      { userId: ALICE, startedAt: '2025-01-13T16:00:00Z', costUsd: 4 },
      { userId: ALICE, startedAt: '2025-01-13T17:00:00Z', costUsd: 5 },
    ]);
    await promptOnSessionsClosed(deps, [{ slackUserId: ALICE }]);
    for (const t of ['15:36', '16:30', '20:00']) await runAt(`2025-01-13T${t}:00Z`);
    clock.set('2025-01-13T22:58:00Z');
    await Promise.all([runPromptDue(deps), runPromptDue(deps)]);
    expect(dmsTo(app, ALICE)).toHaveLength(1);

    // Overnight nothing; Tuesday's slot carries the evening sessions only.
    await runAt('2025-01-14T06:00:00Z');
    expect(dmsTo(app, ALICE)).toHaveLength(1);
    await runAt('2025-01-14T15:31:00Z');
    const dms = dmsTo(app, ALICE);
    expect(dms).toHaveLength(2);
    const second = blockIds(dms[1]!.blocks).filter((id) => id.startsWith('session:'));
    expect(second.sort()).toEqual(evening.map((id) => `session:${id.toHexString()}`).sort());

    const posts = await c.promptPosts.find({ slackUserId: ALICE }).sort({ day: 1 }).toArray();
    expect(posts.map((p) => [p.day, p.seq, p.sessionIds.length])).toEqual([
      ['2025-01-13', 1, 12],
      ['2025-01-14', 1, 2],
    ]);
  });

  it('places each DM at 16:30 in the engineer’s own timezone (users.info once, cached)', async () => {
    await seedClosedSessions(c, [
      { userId: ALICE, startedAt: '2025-01-13T08:00:00Z', costUsd: 3 },
      { userId: BOB, startedAt: '2025-01-13T08:00:00Z', costUsd: 3 },
    ]);
    await runAt('2025-01-13T15:31:00Z');
    expect(dmsTo(app, ALICE)).toHaveLength(1);
    expect(dmsTo(app, BOB)).toHaveLength(0);
    await runAt('2025-01-13T21:29:00Z');
    expect(dmsTo(app, BOB)).toHaveLength(0);
    await runAt('2025-01-13T21:31:00Z');
    expect(dmsTo(app, BOB)).toHaveLength(1);

    const info = app.slack.callsTo('users.info').map((call) => call.args.user);
    expect(info.filter((u) => u === ALICE)).toHaveLength(1);
    expect(info.filter((u) => u === BOB)).toHaveLength(1);
    expect(await c.people.findOne({ slackUserId: BOB })).toMatchObject({ tz: 'America/New_York' });
  });

  it('sends one gentle reminder for sessions still unanswered, then stays silent', async () => {
    const ids = await seedClosedSessions(c, [
      { userId: CAROL, startedAt: '2025-01-13T09:00:00Z', costUsd: 6 },
      { userId: CAROL, startedAt: '2025-01-13T10:00:00Z', costUsd: 7 },
    ]);
    await runAt('2025-01-13T16:31:00Z');
    expect(dmsTo(app, CAROL)).toHaveLength(1);
    await runAt('2025-01-14T16:31:00Z'); // 24 h: too early
    expect(dmsTo(app, CAROL)).toHaveLength(1);

    await runAt('2025-01-15T16:31:00Z'); // 48 h after the prompt, at the slot
    const dms = dmsTo(app, CAROL);
    expect(dms).toHaveLength(2);
    expect(JSON.stringify(dms[1]!.blocks)).toContain('gentle reminder');
    expect(JSON.stringify(dms[1]!.blocks)).toContain('only reminder');
    for (const id of ids) {
      expect((await sessionById(c, id)).prompt?.reminderSentAt).toEqual(new Date('2025-01-15T16:31:00Z'));
    }

    for (const day of ['16', '17', '20', '22', '27', '29']) await runAt(`2025-01-${day}T16:31:00Z`);
    expect(dmsTo(app, CAROL)).toHaveLength(2);
    // …and they are still waiting in App Home.
    await openHome(app, CAROL);
    await callsReach(app, 'views.publish', 1);
    expect(homeQueue(app.slack.lastViewFor(CAROL)?.view).sort()).toEqual(
      ids.map((id) => id.toHexString()).sort(),
    );
  });

  it('immediate mode DMs as sessions close, within the daily cap; leftovers go at the next slot', async () => {
    await app.command('prefs immediate', DAVE);
    await eventually(async () => (await c.people.findOne({ slackUserId: DAVE }))?.promptMode === 'immediate');
    const closeAt = async (iso: string) => {
      clock.set(iso);
      await closeIdleSessions(deps, [promptOnSessionsClosed]);
    };
    for (const hour of ['08', '09', '10', '11']) {
      await seedClosedSessions(c, [
        { userId: DAVE, startedAt: `2025-01-13T${hour}:00:00Z`, costUsd: 3, open: true },
      ]);
      await closeAt(`2025-01-13T${hour}:55:00Z`);
    }
    // Cap 3: the fourth session waits.
    expect(dmsTo(app, DAVE)).toHaveLength(3);
    await runAt('2025-01-13T16:31:00Z');
    await runAt('2025-01-14T00:05:00Z');
    expect(dmsTo(app, DAVE)).toHaveLength(3);
    await runAt('2025-01-14T16:31:00Z');
    expect(dmsTo(app, DAVE)).toHaveLength(4);
    const posts = await c.promptPosts.find({ slackUserId: DAVE }).toArray();
    expect(posts.map((p) => `${p.day}#${p.seq}`).sort()).toEqual([
      '2025-01-13#1',
      '2025-01-13#2',
      '2025-01-13#3',
      '2025-01-14#1',
    ]);
  });

  it('weekly waits for Friday; off never DMs (and never looks the person up)', async () => {
    await app.command('prefs weekly', CAROL);
    await app.command('prefs off', BOB);
    await eventually(
      async () => (await c.people.countDocuments({ promptMode: { $in: ['weekly', 'off'] } })) === 2,
    );
    await eventually(() => app.slack.responses.length === 2);
    const lookupsBefore = app.slack.callsTo('users.info').filter((call) => call.args.user === BOB).length;
    await seedClosedSessions(c, [
      { userId: CAROL, startedAt: '2025-01-13T09:00:00Z', costUsd: 3 },
      { userId: BOB, startedAt: '2025-01-13T09:00:00Z', costUsd: 3 },
    ]);
    for (const day of ['13', '14', '15', '16']) {
      await runAt(`2025-01-${day}T16:31:00Z`);
      await runAt(`2025-01-${day}T21:31:00Z`);
    }
    expect(dmsTo(app, CAROL)).toHaveLength(0);
    await runAt('2025-01-17T16:31:00Z');
    expect(dmsTo(app, CAROL)).toHaveLength(1);
    await runAt('2025-01-24T21:31:00Z');
    expect(dmsTo(app, BOB)).toHaveLength(0);
    expect(app.slack.callsTo('users.info').filter((call) => call.args.user === BOB)).toHaveLength(
      lookupsBefore,
    );
  });

  it('retries a DM whose chat.postMessage failed, without losing or doubling it', async () => {
    const [id] = await seedClosedSessions(c, [
      { userId: ALICE, startedAt: '2025-01-13T08:00:00Z', costUsd: 3 },
    ]);
    app.slack.failNext('chat.postMessage', { kind: 'error', error: 'fatal_error' });
    await runAt('2025-01-13T15:31:00Z');
    expect(dmsTo(app, ALICE)).toHaveLength(0);
    const failed = await c.promptPosts.findOne({ slackUserId: ALICE });
    expect(failed).toMatchObject({ lastError: 'fatal_error', attempts: 1 });
    expect(failed?.postedAt).toBeUndefined();

    await runAt('2025-01-13T15:32:00Z'); // still backing off
    expect(dmsTo(app, ALICE)).toHaveLength(0);
    await runAt('2025-01-13T15:34:00Z');
    expect(dmsTo(app, ALICE)).toHaveLength(1);
    const posted = await c.promptPosts.findOne({ slackUserId: ALICE });
    expect(posted).toMatchObject({ attempts: 2, messageTs: dmsTo(app, ALICE)[0]!.ts });
    expect((await sessionById(c, id!)).prompt?.messageTs).toBe(dmsTo(app, ALICE)[0]!.ts);
    await runAt('2025-01-13T18:00:00Z');
    expect(dmsTo(app, ALICE)).toHaveLength(1);
  });

  it('keeps 200 sessions inside Block Kit limits: DM, paging, App Home and bulk', async () => {
    const seeds = Array.from({ length: 200 }, (_, i) => ({
      userId: CAROL,
      startedAt: new Date(Date.parse('2025-01-13T00:10:00Z') + i * 4 * 60_000).toISOString(),
      minutes: 3,
      // Every fourth one is below the $0.50 floor and grouped.
      costUsd: i % 4 === 0 ? 0.1 : 1 + (i % 37),
      repo: `acme/service-${i % 7}`,
      branch: `feature/very-long-branch-name-for-session-${i}-${'x'.repeat(40)}`,
    }));
    const ids = await seedClosedSessions(c, seeds);
    await runAt('2025-01-13T16:31:00Z');
    const [dm] = dmsTo(app, CAROL);
    expect(dm).toBeDefined();
    expect(dm!.blocks!.length).toBeLessThanOrEqual(LIMITS.blocks.message);
    expect(blockIds(dm!.blocks)).toContain('small_group');
    expect(blockIds(dm!.blocks)).toContain('paging');

    // Next page: the fake Slack API validates the update with the same limits.
    await clickElement(app, dm!, CAROL, ACTIONS.pageNext);
    await callsReach(app, 'chat.update', 1);
    const paged = messageAt(app, dm!.channel, dm!.ts);
    expect(paged.updatedAt).toBeDefined();
    expect(paged.blocks!.length).toBeLessThanOrEqual(LIMITS.blocks.message);
    expect(JSON.stringify(paged.blocks)).toContain('Showing 16');

    await openHome(app, CAROL);
    await callsReach(app, 'views.publish', 1);
    const home = app.slack.lastViewFor(CAROL)!.view;
    expect((home.blocks as unknown[]).length).toBeLessThanOrEqual(LIMITS.blocks.home);
    expect(JSON.stringify(home.blocks)).toContain('200 unclassified sessions');

    // Classify all remaining (the select in the DM) records all 200 and moves all spend.
    const bulk = findElement(paged.blocks, ACTIONS.bulkClassify);
    const option = (bulk.element.options as { value: string }[])[1]!;
    await clickElement(app, paged, CAROL, ACTIONS.bulkClassify, undefined, { selectedOption: option });
    await eventually(
      async () => (await c.sessions.countDocuments({ classification: { $exists: true } })) === 200,
      {
        message: 'all 200 classified',
      },
    );
    // Spend moves in rollups right after each session's classification write: wait for the last move.
    await eventually(async () => (await spendByClass(c, CAROL)).unclassified === 0, {
      message: 'all spend moved out of unclassified',
    });
    const spend = await spendByClass(c, CAROL);
    expect(spend.unclassified).toBe(0);
    expect(spend.exploratory).toBeCloseTo(
      seeds.reduce((sum, s) => sum + s.costUsd, 0),
      2,
    );
    await callsReach(app, 'views.publish', 2);
    expect(homeQueue(app.slack.lastViewFor(CAROL)?.view)).toEqual([]);
    expect((await sessionById(c, ids[0]!)).classification).toMatchObject({
      class: 'exploratory',
      by: 'self',
    });
  });
});

describe('auto-accept after N days (AUTO_ACCEPT_AFTER_DAYS)', async () => {
  const autoClock = new TestClock(new Date('2025-01-13T06:00:00Z'));
  const autoApp = await useTestApp({
    users: USERS,
    env: { AUTO_ACCEPT_AFTER_DAYS: '3' },
    service: { now: autoClock.now, startJobs: false },
  });
  const ac = autoApp.service.deps.collections;

  it('records only strong suggestions, by auto, and never over a person’s answer', async () => {
    const [withCommit, spike, weak, answered] = await seedClosedSessions(ac, [
      { userId: CAROL, startedAt: '2025-01-13T08:00:00Z', costUsd: 4, commit: 'abc1234' },
      { userId: CAROL, startedAt: '2025-01-13T09:00:00Z', costUsd: 5, branch: 'spike/new-cache' },
      { userId: CAROL, startedAt: '2025-01-13T10:00:00Z', costUsd: 6 },
      { userId: CAROL, startedAt: '2025-01-13T11:00:00Z', costUsd: 7, commit: 'def5678' },
    ]);
    autoClock.set('2025-01-13T16:31:00Z');
    await runPromptDue(autoApp.service.deps);
    expect(dmsTo(autoApp, CAROL)).toHaveLength(1);
    const dm = dmsTo(autoApp, CAROL)[0]!;
    await clickElement(autoApp, dm, CAROL, ACTIONS.classifyWasteful, answered!.toHexString());
    await eventually(async () => (await sessionById(ac, answered!)).classification?.class === 'wasteful');

    autoClock.set('2025-01-15T16:31:00Z');
    await runPromptDue(autoApp.service.deps);
    expect((await sessionById(ac, withCommit!)).classification).toBeUndefined();

    autoClock.set('2025-01-16T16:31:00Z');
    await runPromptDue(autoApp.service.deps);
    expect((await sessionById(ac, withCommit!)).classification).toMatchObject({
      class: 'productive',
      by: 'auto',
      userId: CAROL,
      note: expect.stringContaining('commit'),
    });
    expect((await sessionById(ac, spike!)).classification).toMatchObject({
      class: 'exploratory',
      by: 'auto',
    });
    expect((await sessionById(ac, weak!)).classification).toBeUndefined();
    expect((await sessionById(ac, answered!)).classification).toMatchObject({
      class: 'wasteful',
      by: 'self',
    });
    expect(await spendByClass(ac, CAROL)).toMatchObject({
      productive: 4,
      exploratory: 5,
      wasteful: 7,
      unclassified: 6,
    });
  });
});
