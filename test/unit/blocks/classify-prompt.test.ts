import type { ActionsBlock, Button, KnownBlock, Overflow, SectionBlock, StaticSelect } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  BULK_BLOCK_ID,
  buildBulkClassifiedMessage,
  buildClassifiedSessionBlocks,
  buildClassifyPrompt,
  buildSmallGroupClassifiedBlocks,
  MAX_SESSIONS_PER_PROMPT_PAGE,
  PAGING_ACTIONS_BLOCK_ID,
  replaceSessionBlocks,
  replaceSmallGroupBlocks,
  SMALL_GROUP_ACTIONS_BLOCK_ID,
  SMALL_GROUP_BLOCK_ID,
} from '../../../blocks/classify-prompt.ts';
import {
  decodeBulkTarget,
  decodePage,
  decodeSessionAction,
  parseSessionBlockId,
} from '../../../blocks/values.ts';
import { ACTIONS } from '../../../src/ids.ts';
import { allText, elementsOf, expectWithinLimits, makeSession, makeSessions } from './helpers.ts';

const byId = (blocks: readonly KnownBlock[], id: string) => blocks.find((b) => b.block_id === id);
const sectionText = (b: KnownBlock | undefined) =>
  ((b as SectionBlock | undefined)?.text?.text ?? '') as string;
const listedSessionIds = (blocks: readonly KnownBlock[]) =>
  blocks
    .map((b) => parseSessionBlockId(b.block_id))
    .filter((p) => p?.kind === 'session')
    .map((p) => p!.sessionId);

