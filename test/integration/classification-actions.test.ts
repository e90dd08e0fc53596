import type { ObjectId } from 'mongodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeBulkTarget, encodeModalMetadata, encodeSessionAction } from '../../blocks/values.ts';
import { runPromptDue } from '../../jobs/prompt-due.ts';
import { ACTIONS, MODAL_FIELDS, VIEWS } from '../../src/ids.ts';
import type { PostedMessage } from '../../src/sandbox/fake-slack-api.ts';
import { eventually, type TestApp, useTestApp } from '../support/harness.ts';
import {
  ALICE,
  BOB,
  blockIds,
  CAROL,
  callsReach,
  clickElement,
  clickInHome,
  clickInMessage,
  dmsTo,
  ephemeralTexts,
  findElement,
  homeQueue,
  messageAt,
  openHome,
  resetData,
  type SessionSeed,
  seedClosedSessions,
  sessionById,
  spendByClass,
  TestClock,
  USERS,
} from './classification-support.ts';

// Monday 13 January 2025; Alice is in Berlin (slot 15:30 UTC), Carol in UTC (slot 16:30 UTC).
const clock = new TestClock(new Date('2025-01-13T06:00:00Z'));
const app = await useTestApp({ users: USERS, service: { now: clock.now, startJobs: false } });
const c = app.service.deps.collections;
const SLOT: Record<string, string> = { [ALICE]: '2025-01-13T15:31:00Z', [CAROL]: '2025-01-13T16:31:00Z' };
const at = (iso: string) => new Date(iso);

/** Seed closed sessions for one person and deliver their classify DM at their slot. */
async function prompted(userId: string, costs: number[], extra: Partial<SessionSeed> = {}) {
  const ids = await seedClosedSessions(
    c,
    costs.map((costUsd, i) => ({
      userId,
      costUsd,
      startedAt: `2025-01-13T${String(8 + i).padStart(2, '0')}:00:00Z`,
      repo: 'acme/api',
      ...extra,
    })),
  );
  clock.set(SLOT[userId] ?? '2025-01-13T16:31:00Z');
  await runPromptDue(app.service.deps);
  const dm = dmsTo(app, userId).at(-1);
  if (!dm) throw new Error(`no DM for ${userId}`);
  clock.advance(10 * 60_000);
  return { dm, ids: ids.map((id) => id.toHexString()) };
}

function callsSince(mark: number): string[] {
  return app.slack.calls.slice(mark).map((call) => call.method);
}

/** Wait until no new Slack call arrives for a moment (work after the ack is done). */
async function settled(): Promise<void> {
  let last = -1;
  await eventually(
    async () => {
      const now = app.slack.calls.length + app.slack.responses.length;
      const quiet = now === last;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 40));
      return quiet;
    },
    { message: 'Slack calls settle' },
  );
}

beforeEach(async () => {
  await resetData(app);
  clock.set('2025-01-13T06:00:00Z');
});

