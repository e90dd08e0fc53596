/** App Home: my unclassified queue (classifiable in place), my last 7 days, my team vs budget, my prompt preference. */
import type { HomeView, KnownBlock, PlainTextOption, StaticSelect } from '@slack/types';
import type { PromptMode } from '../src/domain/types.ts';
import { ACTIONS } from '../src/ids.ts';
import {
  buildPromptSessionBlocks,
  bulkClassifySelect,
  orderForPrompt,
  type PromptSession,
} from './classify-prompt.ts';
import {
  bar,
  type ClassMixUsd,
  coverageOf,
  definitionsLine,
  formatMix,
  formatShare,
  formatUsd,
  plural,
  userText,
} from './format.ts';
import { context, divider, fieldsSection, header, option, section } from './kit.ts';
import { LIMITS } from './limits.ts';

export interface AppHomeInput {
  userName?: string;
  /** Every unclassified session of the user; the view lists the biggest first and summarises the rest. */
  queue: readonly PromptSession[];
  week: {
    spendUsd: number;
    /** Spend per class in USD. */
    mix: ClassMixUsd;
    sessions: number;
    linkedToIssues: number;
  };
  promptMode: PromptMode;
  team?: {
    name: string;
    budgetUsd?: number;
    spentUsd: number;
    /** Share of the budget used, 0..1 (computed from the two amounts when absent). */
    pct?: number;
    /** e.g. "December" or "this week". */
    periodLabel?: string;
  };
  /** Queue items listed before "N more"; clamped to what fits in 100 blocks. */
  queueLimit?: number;
}

export const PROMPT_MODE_LABEL: Record<PromptMode, string> = {
  immediate: 'As soon as a session closes',
  daily: 'Once a day (default)',
  weekly: 'Once a week',
  off: 'Never (App Home only)',
};

/** header, definitions, queue summary, "N more", bulk, divider, week header, week fields, mix, divider, team, divider, preference, footer. */
const FIXED_HOME_BLOCKS = 14;
export const MAX_HOME_QUEUE_ITEMS = Math.floor((LIMITS.blocks.home - FIXED_HOME_BLOCKS) / 2);
export const DEFAULT_HOME_QUEUE_ITEMS = 20;

const modeOption = (mode: PromptMode): PlainTextOption => option(PROMPT_MODE_LABEL[mode], mode);

export function buildAppHome(input: AppHomeInput): HomeView {
  const limit = Math.max(1, Math.min(input.queueLimit ?? DEFAULT_HOME_QUEUE_ITEMS, MAX_HOME_QUEUE_ITEMS));
  const queue = orderForPrompt(input.queue);
  const shown = queue.slice(0, limit);
  const hidden = queue.slice(limit);
  const queueUsd = queue.reduce((sum, s) => sum + s.costUsd, 0);

  const blocks: KnownBlock[] = [
    header(input.userName ? `AI sessions — ${input.userName}` : 'Your AI sessions'),
    context([definitionsLine()]),
  ];

  if (queue.length === 0) {
    blocks.push(
      section('*Your queue is empty.* :tada: Every closed session has an answer.', { blockId: 'queue' }),
    );
  } else {
    blocks.push(
      section(
        `*Your queue:* ${plural(queue.length, 'unclassified session')}, ${formatUsd(queueUsd)}. Biggest first.`,
        {
          blockId: 'queue',
        },
      ),
    );
    for (const s of shown) blocks.push(...buildPromptSessionBlocks(s, { surface: 'home' }));
    if (hidden.length > 0) {
      const hiddenUsd = hidden.reduce((sum, s) => sum + s.costUsd, 0);
      blocks.push(
        context(
          [
            `${hidden.length} more (${formatUsd(hiddenUsd)}) not shown. They appear here as you classify the ones above.`,
          ],
          'queue_more',
        ),
      );
    }
    if (queue.length > 1) {
      const latest = new Date(Math.max(...queue.map((s) => s.startedAt.getTime())));
      const select = bulkClassifySelect(queue.length, latest, 'in your queue');
      blocks.push(section(`Classify all ${queue.length} at once:`, { blockId: 'bulk', accessory: select }));
    }
  }

  const { week } = input;
  blocks.push(divider(), header('Your last 7 days'));
  blocks.push(
    fieldsSection(
      [
        `*Spend*\n${formatUsd(week.spendUsd)}`,
        `*Sessions*\n${week.sessions.toLocaleString('en-US')}`,
        `*Linked to issues*\n${week.linkedToIssues.toLocaleString('en-US')} of ${week.sessions.toLocaleString('en-US')}`,
        `*Classified*\n${formatShare(coverageOf(week.mix))} of spend`,
      ],
      'week',
    ),
  );
  blocks.push(section(formatMix(week.mix), { blockId: 'week_mix' }));

  if (input.team) blocks.push(divider(), section(teamLine(input.team), { blockId: 'team' }));

  const select: StaticSelect = {
    type: 'static_select',
    action_id: ACTIONS.setPromptMode,
    options: (['immediate', 'daily', 'weekly', 'off'] as const).map(modeOption),
    initial_option: modeOption(input.promptMode),
  };
  blocks.push(
    divider(),
    section('*Ask me to classify sessions*', { blockId: 'prompt_mode', accessory: select }),
    context([
      'Answers are self-reported; suggestions are never recorded as your answer. Leadership digests show teams, never individuals.',
    ]),
  );

  return { type: 'home', blocks };
}

function teamLine(team: NonNullable<AppHomeInput['team']>): string {
  const name = `*Team ${userText(team.name, 80)}*`;
  const period = team.periodLabel ? ` ${userText(team.periodLabel, 40)}` : '';
  if (team.budgetUsd === undefined || team.budgetUsd <= 0) {
    return `${name}: ${formatUsd(team.spentUsd)} spent${period}. No budget set.`;
  }
  const pct = team.pct ?? team.spentUsd / team.budgetUsd;
  const warn = pct >= 1 ? ' :rotating_light:' : pct >= 0.8 ? ' :warning:' : '';
  return `${name}: ${formatUsd(team.spentUsd)} of ${formatUsd(team.budgetUsd)}${period} (${formatShare(pct)})${warn}\n\`${bar(pct)}\``;
}
