/**
 * Access: an engineer cannot read or change another engineer's sessions through any command, action, view or
 * App Home path; a non-manager cannot change budgets, templates, subscriptions or teams; leadership digests
 * never name individuals (nor groups under the privacy floor); prompt text never reaches the database.
 */
import { createHash } from 'node:crypto';
import type { ObjectId } from 'mongodb';
import { afterAll, describe, it } from 'vitest';
import { encodeBulkTarget, encodeModalMetadata, encodeSessionAction } from '../../blocks/values.ts';
import { runDigestJob } from '../../jobs/digest.ts';
import { ACTIONS, MODAL_FIELDS, VIEWS } from '../../src/ids.ts';
import { recordClassification } from '../../src/store/classification-store.ts';
import { seedClosedSessions } from '../integration/classification-support.ts';
import { ALICE, BOB, CAROL, DAVE, GINA, HANK, seedTeam, USERS } from '../integration/commands-support.ts';
import { eventually, startTestApp } from '../support/harness.ts';
import { useFigures } from './figures.ts';
import {
  blockAction,
  commandFields,
  formBody,
  homeOpened,
  interactionBody,
  otlpHeaders,
  otlpLogs,
  RELIABILITY_ENV,
  SECRETS,
  slackHeaders,
  viewSubmission,
} from './payloads.ts';
import { rawPost, scanForText, settle } from './support.ts';

const CHANNEL = 'CLEADERS01';
const GINA_BRANCH = 'gina/private-branch-7c1e';
const GINA_REPO = 'acme/gina-secret-repo';