describe('one click on a classify prompt', () => {
  it('records the answer, moves the spend and updates the same message in place with one call', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 6, 7]);
    const mark = app.slack.calls.length;
    const response = await clickElement(app, dm, ALICE, ACTIONS.classifyProductive, ids[0], {
      clickedAt: at('2025-01-13T15:40:00Z'),
    });
    expect(response.status).toBe(200);
    await callsReach(app, 'chat.update', 1);
    await settled();

    const session = await sessionById(c, ids[0]!);
    expect(session.classification).toEqual({
      class: 'productive',
      by: 'self',
      userId: ALICE,
      at: at('2025-01-13T15:40:00Z'),
    });
    expect(session.classificationHistory).toHaveLength(1);
    expect(await spendByClass(c, ALICE)).toMatchObject({ productive: 5, unclassified: 13 });

    const updated = messageAt(app, dm.channel, dm.ts);
    expect(blockIds(updated.blocks)).toContain(`classified:${ids[0]}`);
    expect(blockIds(updated.blocks)).toContain(`session:${ids[1]}`);
    expect(findElement(updated.blocks, ACTIONS.undoClassification, ids[0])).toBeDefined();
    expect(JSON.stringify(updated.blocks)).toContain('recorded by you');
    // Home never opened: the only Slack call for this answer is the chat.update.
    expect(callsSince(mark)).toEqual(['chat.update']);
    expect(app.slack.responses).toHaveLength(0);
  });

  it('undo puts the session back to unclassified, audited, with its buttons back', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 6]);
    await clickElement(app, dm, ALICE, ACTIONS.classifyWasteful, ids[0], {
      clickedAt: at('2025-01-13T15:40:00Z'),
    });
    await callsReach(app, 'chat.update', 1);
    const afterClick = messageAt(app, dm.channel, dm.ts);
    await clickElement(app, structuredClone(afterClick), ALICE, ACTIONS.undoClassification, ids[0], {
      clickedAt: at('2025-01-13T15:41:00Z'),
    });
    await callsReach(app, 'chat.update', 2);

    const session = await sessionById(c, ids[0]!);
    expect(session.classification).toBeUndefined();
    expect(session.classificationHistory.map((h) => [h.class, h.undone ?? false])).toEqual([
      ['wasteful', false],
      ['wasteful', true],
    ]);
    expect(await spendByClass(c, ALICE)).toMatchObject({ wasteful: 0, unclassified: 11 });
    const restored = messageAt(app, dm.channel, dm.ts);
    expect(blockIds(restored.blocks)).toContain(`session:${ids[0]}`);
    expect(findElement(restored.blocks, ACTIONS.classifyProductive, ids[0])).toBeDefined();
  });

  it('keeps stale clicks safe: repeats are no-ops, late clicks are audited, the last answer wins', async () => {
    const { dm, ids } = await prompted(ALICE, [8]);
    const id = ids[0]!;
    const stale = structuredClone(dm); // a copy of the message as first posted (buttons, no answer)
    clock.set('2025-01-13T16:00:00Z'); // every click below happened before this

    await clickElement(app, dm, ALICE, ACTIONS.classifyWasteful, id, {
      clickedAt: at('2025-01-13T15:42:00Z'),
    });
    await callsReach(app, 'chat.update', 1);
    // The same click delivered twice (retry, double click): nothing new.
    await clickElement(app, stale, ALICE, ACTIONS.classifyWasteful, id, {
      clickedAt: at('2025-01-13T15:42:00Z'),
    });
    await callsReach(app, 'chat.update', 2);
    expect((await sessionById(c, id)).classificationHistory).toHaveLength(1);

    // An older click processed late (e.g. on another instance) does not overwrite the newer answer.
    await clickElement(app, stale, ALICE, ACTIONS.classifyProductive, id, {
      clickedAt: at('2025-01-13T15:41:00Z'),
    });
    await callsReach(app, 'chat.update', 3);
    let session = await sessionById(c, id);
    expect(session.classification?.class).toBe('wasteful');
    expect(session.classificationHistory.map((h) => [h.class, h.previous])).toEqual([
      ['wasteful', undefined],
      ['productive', 'wasteful'],
    ]);
    expect(await spendByClass(c, ALICE)).toMatchObject({ wasteful: 8, productive: 0, unclassified: 0 });
    // The stale message now shows what is really recorded.
    expect(JSON.stringify(messageAt(app, dm.channel, dm.ts).blocks)).toContain('*Wasteful*');

    // A newer click on the stale copy is a real change of mind: last write wins, spend moves once.
    await clickElement(app, stale, ALICE, ACTIONS.classifyExploratory, id, {
      clickedAt: at('2025-01-13T15:45:00Z'),
    });
    await callsReach(app, 'chat.update', 4);
    session = await sessionById(c, id);
    expect(session.classification?.class).toBe('exploratory');
    expect(session.classificationHistory).toHaveLength(3);
    expect(await spendByClass(c, ALICE)).toEqual({
      productive: 0,
      exploratory: 8,
      wasteful: 0,
      unclassified: 0,
    });
  });

  it('classifies all remaining at once (with confirmation), never overriding an answer or someone else', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 6, 7]);
    const bob = await seedClosedSessions(c, [{ userId: BOB, startedAt: '2025-01-13T09:00:00Z', costUsd: 9 }]);
    await clickElement(app, dm, ALICE, ACTIONS.classifyProductive, ids[0]);
    await callsReach(app, 'chat.update', 1);

    const current = messageAt(app, dm.channel, dm.ts);
    const select = findElement(current.blocks, ACTIONS.bulkClassify);
    expect(select.element.confirm).toBeDefined();
    const wasteful = (select.element.options as { value: string; text: { text: string } }[]).find(
      (o) => o.text.text === 'Wasteful',
    )!;
    await clickElement(app, current, ALICE, ACTIONS.bulkClassify, undefined, { selectedOption: wasteful });
    await callsReach(app, 'chat.update', 2);

    expect((await sessionById(c, ids[0]!)).classification?.class).toBe('productive');
    expect((await sessionById(c, ids[1]!)).classification?.class).toBe('wasteful');
    expect((await sessionById(c, ids[2]!)).classification?.class).toBe('wasteful');
    expect((await sessionById(c, bob[0]!)).classification).toBeUndefined();
    expect(await spendByClass(c, ALICE)).toMatchObject({ productive: 5, wasteful: 13, unclassified: 0 });
    const done = messageAt(app, dm.channel, dm.ts);
    expect(done.text).toContain('Wasteful recorded for 2 sessions');
  });

  it('classifies the group of small sessions with one click', async () => {
    const { dm, ids } = await prompted(ALICE, [0.1, 0.2, 0.3, 9]);
    expect(blockIds(dm.blocks)).toContain('small_group');
    const group = findElement(dm.blocks, ACTIONS.bulkClassifyExploratory);
    await clickInMessage(app, dm, {
      userId: ALICE,
      actionId: ACTIONS.bulkClassifyExploratory,
      blockId: group.blockId,
      value: group.element.value as string,
    });
    await callsReach(app, 'chat.update', 1);
    for (const id of ids.slice(0, 3))
      expect((await sessionById(c, id)).classification?.class).toBe('exploratory');
    expect((await sessionById(c, ids[3]!)).classification).toBeUndefined();
    const updated = messageAt(app, dm.channel, dm.ts);
    expect(blockIds(updated.blocks)).toContain('small_group_done');
    expect(blockIds(updated.blocks)).toContain(`session:${ids[3]}`);
  });
});