describe('buildClassifyPrompt', () => {
  it('shows one session with its facts, the definitions, a suggestion and three one-click buttons', () => {
    const session = makeSession(1, {
      costUsd: 12.4,
      durationMs: 42 * 60_000,
      linkedIssue: 'ENG-123',
      suggestion: { class: 'productive', reason: 'linked issue ENG-123 completed' },
    });
    const msg = buildClassifyPrompt({ sessions: [session], costFloorUsd: 0.5 });
    expectWithinLimits(msg, 'message');

    expect(msg.text).toContain('1 AI session');
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Classify your AI session' } });
    const text = allText(msg.blocks);
    expect(text).toContain('*Productive* — the session moved a deliverable');
    expect(text).toContain('*Exploratory* — deliberate learning');
    expect(text).toContain('*Wasteful* — spend that produced nothing');

    const facts = sectionText(byId(msg.blocks, `session:${session.id}`));
    for (const fact of [
      '$12.40',
      '42m',
      'claude-sonnet-4-5',
      '`acme/api`',
      '`feat/ENG-101-thing`',
      'ENG-123',
    ]) {
      expect(facts).toContain(fact);
    }
    expect(facts).toContain('Suggested: *Productive* — linked issue ENG-123 completed');
    expect(facts).toMatch(/<!date\^\d+\^/);

    const row = byId(msg.blocks, `actions:${session.id}`) as ActionsBlock;
    const buttons = row.elements.filter((e): e is Button => e.type === 'button');
    expect(buttons.map((b) => b.action_id)).toEqual([
      ACTIONS.classifyProductive,
      ACTIONS.classifyExploratory,
      ACTIONS.classifyWasteful,
    ]);
    expect(buttons.map((b) => decodeSessionAction(b.value))).toEqual([
      { sessionId: session.id, class: 'productive' },
      { sessionId: session.id, class: 'exploratory' },
      { sessionId: session.id, class: 'wasteful' },
    ]);
    expect(buttons.map((b) => b.style)).toEqual(['primary', undefined, undefined]);

    const overflow = row.elements.find((e): e is Overflow => e.type === 'overflow')!;
    expect(overflow.action_id).toBe(ACTIONS.sessionOverflow);
    expect(overflow.options.map((o) => o.text.text)).toEqual([
      'Add a note / link an issue',
      'Open in App Home',
    ]);
    expect(overflow.options.map((o) => decodeSessionAction(o.value)?.op)).toEqual(['note', 'home']);

    // One session: no bulk control, no paging.
    expect(byId(msg.blocks, BULK_BLOCK_ID)).toBeUndefined();
    expect(byId(msg.blocks, PAGING_ACTIONS_BLOCK_ID)).toBeUndefined();
  });

  it('says thank you when there is nothing to classify', () => {
    const msg = buildClassifyPrompt({ sessions: [], costFloorUsd: 1 });
    expectWithinLimits(msg, 'message');
    expect(msg.text).toMatch(/Nothing left/);
  });

  it('pages 200 sessions inside 50 blocks, biggest first, every session on exactly one page', () => {
    const sessions = makeSessions(200, { costUsd: 0 }).map((s, i) => ({ ...s, costUsd: 1 + i }));
    const first = buildClassifyPrompt({ sessions, costFloorUsd: 0.5 });
    expectWithinLimits(first, 'message');
    expect(first.blocks.length).toBeLessThanOrEqual(50);
    expect(first.text).toContain('200 AI sessions');

    const ids = listedSessionIds(first.blocks);
    expect(ids.length).toBe(15);
    expect(ids[0]).toBe(sessions[199]!.id); // most expensive first

    const paging = byId(first.blocks, PAGING_ACTIONS_BLOCK_ID) as ActionsBlock;
    const next = paging.elements[0] as Button;
    expect(next.action_id).toBe(ACTIONS.pageNext);
    expect(decodePage(next.value)).toBe(1);
    expect(allText(first.blocks)).toContain('185 more');

    const seen = new Set<string>();
    let page = 0;
    for (let guard = 0; guard < 50; guard++) {
      const msg = buildClassifyPrompt({ sessions, costFloorUsd: 0.5, page });
      expectWithinLimits(msg, 'message');
      for (const id of listedSessionIds(msg.blocks)) {
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
      const nextPage = decodePage(
        ((byId(msg.blocks, PAGING_ACTIONS_BLOCK_ID) as ActionsBlock).elements[0] as Button).value,
      );
      if (nextPage === 0) {
        expect(allText(msg.blocks)).toContain('First page');
        break;
      }
      page = nextPage!;
    }
    expect(seen.size).toBe(200);
  });

  it('clamps page size to what fits and out-of-range pages to the last page', () => {
    const sessions = makeSessions(200, { costUsd: 5 });
    const big = buildClassifyPrompt({ sessions, costFloorUsd: 0.5, pageSize: 1000 });
    expectWithinLimits(big, 'message');
    expect(listedSessionIds(big.blocks).length).toBe(MAX_SESSIONS_PER_PROMPT_PAGE);
    const last = buildClassifyPrompt({ sessions, costFloorUsd: 0.5, page: 999 });
    expectWithinLimits(last, 'message');
    expect(listedSessionIds(last.blocks).length).toBe(200 - 13 * 15);
  });

  it('groups sessions below the cost floor into one line with one set of buttons', () => {
    const big = makeSessions(3, { costUsd: 10 });
    const small = makeSessions(8, { costUsd: 0.1 }).map((s, i) => ({ ...s, id: `small${i}` }));
    const msg = buildClassifyPrompt({ sessions: [...big, ...small], costFloorUsd: 0.5 });
    expectWithinLimits(msg, 'message');
    expect(listedSessionIds(msg.blocks)).toHaveLength(3);
    expect(sectionText(byId(msg.blocks, SMALL_GROUP_BLOCK_ID))).toContain(
      '*8 small sessions* under $0.50 each ($0.80 in all)',
    );
    const row = byId(msg.blocks, SMALL_GROUP_ACTIONS_BLOCK_ID) as ActionsBlock;
    expect(row.elements.map((e) => e.action_id)).toEqual([
      ACTIONS.bulkClassifyProductive,
      ACTIONS.bulkClassifyExploratory,
      ACTIONS.bulkClassifyWasteful,
    ]);
    expect(decodeBulkTarget((row.elements[2] as Button).value)).toEqual({
      class: 'wasteful',
      sessionIds: small.map((s) => s.id),
    });
  });

  it('lists a single small session instead of grouping it', () => {
    const msg = buildClassifyPrompt({ sessions: [makeSession(1, { costUsd: 0.1 })], costFloorUsd: 0.5 });
    expect(byId(msg.blocks, SMALL_GROUP_BLOCK_ID)).toBeUndefined();
    expect(listedSessionIds(msg.blocks)).toHaveLength(1);
  });

  it('falls back to a query when the small sessions’ ids do not fit in a button value', () => {
    const small = makeSessions(200, { costUsd: 0.01 });
    const msg = buildClassifyPrompt({ sessions: small, costFloorUsd: 0.5 });
    expectWithinLimits(msg, 'message');
    const row = byId(msg.blocks, SMALL_GROUP_ACTIONS_BLOCK_ID) as ActionsBlock;
    const latest = Math.max(...small.map((s) => s.startedAt.getTime()));
    expect(decodeBulkTarget((row.elements[0] as Button).value)).toEqual({
      class: 'productive',
      startedUpTo: new Date(latest),
      belowCostUsd: 0.5,
    });
  });

  it('offers "classify all remaining as…" with a confirmation', () => {
    const sessions = makeSessions(30);
    const msg = buildClassifyPrompt({ sessions, costFloorUsd: 0.5 });
    const select = (byId(msg.blocks, BULK_BLOCK_ID) as SectionBlock).accessory as StaticSelect;
    expect(select.action_id).toBe(ACTIONS.bulkClassify);
    expect(select.placeholder?.text).toBe('Classify all remaining as…');
    expect(select.confirm?.text.text).toContain('30 unclassified sessions');
    const latest = new Date(Math.max(...sessions.map((s) => s.startedAt.getTime())));
    expect(select.options!.map((o) => decodeBulkTarget(o.value))).toEqual([
      { class: 'productive', startedUpTo: latest },
      { class: 'exploratory', startedUpTo: latest },
      { class: 'wasteful', startedUpTo: latest },
    ]);
  });

  it('escapes and shortens hostile or very long user data', () => {
    const session = makeSession(1, {
      branch: `feat/<!channel>&${'x'.repeat(5000)}`,
      repo: `<@U123>/${'r'.repeat(400)}`,
      model: 'm'.repeat(300),
      suggestion: { class: 'wasteful', reason: `retry <loop> ${'y'.repeat(5000)}` },
    });
    const msg = buildClassifyPrompt({ sessions: [session], costFloorUsd: 0 });
    expectWithinLimits(msg, 'message');
    const text = sectionText(byId(msg.blocks, `session:${session.id}`));
    expect(text).toContain('feat/&lt;!channel&gt;&amp;');
    expect(text).toContain('&lt;@U123&gt;');
    expect(text).not.toContain('<!channel>');
    expect(text.length).toBeLessThan(1200);
  });

  it('keeps (block_id, action_id) pairs unique and every action block identifiable', () => {
    const msg = buildClassifyPrompt({
      sessions: [
        ...makeSessions(40),
        ...makeSessions(5, { costUsd: 0.01 }).map((s, i) => ({ ...s, id: `s${i}` })),
      ],
      costFloorUsd: 0.5,
      appHomeUrl: 'slack://app?team=T1&id=A1&tab=home',
    });
    expectWithinLimits(msg, 'message');
    const pairs = elementsOf(msg.blocks).map((e) => `${e.blockId}/${String(e.element.action_id)}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(elementsOf(msg.blocks).every((e) => e.blockId)).toBe(true);
    const paging = byId(msg.blocks, PAGING_ACTIONS_BLOCK_ID) as ActionsBlock;
    expect(paging.elements[1]).toMatchObject({
      action_id: ACTIONS.openQueue,
      url: 'slack://app?team=T1&id=A1&tab=home',
    });
  });

  it('uses the given intro instead of the default summary line', () => {
    const msg = buildClassifyPrompt({
      sessions: makeSessions(2),
      costFloorUsd: 0,
      intro: 'Reminder: two left.',
    });
    expect(sectionText(msg.blocks[1])).toBe('Reminder: two left.');
  });
});

describe('after a click', () => {
  const session = makeSession(7, { suggestion: { class: 'exploratory', reason: 'spike branch' } });

  it('shows what was recorded with change and undo controls, under new block ids', () => {
    const blocks = buildClassifiedSessionBlocks(session, {
      class: 'exploratory',
      by: 'self',
      at: new Date('2025-12-08T10:00:00Z'),
      note: 'tried <b>tags</b> & more',
      issue: 'ENG-9',
    });
    expectWithinLimits({ text: 'x', blocks }, 'message');
    expect(blocks.map((b) => b.block_id)).toEqual([
      `classified:${session.id}`,
      `classified_actions:${session.id}`,
    ]);
    const text = sectionText(blocks[0]);
    expect(text).toContain('*Exploratory* — recorded by you');
    expect(text).toContain('tried &lt;b&gt;tags&lt;/b&gt; &amp; more');
    expect(text).toContain('ENG-9');
    const row = blocks[1] as ActionsBlock;
    const buttons = row.elements.filter((e): e is Button => e.type === 'button');
    expect(buttons.map((b) => b.text.text)).toEqual(['Change to Productive', 'Change to Wasteful', 'Undo']);
    expect(decodeSessionAction(buttons[0]!.value)).toEqual({ sessionId: session.id, class: 'productive' });
    expect(buttons[2]!.action_id).toBe(ACTIONS.undoClassification);
    expect(decodeSessionAction(buttons[2]!.value)).toEqual({ sessionId: session.id, op: 'undo' });
  });

  it('replaces exactly that session in the message, whatever state it is in', () => {
    const sessions = makeSessions(20);
    const msg = buildClassifyPrompt({ sessions, costFloorUsd: 0 });
    const target = sessions[3]!;
    const done = buildClassifiedSessionBlocks(target, { class: 'wasteful' });
    const updated = replaceSessionBlocks(msg.blocks, target.id, done);
    expectWithinLimits({ text: msg.text, blocks: updated }, 'message');
    expect(updated.length).toBe(msg.blocks.length);
    expect(updated.filter((b) => b.block_id?.includes(target.id)).map((b) => b.block_id)).toEqual([
      `classified:${target.id}`,
      `classified_actions:${target.id}`,
    ]);
    // Undo: back to the unanswered pair in the same place.
    const original = msg.blocks.filter((b) => b.block_id?.endsWith(target.id));
    const undone = replaceSessionBlocks(updated, target.id, original);
    expect(undone).toEqual(msg.blocks);
    // Unknown session: unchanged.
    expect(replaceSessionBlocks(msg.blocks, 'nope', done)).toEqual(msg.blocks);
  });

  it('replaces the small-session group after a bulk click', () => {
    const sessions = [
      ...makeSessions(2, { costUsd: 5 }),
      ...makeSessions(4, { costUsd: 0.1 }).map((s, i) => ({ ...s, id: `x${i}` })),
    ];
    const msg = buildClassifyPrompt({ sessions, costFloorUsd: 1 });
    const updated = replaceSmallGroupBlocks(
      msg.blocks,
      buildSmallGroupClassifiedBlocks({ class: 'productive', count: 4, totalUsd: 0.4 }),
    );
    expectWithinLimits({ text: msg.text, blocks: updated }, 'message');
    expect(updated.length).toBe(msg.blocks.length - 1);
    expect(allText(updated)).toContain('*Productive* recorded for 4 small sessions ($0.40)');
    expect(updated.some((b) => b.block_id === SMALL_GROUP_ACTIONS_BLOCK_ID)).toBe(false);
  });

  it('summarises the whole message after "classify all remaining"', () => {
    const msg = buildBulkClassifiedMessage({
      class: 'wasteful',
      count: 200,
      totalUsd: 1234.5,
      appHomeUrl: 'slack://app?team=T&id=A&tab=home',
    });
    expectWithinLimits(msg, 'message');
    expect(msg.text).toBe('Wasteful recorded for 200 sessions ($1,235).');
    expect(allText(msg.blocks)).toContain('App Home');
  });
});
