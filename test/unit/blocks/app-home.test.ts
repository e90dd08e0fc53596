import type { ActionsBlock, Button, SectionBlock, StaticSelect } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { buildAppHome, MAX_HOME_QUEUE_ITEMS } from '../../../blocks/app-home.ts';
import { decodeBulkTarget, decodeSessionAction, parseSessionBlockId } from '../../../blocks/values.ts';
import { ACTIONS } from '../../../src/ids.ts';
import { allText, elementsOf, expectWithinLimits, makeSession, makeSessions } from './helpers.ts';

const week = {
  spendUsd: 4210,
  mix: { productive: 3000, exploratory: 800, wasteful: 210, unclassified: 200 },
  sessions: 42,
  linkedToIssues: 30,
};

const queuedIds = (blocks: readonly { block_id?: string }[]) =>
  blocks.map((b) => parseSessionBlockId(b.block_id)).filter((p) => p?.kind === 'session');

describe('buildAppHome', () => {
  it('shows the queue with the prompt’s buttons, my week, my team and my prompt preference', () => {
    const queue = [makeSession(1, { costUsd: 3 }), makeSession(2, { costUsd: 30 })];
    const view = buildAppHome({
      userName: 'Ada',
      queue,
      week,
      promptMode: 'weekly',
      team: { name: 'Platform', budgetUsd: 5000, spentUsd: 4210, periodLabel: 'in December' },
    });
    expectWithinLimits(view, 'home');
    expect(view.type).toBe('home');
    const text = allText(view.blocks);
    expect(text).toContain('AI sessions — Ada');
    expect(text).toContain('*Productive* — the session moved a deliverable');
    expect(text).toContain('2 unclassified sessions, $33');

    // Biggest first, each classifiable in place.
    expect(queuedIds(view.blocks).map((p) => p!.sessionId)).toEqual([queue[1]!.id, queue[0]!.id]);
    const row = view.blocks.find((b) => b.block_id === `actions:${queue[1]!.id}`) as ActionsBlock;
    expect(row.elements.map((e) => e.action_id)).toEqual([
      ACTIONS.classifyProductive,
      ACTIONS.classifyExploratory,
      ACTIONS.classifyWasteful,
      ACTIONS.openNote,
    ]);
    expect(decodeSessionAction((row.elements[3] as Button).value)).toEqual({
      sessionId: queue[1]!.id,
      op: 'note',
    });

    expect(text).toContain('*Spend*\n$4,210');
    expect(text).toContain('30 of 42');
    expect(text).toContain('95% of spend'); // classified share of spend
    expect(text).toContain('Productive $3,000 (71%)');
    expect(text).toContain('Unclassified $200 (5%)');
    expect(text).toContain('*Team Platform*: $4,210 of $5,000 in December (84%) :warning:');

    const pref = view.blocks.find((b) => b.block_id === 'prompt_mode') as SectionBlock;
    const select = pref.accessory as StaticSelect;
    expect(select.action_id).toBe(ACTIONS.setPromptMode);
    expect(select.options?.map((o) => o.value)).toEqual(['immediate', 'daily', 'weekly', 'off']);
    expect(select.initial_option?.value).toBe('weekly');
  });

  it('celebrates an empty queue and copes with no spend and no team', () => {
    const view = buildAppHome({
      queue: [],
      week: {
        spendUsd: 0,
        mix: { productive: 0, exploratory: 0, wasteful: 0, unclassified: 0 },
        sessions: 0,
        linkedToIssues: 0,
      },
      promptMode: 'off',
    });
    expectWithinLimits(view, 'home');
    expect(allText(view.blocks)).toContain('Your queue is empty');
    expect(view.blocks.some((b) => b.block_id === 'bulk')).toBe(false);
    expect(view.blocks.some((b) => b.block_id === 'team')).toBe(false);
  });

  it('lists at most what fits in 100 blocks and summarises the rest', () => {
    const queue = makeSessions(200);
    const view = buildAppHome({ queue, week, promptMode: 'daily', queueLimit: 500 });
    expectWithinLimits(view, 'home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(queuedIds(view.blocks)).toHaveLength(MAX_HOME_QUEUE_ITEMS);
    expect(allText(view.blocks)).toContain(`${200 - MAX_HOME_QUEUE_ITEMS} more`);
    const bulk = view.blocks.find((b) => b.block_id === 'bulk') as SectionBlock;
    const select = bulk.accessory as StaticSelect;
    expect(select.action_id).toBe(ACTIONS.bulkClassify);
    expect(select.confirm).toBeDefined();
    expect(decodeBulkTarget(select.options?.[0]?.value)?.class).toBe('productive');

    const defaultView = buildAppHome({ queue, week, promptMode: 'daily' });
    expect(queuedIds(defaultView.blocks)).toHaveLength(20);
  });

  it('handles long team and user names and an exhausted budget', () => {
    const view = buildAppHome({
      userName: 'N'.repeat(500),
      queue: [makeSession(1, { branch: '<b>'.repeat(1000) })],
      week,
      promptMode: 'immediate',
      team: { name: 'Team & <Friends> '.repeat(40), budgetUsd: 100, spentUsd: 150 },
    });
    expectWithinLimits(view, 'home');
    const team = allText(view.blocks.filter((b) => b.block_id === 'team'));
    expect(team).toContain('&amp; &lt;Friends&gt;');
    expect(team).toContain(':rotating_light:');
    const pairs = elementsOf(view.blocks).map((e) => `${e.blockId}/${String(e.element.action_id)}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });
});