describe('App Home', () => {
  it('shows my queue and re-publishes it after every change, from Home or from the DM', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 6, 7]);
    await openHome(app, ALICE);
    await callsReach(app, 'views.publish', 1);
    let home = app.slack.lastViewFor(ALICE)!.view;
    expect(homeQueue(home).sort()).toEqual([...ids].sort());
    expect(JSON.stringify(home.blocks)).toContain('Your last 7 days');

    // Classify from Home: no chat.update, just the fresh Home.
    const fromHome = findElement(home.blocks as unknown[], ACTIONS.classifyWasteful, ids[2]);
    await clickInHome(app, home, {
      userId: ALICE,
      actionId: ACTIONS.classifyWasteful,
      blockId: fromHome.blockId,
      value: fromHome.element.value as string,
    });
    await callsReach(app, 'views.publish', 2);
    home = app.slack.lastViewFor(ALICE)!.view;
    expect(homeQueue(home).sort()).toEqual([ids[0], ids[1]].sort());
    expect(app.slack.callsTo('chat.update')).toHaveLength(0);

    // From the DM: the message updates and so does Home.
    await clickElement(app, dm, ALICE, ACTIONS.classifyProductive, ids[0]);
    await callsReach(app, 'views.publish', 3);
    expect(homeQueue(app.slack.lastViewFor(ALICE)!.view)).toEqual([ids[1]]);
    expect(app.slack.callsTo('chat.update')).toHaveLength(1);
    // The DM also shows the answer given in Home (re-rendered from the database).
    expect(blockIds(messageAt(app, dm.channel, dm.ts).blocks)).toContain(`classified:${ids[2]}`);

    // Undo from the DM puts it back in the queue.
    await clickElement(
      app,
      structuredClone(messageAt(app, dm.channel, dm.ts)),
      ALICE,
      ACTIONS.undoClassification,
      ids[0],
    );
    await callsReach(app, 'views.publish', 4);
    expect(homeQueue(app.slack.lastViewFor(ALICE)!.view).sort()).toEqual([ids[0], ids[1]].sort());

    // The prompt preference.
    home = app.slack.lastViewFor(ALICE)!.view;
    const mode = findElement(home.blocks as unknown[], ACTIONS.setPromptMode);
    await clickInHome(app, home, {
      userId: ALICE,
      actionId: ACTIONS.setPromptMode,
      blockId: mode.blockId,
      selectedOption: { value: 'weekly', text: { type: 'plain_text', text: 'Once a week' } },
    });
    await callsReach(app, 'views.publish', 5);
    expect((await c.people.findOne({ slackUserId: ALICE }))?.promptMode).toBe('weekly');
    expect(JSON.stringify(app.slack.lastViewFor(ALICE)!.view.blocks)).toMatch(
      /"initial_option":\{[^}]*"text":"Once a week"/,
    );

    // "Note / issue…" on a queue item opens the classify modal, remembering it came from Home.
    const note = findElement(
      app.slack.lastViewFor(ALICE)!.view.blocks as unknown[],
      ACTIONS.openNote,
      ids[1],
    );
    await clickInHome(app, app.slack.lastViewFor(ALICE)!.view, {
      userId: ALICE,
      actionId: ACTIONS.openNote,
      blockId: note.blockId,
      value: note.element.value as string,
    });
    await callsReach(app, 'views.open', 1);
    expect(JSON.parse(String(app.slack.modals.at(-1)!.view.private_metadata))).toEqual({
      s: ids[1],
      o: 'home',
    });

    // Classify all from Home (the select with confirmation).
    const all = findElement(app.slack.lastViewFor(ALICE)!.view.blocks as unknown[], ACTIONS.bulkClassify);
    await clickInHome(app, app.slack.lastViewFor(ALICE)!.view, {
      userId: ALICE,
      actionId: ACTIONS.bulkClassify,
      blockId: all.blockId,
      selectedOption: (all.element.options as Record<string, unknown>[])[0],
    });
    await callsReach(app, 'views.publish', 6);
    expect(homeQueue(app.slack.lastViewFor(ALICE)!.view)).toEqual([]);
    expect(JSON.stringify(app.slack.lastViewFor(ALICE)!.view.blocks)).toContain('queue is empty');
  });

  it('classifies from the /ai-roi classify queue modal and updates that modal', async () => {
    const { ids } = await prompted(CAROL, [4, 5]);
    await app.command('classify', CAROL);
    await callsReach(app, 'views.update', 1);
    const modal = app.slack.modals.at(-1)!;
    const button = findElement(modal.view.blocks as unknown[], ACTIONS.classifyProductive, ids[0]);
    await app.interaction({
      type: 'block_actions',
      user: { id: CAROL, username: 'carol', team_id: app.slack.teamId },
      container: { type: 'view', view_id: modal.viewId },
      view: { ...modal.view, id: modal.viewId, callback_id: VIEWS.queueModal, state: { values: {} } },
      actions: [
        {
          type: 'button',
          action_id: ACTIONS.classifyProductive,
          block_id: button.blockId,
          value: button.element.value,
        },
      ],
    });
    await callsReach(app, 'views.update', 2);
    expect((await sessionById(c, ids[0]!)).classification?.class).toBe('productive');
    expect(blockIds(app.slack.modals.at(-1)!.view.blocks as unknown[])).toContain(`classified:${ids[0]}`);
  });
});