describe('access control across every path', async () => {
  const figures = useFigures('access');
  const clock = { now: new Date('2025-12-12T12:00:00Z') };
  const app = await startTestApp({
    users: USERS,
    env: RELIABILITY_ENV,
    channels: [{ id: CHANNEL, name: 'leadership', botIsMember: true }],
    service: { now: () => clock.now, startJobs: false },
  });
  afterAll(() => app.stop());
  const { db, collections } = app.service.deps;

  await seedTeam(collections, { name: 'Payments', members: [BOB, GINA, HANK], managers: [ALICE] });
  await seedTeam(collections, { name: 'Platform', members: [DAVE], managers: [] });
  const seed = (userId: string, team: string, day: number, costUsd: number, branch: string, repo: string) =>
    seedClosedSessions(collections, [
      { userId, team, startedAt: `2025-12-0${day}T09:00:00Z`, costUsd, branch, repo },
    ]).then((ids) => ids[0]!);
  const gina: ObjectId[] = [];
  for (let day = 1; day <= 4; day++)
    gina.push(await seed(GINA, 'Payments', day, 10 + day, GINA_BRANCH, GINA_REPO));
  const bob = await seed(BOB, 'Payments', 2, 7, 'bob/own-branch', 'acme/api');
  await seed(HANK, 'Payments', 3, 9, 'hank/work', 'acme/api');
  await seed(DAVE, 'Platform', 3, 50, 'dave/solo', 'acme/platform');
  // One of Gina's sessions is classified by Gina herself, so undo and reclassify have something to change.
  await recordClassification(collections, {
    sessionId: gina[0]!.toHexString(),
    class: 'exploratory',
    by: 'self',
    userId: GINA,
    at: clock.now,
  });
  // An existing subscription by the admin and a budget set by the manager: the engineer must not change them.
  const before = app.slack.responses.length;
  await app.command(`subscribe <#${CHANNEL}|leadership> weekly mon 09:00 org leadership`, CAROL);
  await eventually(() => app.slack.responses.length > before, { message: 'subscribe answer' });
  await eventually(() => collections.subscriptions.findOne({ channel: CHANNEL }));
  await app.command('budget team Payments set $2,000 monthly', ALICE);
  await eventually(async () => (await collections.teams.findOne({ name: 'Payments' }))?.budget, {
    message: 'budget set',
  });
  await settle(db, { quietMs: 100 });

  /** What an engineer must not be able to change: everyone else's sessions, teams, templates, subscriptions. */
  const protectedState = async () => {
    const sessions = await collections.sessions
      .find(
        { slackUserId: { $ne: BOB } },
        {
          projection: {
            classification: 1,
            classificationHistory: 1,
            links: 1,
            outcomeIds: 1,
            slackUserId: 1,
            team: 1,
          },
        },
      )
      .toArray();
    // People records as identity mappings and preferences (a directory lookup that caches someone's name
    // and time zone is not a change to them).
    const people = (
      await collections.people
        .find(
          { slackUserId: { $ne: BOB } },
          { projection: { _id: 0, slackUserId: 1, emails: 1, accountIds: 1, promptMode: 1 } },
        )
        .toArray()
    ).filter((person) => person.emails?.length || person.accountIds?.length || person.promptMode);
    const identities = await collections.identities.find({}).toArray();
    const state = {
      sessions,
      teams: await collections.teams.find({}, { projection: { updatedAt: 0 } }).toArray(),
      templates: await collections.templates.find({}).toArray(),
      subscriptions: await collections.subscriptions.find({}).toArray(),
      rollups: await collections.rollupsDaily.find({ person: { $ne: BOB } }).toArray(),
      people,
      identities,
    };
    return Object.fromEntries(
      Object.entries(state).map(([key, value]) => [
        key,
        createHash('sha256').update(JSON.stringify(value)).digest('hex'),
      ]),
    );
  };

  it('an engineer changes nothing of anyone else, and reads nothing of another engineer, by any path', async () => {
    const stateBefore = await protectedState();
    app.slack.reset();
    const ginaId = gina[1]!.toHexString();
    const ginaIds = gina.map((id) => id.toHexString());
    const form = (body: string) =>
      rawPost(app.baseUrl, '/slack/events', body, slackHeaders(body, 'application/x-www-form-urlencoded'));
    const json = (body: string) =>
      rawPost(app.baseUrl, '/slack/events', body, slackHeaders(body, 'application/json'));
    const command = (text: string) => form(formBody(commandFields(text, BOB, app.slack.responseUrl())));
    const click = (actionId: string, value: string, extra: Record<string, unknown> = {}) =>
      form(
        interactionBody({
          ...blockAction(BOB, actionId, value, app.slack.responseUrl(), `session:${ginaId}`),
          ...extra,
        }),
      );

    const attempts: [string, () => Promise<unknown>][] = [
      // Commands on another engineer's sessions.
      ['command: reclassify', () => command(`reclassify ${ginaId} wasteful`)],
      ['command: link', () => command(`link ${ginaId} ENG-12`)],
      ['command: summary @gina', () => command('summary <@UGINA00001|gina>')],
      ['command: export', () => command('export')],
      ['command: export team', () => command('export team Payments')],
      ['command: classify (queue)', () => command('classify')],
      ['command: digest preview', () => command('digest preview')],
      ['command: map gina’s email to me', () => command('map <@UBOB000001|bob> gina@example.com')],
      // Manager-only changes.
      ['command: budget set', () => command('budget team Payments set $1 monthly')],
      [
        'command: budget split',
        () => command('budget team Payments split productive=10 exploratory=10 wasteful=80'),
      ],
      ['command: budget alerts', () => command('budget team Payments alerts 5')],
      ['command: templates set', () => command('templates set weekly_leadership hacked {{spend}}')],
      ['command: templates reset', () => command('templates reset weekly_leadership')],
      ['command: subscribe', () => command(`subscribe <#${CHANNEL}|leadership> daily`)],
      ['command: unsubscribe', () => command(`unsubscribe <#${CHANNEL}|leadership>`)],
      ['command: team create', () => command('team create Hackers')],
      ['command: team add', () => command('team add <@UBOB000001|bob> Platform')],
      ['command: team remove', () => command('team remove <@UGINA00001|gina> Payments')],
      ['command: team managers add', () => command('team managers add <@UBOB000001|bob> Payments')],
      // Buttons and menus carrying another engineer's session ids.
      [
        'action: classify',
        () =>
          click(ACTIONS.classifyProductive, encodeSessionAction({ sessionId: ginaId, class: 'productive' })),
      ],
      [
        'action: undo',
        () => click(ACTIONS.undoClassification, encodeSessionAction({ sessionId: ginaIds[0]!, op: 'undo' })),
      ],
      [
        'action: note (opens modal)',
        () => click(ACTIONS.openNote, encodeSessionAction({ sessionId: ginaId, op: 'note' })),
      ],
      [
        'action: bulk by ids',
        () =>
          click(
            ACTIONS.bulkClassifyWasteful,
            encodeBulkTarget({ class: 'wasteful', sessionIds: ginaIds }, 2000),
          ),
      ],
      [
        'action: overflow note',
        () =>
          form(
            interactionBody({
              ...blockAction(BOB, ACTIONS.sessionOverflow, '', app.slack.responseUrl()),
              actions: [
                {
                  type: 'overflow',
                  action_id: ACTIONS.sessionOverflow,
                  block_id: `session:${ginaId}`,
                  selected_option: { value: encodeSessionAction({ sessionId: ginaId, op: 'note' }) },
                },
              ],
            }),
          ),
      ],
      [
        'action: bulk select',
        () =>
          form(
            interactionBody({
              ...blockAction(BOB, ACTIONS.bulkClassify, '', app.slack.responseUrl()),
              actions: [
                {
                  type: 'static_select',
                  action_id: ACTIONS.bulkClassify,
                  block_id: 'bulk',
                  selected_option: {
                    value: encodeBulkTarget({ class: 'wasteful', sessionIds: ginaIds }, 150),
                  },
                },
              ],
            }),
          ),
      ],
      ['action: page next', () => click(ACTIONS.pageNext, '{"p":1}')],
      // Modal submission for another engineer's session.
      [
        'view: classify modal',
        () => form(interactionBody(viewSubmission(BOB, ginaId, 'wasteful', 'not mine'))),
      ],
      [
        'view: classify modal with issue link',
        () => {
          const payload = viewSubmission(BOB, ginaId, 'productive', 'link it');
          const values = payload.view.state.values as Record<string, Record<string, unknown>>;
          values[MODAL_FIELDS.issueBlock] = {
            [MODAL_FIELDS.issueInput]: { type: 'external_select', selected_option: { value: 'ENG-12' } },
          };
          payload.view.private_metadata = encodeModalMetadata({ sessionId: ginaId, origin: 'home' });
          payload.view.callback_id = VIEWS.classifyModal;
          return form(interactionBody(payload));
        },
      ],
      // App Home.
      ['home: app_home_opened', () => json(JSON.stringify(homeOpened(BOB)))],
    ];

    const statuses: string[] = [];
    const unhandled: string[] = [];
    for (const [name, attempt] of attempts) {
      const response = (await attempt()) as { status: number | string };
      if (response.status === 404) unhandled.push(name);
      else if (response.status !== 200) statuses.push(`${name}: ${response.status}`);
    }
    await settle(db, { quietMs: 150, timeoutMs: 5000 });
    // Work after the ack (responses, DMs, modals, files) has landed.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const stateAfter = await protectedState();
    const ginaMarkers = [...ginaIds, GINA_BRANCH, GINA_REPO];
    const sent = JSON.stringify({
      responses: app.slack.responses,
      ephemerals: app.slack.ephemerals,
      messages: app.slack.messages,
      views: app.slack.views,
      modals: app.slack.modals,
      files: app.slack.files.map((f) => ({ ...f, bytes: f.bytes?.toString('utf8') })),
    });
    const leaks = ginaMarkers.filter((marker) => sent.includes(marker));
    const leakContext = leaks.map((marker) => {
      const at = sent.indexOf(marker);
      return `${marker}: …${sent.slice(Math.max(0, at - 200), at + 40)}…`;
    });
    figures.report('paths tried by an engineer', attempts.length);
    figures.expect(
      'answers other than 200 (or Bolt 404 for unhandled)',
      statuses.length,
      { eq: 0 },
      statuses,
    );
    const changed = Object.keys(stateBefore).filter((key) => stateBefore[key] !== stateAfter[key]);
    figures.expect(
      'changes to other people’s sessions, teams, templates, subscriptions',
      changed.length,
      { eq: 0 },
      changed,
    );
    figures.expect(
      'another engineer’s session details shown to the engineer',
      leaks.length,
      { eq: 0 },
      leakContext,
    );
    figures.report('paths no listener handled (Bolt 404)', unhandled.join(', ') || 'none');
    figures.report(
      'answers the engineer got (refusals and own data)',
      app.slack.responses.length + app.slack.ephemerals.length,
    );
    // Positive control: the team's manager may reclassify it, and the same check sees that change.
    const managerBody = formBody(
      commandFields(`reclassify ${ginaId} wasteful`, ALICE, app.slack.responseUrl()),
    );
    await form(managerBody);
    await eventually(
      async () =>
        (await collections.sessions.findOne({ _id: gina[1] }))?.classification?.class === 'wasteful',
      {
        message: 'manager reclassification',
      },
    );
    const control = await protectedState();
    figures.expect(
      'positive control: a manager’s reclassification is seen as a change',
      Number(control.sessions !== stateAfter.sessions),
      { eq: 1 },
    );
    const own = await collections.sessions.findOne({ _id: bob });
    figures.report('engineer’s own session still unclassified', own?.classification ? 'no' : 'yes');
  });

  it('a leadership digest names no individual and no group under the privacy floor', async () => {
    const subscription = (await collections.subscriptions.findOne({ channel: CHANNEL }))!;
    clock.now = subscription.nextRunAt!;
    const run = await runDigestJob(app.service.deps, subscription._id!.toHexString(), {
      renderChart: async () => Buffer.from('89504e470d0a1a0a', 'hex'),
    });
    const digest = app.slack.messagesIn(CHANNEL).at(-1);
    const text = JSON.stringify({ text: digest?.text, blocks: digest?.blocks });
    const names = USERS.flatMap((u) => [u.id, u.name, u.email ?? '', u.realName ?? '']).filter(Boolean);
    const named = names.filter((name) =>
      new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(text),
    );
    const branches = ['gina/private-branch', 'bob/own-branch', 'hank/work', 'dave/solo'].filter((b) =>
      text.includes(b),
    );
    figures.report('leadership digest run', run.outcome);
    figures.expect('individuals named in the leadership digest', named.length + branches.length, { eq: 0 }, [
      ...named,
      ...branches,
    ]);
    figures.expect(
      'teams under the privacy floor named (Platform has 1 person)',
      Number(/Platform/.test(text)),
      { eq: 0 },
    );
  });

  it('never stores prompt, response or tool text', async () => {
    const body = JSON.stringify(otlpLogs({ email: 'bob@example.com' }));
    const response = await rawPost(app.baseUrl, '/v1/logs', body, otlpHeaders());
    figures.expect('OTLP batch with prompt text accepted', Number(response.status === 200), { eq: 1 });
    const hits = await scanForText(db, SECRETS);
    figures.expect('prompt/response/tool text found in the database', hits.length, { eq: 0 }, hits);
  });
});
