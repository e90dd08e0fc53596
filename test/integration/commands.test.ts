import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually, useTestApp } from '../support/harness.ts';
import {
  ALICE,
  ask,
  askText,
  BOB,
  CAROL,
  DAVE,
  ERIN,
  FRANK,
  flatten,
  GINA,
  HANK,
  mention,
  seedDaily,
  seedSession,
  seedTeam,
  USERS,
} from './commands-support.ts';

const NOW = new Date('2025-12-12T12:00:00Z');

describe('/ai-roi for managers: teams, roles, budgets, forecasts, summaries, mapping, export', async () => {
  const app = await useTestApp({
    users: USERS,
    channels: [
      { id: 'CLEADERS01', name: 'leadership', botIsMember: true },
      { id: 'CNOBOT0001', name: 'random', botIsMember: false },
    ],
    service: { now: () => NOW, startJobs: false },
  });
  const { collections } = app.service.deps;
  let bobDec2 = '';
  let bobDec3 = '';
  let bobNov3 = '';

  beforeAll(async () => {
    await seedTeam(collections, { name: 'Payments', members: [BOB, GINA, HANK], managers: [ALICE] });
    await seedTeam(collections, { name: 'Platform', members: [DAVE], managers: [ERIN] });
    const bob = { email: 'bob@example.com', slackUserId: BOB, team: 'Payments' };
    const nov = await seedDaily(collections, { ...bob, from: '2025-11-01', days: 30, costUsd: 10 });
    const dec = await seedDaily(collections, { ...bob, from: '2025-12-01', days: 12, costUsd: 20 });
    bobNov3 = nov[2]!;
    bobDec2 = dec[1]!;
    bobDec3 = dec[2]!;
    await seedDaily(collections, {
      email: 'gina@example.com',
      slackUserId: GINA,
      team: 'Payments',
      from: '2025-12-01',
      days: 11,
      costUsd: 5,
    });
    await seedDaily(collections, {
      email: 'dave@example.com',
      slackUserId: DAVE,
      team: 'Platform',
      from: '2025-12-01',
      days: 11,
      costUsd: 7,
    });
    await seedSession(collections, {
      email: 'ghost@example.com',
      calls: [
        { at: '2025-12-03T09:00:00Z', costUsd: 50 },
        { at: '2025-12-04T09:00:00Z', costUsd: 25 },
      ],
      repo: 'acme/=cmd|evil',
      branch: 'spike, "quoted"',
    });
    // Outcomes: an issue completed in December from bob's Dec 2 session, a PR merged in November from Nov 3.
    const issue = await collections.outcomes.insertOne({
      kind: 'linear_issue',
      ref: 'ENG-1',
      state: 'completed',
      completedAt: new Date('2025-12-05T15:00:00Z'),
      sessionIds: [bobDec2],
      createdAt: NOW,
      updatedAt: NOW,
      details: {},
    });
    const pr = await collections.outcomes.insertOne({
      kind: 'pr',
      ref: 'acme/payments#7',
      state: 'merged',
      completedAt: new Date('2025-11-05T15:00:00Z'),
      sessionIds: [bobNov3],
      createdAt: NOW,
      updatedAt: NOW,
      details: {},
    });
    await collections.sessions.updateOne(
      { _id: new ObjectId(bobDec2) },
      {
        $set: {
          outcomeIds: [issue.insertedId.toHexString()],
          links: [{ identifier: 'ENG-1', evidence: 'branch', confirmed: true, at: NOW }],
        },
      },
    );
    await collections.sessions.updateOne(
      { _id: new ObjectId(bobNov3) },
      { $set: { outcomeIds: [pr.insertedId.toHexString()] } },
    );
    // Bob's December sessions are closed (the classify queue lists closed, unanswered sessions).
    await collections.sessions.updateMany(
      { slackUserId: BOB, startedAt: { $gte: new Date('2025-12-01T00:00:00Z') } },
      { $set: { closedAt: new Date('2025-12-12T11:00:00Z') } },
    );
  });

  describe('malformed input is answered precisely and ephemerally', () => {
    it.each([
      ['budget team Payments set $-5', /negative; a budget must be more than \$0/],
      ['budget team Payments set 1e9', /plain digits.*exponents such as 1e9 are not accepted/],
      ['budget team Payments set abc', /`abc` is not an amount; write it like \$2,000/],
      ['budget team Payments show now', /unexpected `now` after `show`/],
      ['forecast team Payments extra', /unexpected `extra`; forecast only takes `team NAME`/],
      ['team add @nobody Payments', /did not arrive as a Slack mention/],
      ['summary yesterday', /`yesterday` is not a subject or period/],
      ['reclassify xyz productive', /6 to 24 hex characters/],
      ['export 2025-13', /not a period; use `month` or YYYY-MM/],
    ])('%s', async (text, expected) => {
      const answer = await askText(app, text, ALICE);
      expect(answer).toMatch(expected);
      expect(answer).toMatch(/Usage: `\/ai-roi/);
    });

    it('unknown teams get the closest name', async () => {
      expect(await askText(app, 'budget team Paymnts show', ALICE)).toMatch(
        /There is no team called \*Paymnts\*\. Did you mean \*Payments\*\?/,
      );
      expect(await askText(app, 'forecast team Nope', BOB)).toMatch(
        /There is no team called \*Nope\*\. Teams: Payments, Platform\./,
      );
    });

    it('unknown users are named', async () => {
      const answer = await askText(app, 'team add <@UNOBODY01|ghost> Payments', ALICE);
      expect(answer).toMatch(/Nobody was added: I can't find <@UNOBODY01> in this workspace/);
      expect((await collections.teams.findOne({ name: 'Payments' }))?.members).not.toContain('UNOBODY01');
    });
  });

  describe('team', () => {
    it('lists teams with members, managers and budgets for everyone', async () => {
      const answer = await askText(app, 'team list', FRANK);
      expect(answer).toContain(
        `*Payments* (3 members): <@${BOB}>, <@${GINA}>, <@${HANK}> · managers <@${ALICE}> · no budget`,
      );
      expect(answer).toContain(`*Platform* (1 member): <@${DAVE}> · managers <@${ERIN}>`);
    });

    it('create: refused for engineers; admins and managers create, the creator manages it', async () => {
      expect(await askText(app, 'team create Mobile', BOB)).toMatch(
        /Only team managers and workspace admins can create teams\. You do not manage a team/,
      );
      expect(await collections.teams.findOne({ name: 'Mobile' })).toBeNull();
      expect(await askText(app, 'team create Mobile', CAROL)).toMatch(/Created \*Mobile\*; you manage it/);
      expect(await collections.teams.findOne({ name: 'Mobile' })).toMatchObject({
        managers: [CAROL],
        members: [],
      });
      expect(await askText(app, 'team create mobile', ERIN)).toMatch(
        /\*Mobile\* already exists \(managed by <@UCAROL0001>\); nothing was changed/,
      );
      const audit = await collections.audit.findOne({ action: 'team.create', target: 'team:Mobile' });
      expect(audit).toMatchObject({ actor: CAROL, after: { name: 'Mobile', managers: [CAROL] } });
    });

    it('add: managers add to their teams; moving someone out of a team needs that team too; admins can', async () => {
      expect(await askText(app, `team add ${mention(FRANK)} Platform`, ALICE)).toMatch(
        /Only managers of Platform and workspace admins can change the members of Platform\. You manage Payments\./,
      );
      expect(await askText(app, `team add ${mention(DAVE)} Mobile`, CAROL)).toMatch(
        /Added <@UDAVE00001> to \*Mobile\*\. Moved from their previous team: <@UDAVE00001> \(Platform\)/,
      );
      expect((await collections.teams.findOne({ name: 'Platform' }))?.members).toEqual([]);
      expect((await collections.teams.findOne({ name: 'Mobile' }))?.members).toEqual([DAVE]);
      // Erin manages Platform, not Mobile: she cannot pull Dave back.
      expect(await askText(app, `team add ${mention(DAVE)} Platform`, ERIN)).toMatch(
        /Nobody was added: <@UDAVE00001> is in Mobile, and a person belongs to one team only/,
      );
      // Carol (admin) moves him back, so later tests see Dave in Platform.
      expect(await askText(app, `team add ${mention(DAVE)} Platform`, CAROL)).toMatch(
        /Added <@UDAVE00001> to \*Platform\*/,
      );
      expect(await askText(app, `team add ${mention(FRANK)} ${mention(GINA)} Mobile`, CAROL)).toMatch(
        /Added <@UFRANK0001>, <@UGINA00001> to \*Mobile\*\. Moved from their previous team: <@UGINA00001> \(Payments\)\./,
      );
      expect(await askText(app, `team add ${mention(GINA)} Payments`, ALICE)).toMatch(
        /Nobody was added: <@UGINA00001> is in Mobile/,
      );
      expect(await askText(app, `team add ${mention(GINA)} Payments`, CAROL)).toMatch(
        /Added <@UGINA00001> to \*Payments\*/,
      );
      const audit = await collections.audit.find({ action: 'team.add', target: 'team:Mobile' }).toArray();
      expect(audit.at(-1)).toMatchObject({
        actor: CAROL,
        before: { members: [] },
        after: { members: [FRANK, GINA] },
      });
    });

    it('remove: says who was not in the team and keeps past spend where it was', async () => {
      const answer = await askText(app, `team remove ${mention(FRANK)} ${mention(BOB)} Mobile`, CAROL);
      expect(answer).toBe(
        `Removed <@${FRANK}> from *Mobile*. <@${BOB}> was not in it. Their new sessions count for no team until they join one; spend already recorded stays with Mobile.`,
      );
      expect(await askText(app, `team remove ${mention(BOB)} Mobile`, CAROL)).toMatch(
        /Nobody was removed: <@UBOB000001> is not in \*Mobile\*/,
      );
      expect(await askText(app, `team remove ${mention(BOB)} Payments`, BOB)).toMatch(
        /Only managers of Payments/,
      );
    });

    it('sync: membership follows a Slack user group; unknown groups are named', async () => {
      app.slack.usergroups.set('SMOBILE001', [FRANK, ERIN]);
      const answer = await askText(app, 'team sync Mobile <!subteam^SMOBILE001|@mobile>', CAROL);
      expect(answer).toMatch(
        /^Synced \*Mobile\* with <!subteam\^SMOBILE001>: added <@UFRANK0001>, <@UERIN00001>; nobody to remove\./,
      );
      expect(await collections.teams.findOne({ name: 'Mobile' })).toMatchObject({
        members: [FRANK, ERIN],
        slackUsergroupId: 'SMOBILE001',
      });
      expect(await askText(app, 'team sync Mobile <!subteam^SNOPE00001|@nope>', CAROL)).toMatch(
        /Nothing was synced: that user group does not exist/,
      );
      app.slack.usergroups.set('SMOBILE001', [ERIN]);
      expect(await askText(app, 'team sync Mobile <!subteam^SMOBILE001|@mobile>', CAROL)).toMatch(
        /: nobody to add; removed <@UFRANK0001>\./,
      );
      await askText(app, `team remove ${mention(ERIN)} Mobile`, CAROL);
    });
  });

  describe('budget', () => {
    it('show: members see it, with no budget yet', async () => {
      const [answer] = await ask(app, 'budget', BOB);
      expect(answer!.response_type).toBe('ephemeral');
      expect(answer!.text).toBe('No budget set for Payments; $295 spent this month.');
    });

    it('set/split/alerts: refused for engineers and other teams’ managers, with the reason', async () => {
      expect(await askText(app, 'budget team Payments set $1,000', BOB)).toBe(
        'Only managers of Payments and workspace admins can change the budget of Payments. You do not manage a team. Ask a manager of Payments or a workspace admin.',
      );
      expect(await askText(app, 'budget team Payments set $1,000', ERIN)).toMatch(
        /Only managers of Payments .* You manage Platform\./,
      );
      expect(await askText(app, 'budget team Payments split 60/30/10', ALICE)).toMatch(
        /Payments has no budget yet, so there is nothing to split\. Set an amount first/,
      );
      expect(await askText(app, 'budget team Platform show', BOB)).toMatch(
        /visible to its members and managers and to admins/,
      );
      expect((await collections.teams.findOne({ name: 'Payments' }))?.budget).toBeUndefined();
    });

    it('set: a manager sets it; alerts default to 50/80/100 in this channel; the change is audited', async () => {
      const answer = await askText(app, 'budget team Payments set $1,000 monthly', ALICE);
      expect(answer).toBe(
        "Budget of *Payments* is now $1,000 monthly.\nAlerts at 50%, 80%, 100% of the monthly budget post in <#CLEADERS01> and DM the team's managers, once per threshold per period.",
      );
      const team = await collections.teams.findOne({ name: 'Payments' });
      expect(team).toMatchObject({
        budget: { amountUsd: 1000, period: 'monthly', alertThresholds: [50, 80, 100] },
        alertChannel: 'CLEADERS01',
      });
      const audit = await collections.audit.findOne({ action: 'budget.set', target: 'team:Payments' });
      expect(audit).toMatchObject({
        actor: ALICE,
        before: { budget: null, alertChannel: null },
        after: { budget: { amountUsd: 1000, period: 'monthly' }, alertChannel: 'CLEADERS01' },
      });
    });

    it('split and alerts change only their part, and the alert channel follows `alerts`', async () => {
      expect(await askText(app, 'budget split productive=60 exploratory=30 wasteful=10', ALICE)).toBe(
        "Split of *Payments*'s budget is now productive 60% / exploratory 30% / wasteful 10% (was none).\nAlerts at 50%, 80%, 100% of the monthly budget post in <#CLEADERS01> and DM the team's managers, once per threshold per period.",
      );
      expect(await askText(app, 'budget team payments alerts 50,90', CAROL)).toMatch(
        /^Alerts for \*Payments\* are now at 50%, 90% \(were 50%, 80%, 100%\)\./,
      );
      expect(await askText(app, 'budget team Payments alerts 50,80,100', ALICE)).toMatch(
        /now at 50%, 80%, 100% \(were 50%, 90%\)/,
      );
      const noBot = await app.command('budget team Payments alerts 60,80,100', ALICE, {
        channel_id: 'CNOBOT0001',
      });
      expect(noBot.status).toBe(200);
      const warned = await eventually(() =>
        app.slack.responses.find((r) => String(r.body.text).includes('I am not in <#CNOBOT0001>')),
      );
      expect(warned.body.text).toMatch(
        /post in <#CNOBOT0001>.*\n:warning: I am not in <#CNOBOT0001>: invite me/s,
      );
      expect((await collections.teams.findOne({ name: 'Payments' }))?.alertChannel).toBe('CNOBOT0001');
      await askText(app, 'budget team Payments alerts 50,80,100', ALICE);
      expect(await collections.teams.findOne({ name: 'Payments' })).toMatchObject({
        budget: {
          amountUsd: 1000,
          period: 'monthly',
          split: { productive: 60, exploratory: 30, wasteful: 10 },
          alertThresholds: [50, 80, 100],
        },
        alertChannel: 'CLEADERS01',
      });
      expect(
        await collections.audit.countDocuments({
          target: 'team:Payments',
          action: { $in: ['budget.split', 'budget.alerts'] },
        }),
      ).toBe(5);
    });

    it('show: spend against the budget, the split against the actual mix, and how to change it for managers', async () => {
      const [answer] = await ask(app, 'budget team Payments', ALICE);
      const text = flatten(answer!);
      expect(answer!.text).toBe('Payments: $295 of $1,000 (30%) this month.');
      expect(text).toContain('Productive 60% (now 0%)');
      expect(text).toContain('Alerts at*\n50%, 80%, 100%');
      expect(text).toContain('Change it: `/ai-roi budget team Payments set $2,000 monthly`');
      const member = flatten((await ask(app, 'budget', BOB))[0]!);
      expect(member).not.toContain('Change it');
    });
  });

  describe('forecast', () => {
    it('month to date, burn rate, projection and run-out for the caller’s team', async () => {
      const [answer] = await ask(app, 'forecast', BOB);
      expect(answer!.response_type).toBe('ephemeral');
      // Payments: $295 so far; the rate is the mean of the 14 complete days before today (Nov 28-30 at $10,
      // Dec 1-11 at $25) = $21.79/day, times the 19.5 days left: $295 + $425 = $720.
      expect(answer!.text).toBe(
        'Team Payments, December 2025: $295 spent, $720 projected. At this rate spend stays within budget.',
      );
      expect(flatten(answer!)).toMatch(/Confidence high/);
    });

    it('someone in no team gets the organisation; other teams are refused', async () => {
      const [org] = await ask(app, 'forecast', FRANK);
      expect(org!.text).toMatch(/^Whole organisation, December 2025: \$447 spent/);
      expect(await askText(app, 'forecast team Payments', DAVE)).toBe(
        'The forecast of Payments is for its members and managers and for admins.',
      );
      expect((await ask(app, 'forecast team Payments', CAROL))[0]!.text).toMatch(/^Team Payments/);
    });
  });

  describe('summary', () => {
    it('me: spend, mix with coverage, outcomes and cost per outcome vs the same days of last month', async () => {
      const [answer] = await ask(app, 'summary month', BOB);
      expect(answer!.response_type).toBe('ephemeral');
      const text = flatten(answer!);
      expect(answer!.text).toBe('Your sessions, December 2025: $240 of AI spend, 0% classified, 1 outcome.');
      expect(text).toContain('*Spend*\n$240 (up 100% vs Nov 1–12)');
      expect(text).toContain('1 issue completed · 0 PRs merged');
      expect(text).toContain('*Cost per outcome*\n$20');
      expect(text).toContain('12 sessions');
    });

    it('a past month compares with the whole month before', async () => {
      const [answer] = await ask(app, 'summary 2025-11', BOB);
      const text = flatten(answer!);
      expect(answer!.text).toBe('Your sessions, November 2025: $300 of AI spend, 0% classified, 1 outcome.');
      expect(text).toContain('$300 (new vs October)');
      expect(text).toContain('0 issues completed · 1 PR merged');
    });

    it('@user: managers of their team and admins; nobody else', async () => {
      expect((await ask(app, `summary ${mention(BOB)} month`, ALICE))[0]!.text).toBe(
        'Sessions of bob, December 2025: $240 of AI spend, 0% classified, 1 outcome.',
      );
      expect((await ask(app, `summary ${mention(BOB)} month`, CAROL))[0]!.text).toMatch(/^Sessions of bob/);
      expect(await askText(app, `summary ${mention(BOB)}`, DAVE)).toMatch(
        /You can see your own numbers, and managers can see the people in their teams\. <@UBOB000001> is not in a team you manage/,
      );
      expect(await askText(app, `summary ${mention(BOB)}`, ERIN)).toMatch(/not in a team you manage/);
      expect(await askText(app, 'summary <@UNOBODY01|x>', ALICE)).toMatch(/I can't find <@UNOBODY01>/);
    });

    it('team and org aggregates; team summaries only for the team and admins', async () => {
      expect((await ask(app, 'summary team Payments month', GINA))[0]!.text).toBe(
        'Team Payments, December 2025: $295 of AI spend, 0% classified, 1 outcome.',
      );
      expect(await askText(app, 'summary team Payments', DAVE)).toMatch(
        /Team summaries are for members and managers of Payments/,
      );
      expect((await ask(app, 'summary org month', DAVE))[0]!.text).toBe(
        'Whole organisation, December 2025: $447 of AI spend, 0% classified, 1 outcome.',
      );
    });

    it('share posts team and org aggregates in the channel for managers; never individuals or tiny teams', async () => {
      const [shared] = await ask(app, 'summary team Payments month share', ALICE);
      expect(shared!.response_type).toBe('in_channel');
      expect(shared!.text).toMatch(/^Team Payments, December 2025/);

      const [refused, privately] = await ask(app, 'summary me share', BOB, 2);
      expect(refused).toMatchObject({ response_type: 'ephemeral' });
      expect(refused!.text).toBe(
        'Not shared: Summaries of one person are never posted in a channel. Here it is just for you.',
      );
      expect(privately!.response_type).toBe('ephemeral');

      const [tiny] = await ask(app, 'summary team Platform share', ERIN, 2);
      expect(tiny!.text).toMatch(
        /Not shared: Platform has 1 member; teams under 3 are not posted in channels/,
      );

      const [engineer] = await ask(app, 'summary org share', BOB, 2);
      expect(engineer!.text).toMatch(
        /Not shared: Only team managers and workspace admins can share the organisation summary/,
      );
      expect((await ask(app, 'summary org share', CAROL))[0]!.response_type).toBe('in_channel');
    });
  });

  describe('unmapped and map', () => {
    it('unmapped: managers see identities with spend and no person, with the command to fix each', async () => {
      expect(await askText(app, 'unmapped', BOB)).toMatch(
        /Only team managers and workspace admins can list unmapped identities/,
      );
      const answer = await askText(app, 'unmapped', ALICE);
      expect(answer).toBe(
        '1 identity with $75 of spend and no Slack user (all time, biggest first). Their spend counts as "unmapped" until mapped:\n• `ghost@example.com` — $75, last seen Dec 4 → `/ai-roi map @user ghost@example.com`',
      );
    });

    it('map: refused for engineers and for people outside the teams you manage', async () => {
      expect(await askText(app, `map ${mention(BOB)} ghost@example.com`, BOB)).toMatch(
        /Only team managers and workspace admins can map/,
      );
      expect(await askText(app, `map ${mention(DAVE)} ghost@example.com`, ALICE)).toMatch(
        /You can map identities for the people in the teams you manage \(Payments\); <@UDAVE00001> is not in one of them/,
      );
      expect(await askText(app, 'map <@UNOBODY01|x> ghost@example.com', ALICE)).toMatch(
        /I can't find <@UNOBODY01>/,
      );
    });

    it('map: links the email and moves its earlier sessions and rollup spend to the person, once', async () => {
      const answer = await askText(
        app,
        `map ${mention(HANK)} <mailto:ghost@example.com|ghost@example.com>`,
        ALICE,
      );
      expect(answer).toBe(
        `Mapped ghost@example.com to <@${HANK}>. Moved 1 earlier session ($75) to them, counted for Payments. New sessions from that email are theirs from now on.`,
      );
      expect(await collections.identities.findOne({ identityKey: 'email:ghost@example.com' })).toMatchObject({
        slackUserId: HANK,
        status: 'manual',
      });
      expect(await collections.sessions.findOne({ identityKey: 'email:ghost@example.com' })).toMatchObject({
        slackUserId: HANK,
        team: 'Payments',
      });
      const rows = await collections.rollupsDaily
        .find({ day: { $in: ['2025-12-03', '2025-12-04'] } })
        .toArray();
      const sum = (person: string) =>
        rows.filter((r) => r.person === person).reduce((s, r) => s + r.costUsd, 0);
      expect(sum('unmapped:email:ghost@example.com')).toBe(0);
      expect(sum(HANK)).toBe(75);
      expect(rows.filter((r) => r.person === HANK).every((r) => r.team === 'Payments')).toBe(true);
      expect(await collections.people.findOne({ slackUserId: HANK })).toMatchObject({
        emails: ['ghost@example.com'],
      });
      expect(await collections.audit.findOne({ action: 'identity.map' })).toMatchObject({
        actor: ALICE,
        target: 'identity:email:ghost@example.com',
        before: { slackUserId: null },
        after: { slackUserId: HANK, sessionsMoved: 1, costMovedUsd: 75, team: 'Payments' },
      });
      expect(await askText(app, `map ${mention(HANK)} ghost@example.com`, ALICE)).toBe(
        `ghost@example.com is already mapped to <@${HANK}>; nothing to change.`,
      );
      expect(await askText(app, 'unmapped', ALICE)).toBe(
        'Every identity with spend is mapped to a Slack user. :tada:',
      );
      // Taking it away from Hank needs the right over Hank too.
      expect(await askText(app, `map ${mention(DAVE)} ghost@example.com`, ERIN)).toMatch(
        /ghost@example\.com belongs to <@UHANK00001>, who is not in a team you manage/,
      );
    });
  });

  describe('reclassify', () => {
    it('refused for the engineer and for managers of other teams; unknown and ambiguous ids are named', async () => {
      expect(await askText(app, `reclassify ${bobDec3} wasteful`, BOB)).toMatch(
        /Reclassifying is for managers\. To change your own answer/,
      );
      expect(await askText(app, `reclassify ${bobDec3} wasteful`, ERIN)).toBe(
        'Only managers of Payments and workspace admins can reclassify its sessions.',
      );
      expect(await askText(app, 'reclassify ffffff000000 productive', ALICE)).toMatch(
        /No session has an id starting with `ffffff000000`/,
      );
      let common = 0;
      while (common < 24 && bobDec2[common] === bobDec3[common]) common++;
      expect(common).toBeGreaterThanOrEqual(6);
      expect(
        await askText(app, `reclassify ${bobDec2.slice(0, Math.min(common, 20))} productive`, ALICE),
      ).toMatch(/Several sessions have ids starting with/);
    });

    it('a manager’s change is recorded, moves the spend, is audited, and the engineer is told by DM', async () => {
      const answer = await askText(app, `reclassify ${bobDec3.toUpperCase()} wasteful`, ALICE);
      expect(answer).toBe(
        `Session \`${bobDec3}\` (Dec 3, $20, acme/payments on feature/refunds) is now *Wasteful* (was Unclassified). The change is audited. <@${BOB}> was told by DM.`,
      );
      const session = await collections.sessions.findOne({ _id: new ObjectId(bobDec3) });
      expect(session?.classification).toMatchObject({ class: 'wasteful', by: 'manager', userId: ALICE });
      const rows = await collections.rollupsDaily.find({ day: '2025-12-03', person: BOB }).toArray();
      expect(rows.find((r) => r.class === 'wasteful')?.costUsd).toBe(20);
      expect(rows.find((r) => r.class === 'unclassified')?.costUsd).toBe(0);
      const dm = app.slack.messagesIn(app.slack.dmChannelFor(BOB)).at(-1);
      expect(dm?.text).toContain(`<@${ALICE}> changed the class of your AI session \`${bobDec3}\``);
      expect(dm?.text).toContain('from *Unclassified* to *Wasteful*');
      expect(await collections.audit.findOne({ action: 'session.reclassify' })).toMatchObject({
        actor: ALICE,
        target: `session:${bobDec3}`,
        before: { class: 'unclassified' },
        after: { class: 'wasteful', by: 'manager' },
      });
      expect(await askText(app, `reclassify ${bobDec3} wasteful`, CAROL)).toMatch(/is already \*Wasteful\*/);
      const summary = flatten((await ask(app, 'summary month', BOB))[0]!);
      expect(summary).toContain('Wasteful $20 (8%)');
    });
  });

  describe('classify', () => {
    it('opens the caller’s queue in a modal, loading first, then the prompt with one-click buttons', async () => {
      const before = app.slack.modals.length;
      await ask(app, 'classify', BOB, 0);
      const modal = await eventually(() => {
        const m = app.slack.modals.slice(before).at(0);
        return m && JSON.stringify(m.view).includes('classify_productive') ? m : undefined;
      });
      expect(app.slack.callsTo('views.open').at(-1)?.args.trigger_id).toMatch(/^trigger-/);
      expect(modal.view).toMatchObject({
        type: 'modal',
        callback_id: 'queue_modal',
        title: { text: 'Classify sessions' },
      });
      const json = JSON.stringify(modal.view);
      // Bob has 12 closed December sessions, one reclassified: 11 in the queue.
      expect(json).toContain('Classify 11 AI sessions');
      expect(json).toContain(bobDec2);
      expect(json).not.toContain(bobDec3);
    });
  });

  it('classify: when the modal cannot be opened, the user is told where the queue is', async () => {
    app.slack.failNext('views.open', { kind: 'error', error: 'expired_trigger_id' });
    expect(await askText(app, 'classify', BOB)).toMatch(/^I could not open the window .* App Home tab/);
  });

  describe('export', () => {
    it('engineers export their own sessions as CSV to their DM, no prompt contents', async () => {
      expect(await askText(app, 'export 2025-12', BOB)).toBe(
        'Sent `ai-roi-sessions-2025-12.csv` (12 sessions, $240, December 2025) to you in a DM.',
      );
      const file = app.slack.files.at(-1)!;
      expect(file.channel).toBe(app.slack.dmChannelFor(BOB));
      expect(file.filename).toBe('ai-roi-sessions-2025-12.csv');
      const lines = file.bytes.toString('utf8').trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'session_id,person,person_name,team,started_at,ended_at,duration_minutes,cost_usd,cost_kind,tokens_input,tokens_output,tokens_cache_read,tokens_cache_creation,tokens_total,api_requests,models,repo,branch,class,classified_by,linked_issues,outcomes',
      );
      expect(lines).toHaveLength(13);
      expect(lines.find((l) => l.startsWith(bobDec2))).toBe(
        `${bobDec2},${BOB},bob,Payments,2025-12-02T10:00:00.000Z,2025-12-02T10:00:00.000Z,0,20,estimated,1000,100,10,1,1111,1,claude-sonnet-4×1,acme/payments,feature/refunds,unclassified,,ENG-1,ENG-1`,
      );
      expect(lines.find((l) => l.startsWith(bobDec3))).toContain(',wasteful,manager,,');
    });

    it('team exports for its managers and admins; escapes and formula-guards telemetry text', async () => {
      expect(await askText(app, 'export 2025-12 team Payments', BOB)).toMatch(
        /Exports of Payments's sessions are for its managers and for admins/,
      );
      expect(await askText(app, 'export team Payments', ALICE)).toBe(
        'Sent `ai-roi-sessions-2025-12-payments.csv` (24 sessions, $370, December 2025, team Payments) to you in a DM.',
      );
      const file = app.slack.files.at(-1)!;
      expect(file.channel).toBe(app.slack.dmChannelFor(ALICE));
      const csv = file.bytes.toString('utf8');
      expect(csv).toContain(`${HANK},hank,Payments`);
      expect(csv).toContain(',acme/=cmd|evil,"spike, ""quoted""",');
      expect(csv).not.toContain(DAVE);
      app.slack.failNext('files.completeUploadExternal', { kind: 'error', error: 'internal_error' });
      const files = app.slack.files.length;
      expect(await askText(app, 'export 2025-12', BOB)).toBe(
        'Sorry, `/ai-roi export` failed on our side; nothing was changed. Please try again.',
      );
      expect(app.slack.files).toHaveLength(files);
      expect(await askText(app, 'export 2025-10', BOB)).toBe(
        'No sessions started in October 2025 for you; there is nothing to export.',
      );
    });
  });

  describe('acknowledgement', () => {
    it('acks at once even when the database is slow; the answer follows through response_url', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const original = collections.people.findOne.bind(collections.people);
      const spy = vi.spyOn(collections.people, 'findOne').mockImplementation((async (...args: unknown[]) => {
        await gate;
        return (original as (...a: unknown[]) => unknown)(...args);
      }) as never);
      try {
        const responseUrl = app.slack.responseUrl('slow-db');
        const response = await app.command('forecast', BOB, { response_url: responseUrl });
        expect(response.status).toBe(200);
        expect(app.slack.responses.filter((r) => r.id === 'slow-db')).toHaveLength(0);
        release();
        const answer = await eventually(() => app.slack.responses.find((r) => r.id === 'slow-db'));
        expect(answer.body.text).toMatch(/^Team Payments/);
      } finally {
        spy.mockRestore();
      }
    });
  });
});