describe('refusals', () => {
  async function expectNothingWritten(ids: string[]) {
    for (const id of ids) {
      const session = await sessionById(c, id);
      expect(session.classification).toBeUndefined();
      expect(session.classificationHistory).toEqual([]);
    }
  }

  it('refuses actions on someone else’s session with a private explanation', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 0.1, 0.2]);
    const foreign = (n: number) => app.slack.responses.length >= n;
    // Bob replays Alice's buttons (same values, his user id).
    await clickElement(app, dm, BOB, ACTIONS.classifyProductive, ids[0]);
    await eventually(() => foreign(1));
    await clickInMessage(app, dm, {
      userId: BOB,
      actionId: ACTIONS.undoClassification,
      value: encodeSessionAction({ sessionId: ids[0]!, op: 'undo' }),
    });
    await eventually(() => foreign(2));
    await clickInMessage(app, dm, {
      userId: BOB,
      actionId: ACTIONS.sessionOverflow,
      type: 'overflow',
      selectedOption: { value: encodeSessionAction({ sessionId: ids[0]!, op: 'note' }) },
    });
    await eventually(() => foreign(3));
    await clickInMessage(app, dm, {
      userId: BOB,
      actionId: ACTIONS.bulkClassifyWasteful,
      value: encodeBulkTarget({ class: 'wasteful', sessionIds: ids }, 2000),
    });
    await eventually(() => foreign(4));
    await settled();

    for (const text of ephemeralTexts(app)) expect(text).toContain('belongs to someone else');
    for (const r of app.slack.responses)
      expect(r.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    await expectNothingWritten(ids);
    expect(app.slack.callsTo('chat.update')).toHaveLength(0);
    expect(app.slack.callsTo('views.open')).toHaveLength(0);
    expect(await spendByClass(c, ALICE)).toMatchObject({ unclassified: 5.3 });

    // The modal: a submission for someone else's session is refused inline.
    const response = await submitModal(app, BOB, ids[0]!, { cls: 'productive' });
    expect(await response.json()).toMatchObject({
      response_action: 'errors',
      errors: { [MODAL_FIELDS.classBlock]: expect.stringContaining('belongs to someone else') },
    });
    await expectNothingWritten(ids);
  });

  it('answers tampered or unknown values with an ephemeral error and writes nothing', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 6]);
    const id = ids[0]!;
    const cases: { actionId: string; value?: string; selectedOption?: Record<string, unknown> }[] = [
      { actionId: ACTIONS.classifyProductive, value: 'not json' },
      // The button says productive, the value says wasteful.
      {
        actionId: ACTIONS.classifyProductive,
        value: encodeSessionAction({ sessionId: id, class: 'wasteful' }),
      },
      {
        actionId: ACTIONS.classifyProductive,
        value: JSON.stringify({ s: '../etc/passwd', c: 'productive' }),
      },
      { actionId: ACTIONS.classifyWasteful, value: JSON.stringify({ s: id, c: 'brilliant' }) },
      {
        actionId: ACTIONS.undoClassification,
        value: encodeSessionAction({ sessionId: id, class: 'productive' }),
      },
      { actionId: ACTIONS.bulkClassify, selectedOption: { value: '{"c":"wasteful"}' } },
      {
        actionId: ACTIONS.bulkClassifyWasteful,
        value: encodeBulkTarget({ class: 'productive', sessionIds: [id] }, 2000),
      },
      { actionId: ACTIONS.pageNext, value: '{"p":-1}' },
      { actionId: ACTIONS.setPromptMode, selectedOption: { value: 'hourly' } },
      {
        actionId: ACTIONS.sessionOverflow,
        selectedOption: { value: encodeSessionAction({ sessionId: id, op: 'undo' }) },
      },
    ];
    for (const [i, tampered] of cases.entries()) {
      const response = await clickInMessage(app, dm, { userId: ALICE, ...tampered });
      expect(response.status).toBe(200);
      await eventually(() => app.slack.responses.length >= i + 1, { message: `answer to case ${i}` });
    }
    await settled();
    expect(app.slack.responses).toHaveLength(cases.length);
    for (const text of ephemeralTexts(app)) expect(text).toMatch(/could not read|nothing was recorded/);
    await expectNothingWritten(ids);
    expect(app.slack.callsTo('chat.update')).toHaveLength(0);
    expect((await c.people.findOne({ slackUserId: ALICE }))?.promptMode).toBeUndefined();

    // A session that does not exist.
    await clickInMessage(app, dm, {
      userId: ALICE,
      actionId: ACTIONS.classifyProductive,
      value: encodeSessionAction({ sessionId: 'aaaaaaaaaaaaaaaaaaaaaaaa', class: 'productive' }),
    });
    await eventually(() => ephemeralTexts(app).some((t) => t.includes('no longer exists')));
  });
});

async function submitModal(
  target: TestApp,
  userId: string,
  sessionId: string,
  input: {
    cls?: string;
    note?: string;
    issueOption?: string;
    issueText?: string;
    origin?: { channel: string; ts: string };
  },
): Promise<Response> {
  const issue =
    input.issueText !== undefined
      ? { type: 'plain_text_input', value: input.issueText }
      : { type: 'external_select', selected_option: input.issueOption ? { value: input.issueOption } : null };
  return target.interaction({
    type: 'view_submission',
    user: {
      id: userId,
      username: userId.toLowerCase(),
      name: userId.toLowerCase(),
      team_id: target.slack.teamId,
    },
    view: {
      id: 'VMODAL',
      type: 'modal',
      callback_id: VIEWS.classifyModal,
      private_metadata: encodeModalMetadata({ sessionId, ...(input.origin ? { origin: input.origin } : {}) }),
      state: {
        values: {
          [MODAL_FIELDS.classBlock]: {
            [MODAL_FIELDS.classInput]: {
              type: 'radio_buttons',
              selected_option: input.cls ? { value: input.cls } : null,
            },
          },
          [MODAL_FIELDS.noteBlock]: {
            [MODAL_FIELDS.noteInput]: { type: 'plain_text_input', value: input.note ?? null },
          },
          [MODAL_FIELDS.issueBlock]: { [MODAL_FIELDS.issueInput]: issue },
        },
      },
      blocks: [],
      hash: 'h',
    },
  });
}

describe('the note / issue modal', () => {
  it('opens from the overflow, validates inline, then records the note and the issue and updates the DM', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 6]);
    await clickInMessage(app, dm, {
      userId: ALICE,
      actionId: ACTIONS.sessionOverflow,
      type: 'overflow',
      selectedOption: { value: encodeSessionAction({ sessionId: ids[0]!, op: 'note' }) },
    });
    await callsReach(app, 'views.open', 1);
    const opened = app.slack.modals.at(-1)!.view;
    expect(opened.callback_id).toBe(VIEWS.classifyModal);
    // LINEAR_API_KEY is set: the issue field is the Linear search (external select).
    expect(JSON.stringify(opened.blocks)).toContain('"type":"external_select"');
    const origin = { channel: dm.channel, ts: dm.ts };
    expect(JSON.parse(String(opened.private_metadata))).toMatchObject({ s: ids[0], o: origin });

    const bad = await submitModal(app, ALICE, ids[0]!, {
      cls: 'wasteful',
      note: 'x'.repeat(600),
      issueOption: 'bogus',
      origin,
    });
    expect(await bad.json()).toMatchObject({
      response_action: 'errors',
      errors: {
        [MODAL_FIELDS.noteBlock]: expect.any(String),
        [MODAL_FIELDS.issueBlock]: expect.stringContaining('ENG-123'),
      },
    });
    expect((await sessionById(c, ids[0]!)).classification).toBeUndefined();

    app.linear.addIssue({ identifier: 'ENG-42', title: 'Fix flaky tests' });
    const ok = await submitModal(app, ALICE, ids[0]!, {
      cls: 'wasteful',
      note: ' retry loop on flaky tests ',
      issueOption: 'ENG-42',
      origin,
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    await callsReach(app, 'chat.update', 1);
    const session = await sessionById(c, ids[0]!);
    expect(session.classification).toMatchObject({
      class: 'wasteful',
      by: 'self',
      note: 'retry loop on flaky tests',
    });
    expect(session.links).toContainEqual(
      expect.objectContaining({ identifier: 'ENG-42', evidence: 'manual', confirmed: true }),
    );
    const updated = messageAt(app, dm.channel, dm.ts);
    expect(blockIds(updated.blocks)).toContain(`classified:${ids[0]}`);
    expect(JSON.stringify(updated.blocks)).toContain('retry loop on flaky tests');
    expect(JSON.stringify(updated.blocks)).toContain('Issue: ENG-42');

    // Re-opening shows what was saved; a one-click change keeps the note.
    await clickElement(app, structuredClone(updated), ALICE, ACTIONS.classifyProductive, ids[0]);
    await callsReach(app, 'chat.update', 2);
    expect((await sessionById(c, ids[0]!)).classification).toMatchObject({
      class: 'productive',
      note: 'retry loop on flaky tests',
    });
  });
});

describe('Slack failures after the ack', () => {
  it('never lose the answer: a failed chat.update is healed by the next click', async () => {
    const { dm, ids } = await prompted(ALICE, [5, 6]);
    app.slack.failNext('chat.update', { kind: 'error', error: 'internal_error' });
    await clickElement(app, dm, ALICE, ACTIONS.classifyProductive, ids[0]);
    await callsReach(app, 'chat.update', 1);
    expect((await sessionById(c, ids[0]!)).classification?.class).toBe('productive');
    expect(messageAt(app, dm.channel, dm.ts).updatedAt).toBeUndefined();

    await clickElement(app, dm, ALICE, ACTIONS.classifyExploratory, ids[1]);
    await callsReach(app, 'chat.update', 2);
    const healed = messageAt(app, dm.channel, dm.ts);
    expect(blockIds(healed.blocks)).toEqual(
      expect.arrayContaining([`classified:${ids[0]}`, `classified:${ids[1]}`]),
    );
  });
});

describe('Slack API calls per classified session', () => {
  async function classifyEach(dm: PostedMessage, userId: string, ids: string[]) {
    for (const [i, id] of ids.entries()) {
      await clickElement(
        app,
        structuredClone(messageAt(app, dm.channel, dm.ts)),
        userId,
        ACTIONS.classifyProductive,
        id,
      );
      await callsReach(app, 'chat.update', i + 1);
    }
    await settled();
  }

  it('measures prompt + one click each, with and without an App Home, and bulk', async () => {
    const costs = Array.from({ length: 10 }, (_, i) => 2 + i);
    let mark = app.slack.calls.length;
    const first = await prompted(CAROL, costs);
    await classifyEach(first.dm, CAROL, first.ids);
    const noHome = callsSince(mark);
    expect(noHome.filter((m) => m === 'users.info')).toHaveLength(1);
    expect(noHome.filter((m) => m === 'chat.postMessage')).toHaveLength(1);
    expect(noHome.filter((m) => m === 'chat.update')).toHaveLength(10);
    expect(noHome.length / 10).toBe(1.2);

    await resetData(app);
    await openHome(app, ALICE);
    await callsReach(app, 'views.publish', 1);
    mark = app.slack.calls.length;
    const second = await prompted(ALICE, costs);
    await classifyEach(second.dm, ALICE, second.ids);
    const withHome = callsSince(mark);
    expect(withHome.filter((m) => m === 'views.publish')).toHaveLength(10);
    expect(withHome.length / 10).toBe(2.2);

    await resetData(app);
    mark = app.slack.calls.length;
    const third = await prompted(CAROL, costs);
    const select = findElement(third.dm.blocks, ACTIONS.bulkClassify);
    await clickElement(app, third.dm, CAROL, ACTIONS.bulkClassify, undefined, {
      selectedOption: (select.element.options as Record<string, unknown>[])[0],
    });
    await callsReach(app, 'chat.update', 1);
    await settled();
    expect(await c.sessions.countDocuments({ 'classification.class': 'productive' })).toBe(10);
    const bulk = callsSince(mark);
    expect(bulk.length / 10).toBe(0.3);
  });
});

describe('plain-text issue field (no Linear key)', async () => {
  const plainClock = new TestClock(new Date('2025-01-13T16:31:00Z'));
  const plainApp = await useTestApp({
    users: USERS,
    env: { LINEAR_API_KEY: '' },
    service: { now: plainClock.now, startJobs: false },
  });

  it('uses an ABC-123 text input and validates it inline', async () => {
    const pc = plainApp.service.deps.collections;
    const [id] = await seedClosedSessions(pc, [
      { userId: CAROL, startedAt: '2025-01-13T09:00:00Z', costUsd: 3 },
    ]);
    await runPromptDue(plainApp.service.deps);
    const dm = dmsTo(plainApp, CAROL)[0]!;
    await clickInMessage(plainApp, dm, {
      userId: CAROL,
      actionId: ACTIONS.sessionOverflow,
      type: 'overflow',
      selectedOption: {
        value: encodeSessionAction({ sessionId: (id as ObjectId).toHexString(), op: 'note' }),
      },
    });
    await eventually(() => plainApp.slack.modals.length === 1);
    const blocks = JSON.stringify(plainApp.slack.modals[0]!.view.blocks);
    expect(blocks).not.toContain('external_select');
    expect(blocks).toContain('ENG-123');

    const sessionId = (id as ObjectId).toHexString();
    const bad = await submitModal(plainApp, CAROL, sessionId, { cls: 'productive', issueText: 'ENG 12' });
    expect(await bad.json()).toMatchObject({
      response_action: 'errors',
      errors: { [MODAL_FIELDS.issueBlock]: expect.any(String) },
    });
    const ok = await submitModal(plainApp, CAROL, sessionId, { cls: 'productive', issueText: 'pay-7' });
    expect(ok.status).toBe(200);
    await eventually(async () => (await sessionById(pc, sessionId)).links.length > 0);
    const saved = await sessionById(pc, sessionId);
    expect(saved.classification?.class).toBe('productive');
    expect(saved.links.map((l) => l.identifier)).toEqual(['PAY-7']);
  });
});

describe('/ai-roi prefs', () => {
  it('shows the current mode with the local time, and changes it', async () => {
    await app.command('prefs', BOB);
    await eventually(() => app.slack.responses.length === 1);
    const shown = ephemeralTexts(app)[0]!;
    expect(app.slack.responses[0]!.body.response_type).toBe('ephemeral');
    expect(shown).toContain('once a day (default)');
    expect(shown).toContain('the workspace default');
    expect(shown).toContain('16:30 your time (America/New_York)');

    await app.command('prefs weekly', BOB);
    await eventually(() => app.slack.responses.length === 2);
    expect(ephemeralTexts(app)[1]).toContain('Fridays at 16:30');
    expect((await c.people.findOne({ slackUserId: BOB }))?.promptMode).toBe('weekly');

    await app.command('prefs hourly', BOB);
    await eventually(() => app.slack.responses.length === 3);
    expect(ephemeralTexts(app)[2]).toContain('/ai-roi prefs');
    expect((await c.people.findOne({ slackUserId: BOB }))?.promptMode).toBe('weekly');
  });
});
