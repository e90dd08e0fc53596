/**
 * The classify prompt DM: every unclassified session one click from an answer, inside the 50-block message
 * limit however many sessions there are (big ones listed and paged, small ones grouped, a bulk control).
 */
import type { KnownBlock, Overflow, PlainTextOption, StaticSelect } from '@slack/types';
import type { Classification, SessionClass, SessionSuggestion } from '../src/domain/types.ts';
import { SESSION_CLASSES } from '../src/domain/types.ts';
import { ACTIONS } from '../src/ids.ts';
import {
  CLASS_EMOJI,
  CLASS_LABEL,
  code,
  definitionsLine,
  formatDuration,
  formatUsd,
  plural,
  slackDate,
  userText,
} from './format.ts';
import {
  actions,
  button,
  confirmDialog,
  context,
  header,
  option,
  type SlackMessage,
  section,
} from './kit.ts';
import { LIMITS } from './limits.ts';
import {
  BULK_CLASSIFY_ACTION,
  CLASSIFY_ACTION,
  encodeBulkTarget,
  encodePage,
  encodeSessionAction,
  parseSessionBlockId,
  sessionBlockId,
} from './values.ts';

/** A session as the prompt, the App Home queue and the modal show it. */
export interface PromptSession {
  id: string;
  costUsd: number;
  durationMs: number;
  model?: string;
  repo?: string;
  branch?: string;
  /** Linear identifier, e.g. ENG-123. */
  linkedIssue?: string;
  suggestion: SessionSuggestion;
  startedAt: Date;
}

export interface ClassifyPromptInput {
  /** Every unclassified session of the engineer; the builder orders, pages and groups them. */
  sessions: readonly PromptSession[];
  /** 0-based page of the listed (above-floor) sessions. Out-of-range pages show the last page. */
  page?: number;
  /** Sessions cheaper than this are grouped into one line with one set of buttons. */
  costFloorUsd: number;
  /** Replaces the default summary line under the header (mrkdwn; escape user data). */
  intro?: string;
  /** Sessions listed per page; clamped to what fits in 50 blocks. */
  pageSize?: number;
  /** Deep link to the App Home tab (`slack://app?team=T…&id=A…&tab=home`), when known. */
  appHomeUrl?: string;
}

export const SMALL_GROUP_BLOCK_ID = 'small_group';
export const SMALL_GROUP_ACTIONS_BLOCK_ID = 'small_group_actions';
export const BULK_BLOCK_ID = 'bulk';
export const PAGING_BLOCK_ID = 'paging';
export const PAGING_ACTIONS_BLOCK_ID = 'paging_actions';

/** header, summary, definitions, small group (2), bulk, paging (2). */
const FIXED_PROMPT_BLOCKS = 8;
const BLOCKS_PER_SESSION = 2;
export const MAX_SESSIONS_PER_PROMPT_PAGE = Math.floor(
  (LIMITS.blocks.message - FIXED_PROMPT_BLOCKS) / BLOCKS_PER_SESSION,
);
export const DEFAULT_PROMPT_PAGE_SIZE = 15;

/** Biggest first: the sessions that matter most get answered before attention runs out. */
export function orderForPrompt<T extends Pick<PromptSession, 'id' | 'costUsd' | 'startedAt'>>(
  sessions: readonly T[],
): T[] {
  return [...sessions].sort(
    (a, b) =>
      b.costUsd - a.costUsd || a.startedAt.getTime() - b.startedAt.getTime() || a.id.localeCompare(b.id),
  );
}

export function buildClassifyPrompt(input: ClassifyPromptInput): SlackMessage {
  const { sessions, costFloorUsd } = input;
  if (sessions.length === 0) {
    return {
      text: 'Nothing left to classify. Thank you!',
      blocks: [section(':tada: Nothing left to classify. Thank you!')],
    };
  }
  const ordered = orderForPrompt(sessions);
  const smallCandidates = ordered.filter((s) => s.costUsd < costFloorUsd);
  // Grouping one session saves nothing; it is listed like the others.
  const small = smallCandidates.length >= 2 ? smallCandidates : [];
  const listed = small.length > 0 ? ordered.filter((s) => s.costUsd >= costFloorUsd) : ordered;

  const pageSize = Math.max(
    1,
    Math.min(input.pageSize ?? DEFAULT_PROMPT_PAGE_SIZE, MAX_SESSIONS_PER_PROMPT_PAGE),
  );
  const pages = Math.max(1, Math.ceil(listed.length / pageSize));
  const page = Math.min(Math.max(0, Math.floor(input.page ?? 0)), pages - 1);
  const shown = listed.slice(page * pageSize, (page + 1) * pageSize);

  const totalUsd = sessions.reduce((sum, s) => sum + s.costUsd, 0);
  const latestStart = new Date(Math.max(...sessions.map((s) => s.startedAt.getTime())));
  const count = plural(sessions.length, 'AI session');

  const blocks: KnownBlock[] = [
    header(sessions.length === 1 ? 'Classify your AI session' : `Classify ${count}`),
    section(
      input.intro ??
        `${count} to classify, ${formatUsd(totalUsd)} in all. One click each: the suggestion is only a guess, your answer is what counts.`,
    ),
    context([definitionsLine()]),
  ];
  for (const s of shown) blocks.push(...buildPromptSessionBlocks(s, { appHomeUrl: input.appHomeUrl }));

  if (small.length > 0) blocks.push(...buildSmallGroupBlocks(small, costFloorUsd));

  if (sessions.length > 1) {
    blocks.push(
      section(`*Done with the ones that matter?* Classify all ${sessions.length} remaining at once:`, {
        blockId: BULK_BLOCK_ID,
        accessory: bulkClassifySelect(
          sessions.length,
          latestStart,
          'in this batch, including any on other pages',
        ),
      }),
    );
  }

  if (pages > 1) {
    const from = page * pageSize + 1;
    const to = page * pageSize + shown.length;
    const more = listed.length - to;
    const next = page + 1 < pages ? page + 1 : 0;
    const note =
      more > 0
        ? `Showing ${from}–${to} of ${listed.length} listed sessions. ${more} more — see the next page or App Home.`
        : `Showing ${from}–${to} of ${listed.length} listed sessions (last page).`;
    blocks.push(context([note], PAGING_BLOCK_ID));
    const controls = [
      button(more > 0 ? `Next ${Math.min(pageSize, more)} →` : '← First page', ACTIONS.pageNext, {
        value: encodePage(next),
      }),
    ];
    if (input.appHomeUrl)
      controls.push(button('Open App Home', ACTIONS.openQueue, { url: input.appHomeUrl }));
    blocks.push(actions(controls, PAGING_ACTIONS_BLOCK_ID));
  }

  return {
    text: `You have ${count} to classify (${formatUsd(totalUsd)}): productive, exploratory or wasteful?`,
    blocks,
  };
}

/** One facts line for a session: cost, duration, model, repo/branch, linked issue, start. */
export function sessionFacts(s: PromptSession): string {
  const parts = [`*${formatUsd(s.costUsd)}*`, formatDuration(s.durationMs)];
  if (s.model) parts.push(userText(s.model, 40));
  if (s.repo && s.branch) parts.push(`${code(s.repo, 60)} on ${code(s.branch, 60)}`);
  else if (s.repo) parts.push(code(s.repo, 60));
  else if (s.branch) parts.push(code(s.branch, 60));
  if (s.linkedIssue) parts.push(`:link: ${userText(s.linkedIssue, 30)}`);
  parts.push(slackDate(s.startedAt));
  return parts.join(' · ');
}

function suggestionLine(s: PromptSession): string {
  return `Suggested: *${CLASS_LABEL[s.suggestion.class]}* — ${userText(s.suggestion.reason, 300)}`;
}

/**
 * The section + actions pair for one unanswered session. In messages the extras sit in an overflow menu;
 * App Home (already "home") gets a plain "Note / issue…" button instead.
 */
export function buildPromptSessionBlocks(
  s: PromptSession,
  options: { appHomeUrl?: string; surface?: 'message' | 'home' } = {},
): KnownBlock[] {
  const buttons = SESSION_CLASSES.map((c) =>
    button(`${CLASS_LABEL[c]}`, CLASSIFY_ACTION[c], {
      value: encodeSessionAction({ sessionId: s.id, class: c }),
      ...(c === s.suggestion.class ? { style: 'primary' as const } : {}),
    }),
  );
  return [
    section(`${sessionFacts(s)}\n${suggestionLine(s)}`, { blockId: sessionBlockId('session', s.id) }),
    actions(
      [
        ...buttons,
        options.surface === 'home'
          ? button('Note / issue…', ACTIONS.openNote, {
              value: encodeSessionAction({ sessionId: s.id, op: 'note' }),
            })
          : sessionOverflow(s.id, options.appHomeUrl),
      ],
      sessionBlockId('actions', s.id),
    ),
  ];
}

function sessionOverflow(sessionId: string, appHomeUrl?: string): Overflow {
  const home: PlainTextOption = option('Open in App Home', encodeSessionAction({ sessionId, op: 'home' }));
  if (appHomeUrl) home.url = appHomeUrl;
  return {
    type: 'overflow',
    action_id: ACTIONS.sessionOverflow,
    options: [option('Add a note / link an issue', encodeSessionAction({ sessionId, op: 'note' })), home],
  };
}

function buildSmallGroupBlocks(small: readonly PromptSession[], costFloorUsd: number): KnownBlock[] {
  const total = small.reduce((sum, s) => sum + s.costUsd, 0);
  const latestStart = new Date(Math.max(...small.map((s) => s.startedAt.getTime())));
  const fallback = { startedUpTo: latestStart, belowCostUsd: costFloorUsd };
  const repos = [...new Set(small.map((s) => s.repo).filter((r): r is string => Boolean(r)))];
  const where =
    repos.length > 0
      ? ` in ${repos
          .slice(0, 3)
          .map((r) => code(r, 40))
          .join(', ')}${repos.length > 3 ? ` and ${plural(repos.length - 3, 'other repo')}` : ''}`
      : '';
  return [
    section(
      `*${plural(small.length, 'small session')}* under ${formatUsd(costFloorUsd)} each (${formatUsd(total)} in all)${where}. Classify these ${small.length} as:`,
      { blockId: SMALL_GROUP_BLOCK_ID },
    ),
    actions(
      SESSION_CLASSES.map((c) =>
        button(CLASS_LABEL[c], BULK_CLASSIFY_ACTION[c], {
          value: encodeBulkTarget(
            { class: c, sessionIds: small.map((s) => s.id) },
            LIMITS.buttonValue,
            fallback,
          ),
        }),
      ),
      SMALL_GROUP_ACTIONS_BLOCK_ID,
    ),
  ];
}

/**
 * "Classify all remaining as…", with a confirmation. Each option carries the class and the latest start time,
 * so the listener classifies the clicking user's unclassified sessions up to then (not ones that arrive later).
 */
export function bulkClassifySelect(count: number, latestStart: Date, scope: string): StaticSelect {
  return {
    type: 'static_select',
    action_id: ACTIONS.bulkClassify,
    placeholder: { type: 'plain_text', text: 'Classify all remaining as…' },
    options: SESSION_CLASSES.map((c) =>
      option(CLASS_LABEL[c], encodeBulkTarget({ class: c, startedUpTo: latestStart }, LIMITS.optionValue)),
    ),
    confirm: confirmDialog(
      'Classify all remaining?',
      `This records the class you picked for all ${plural(count, 'unclassified session')} ${scope}. You can change each one later from App Home.`,
      'Classify all',
    ),
  };
}

/** What was recorded, as the prompt shows it after a click. */
export interface RecordedClassification {
  class: SessionClass;
  by?: Classification['by'];
  at?: Date;
  note?: string;
  /** Linear identifier linked in the same answer. */
  issue?: string;
}

/**
 * The in-place replacement for one session's two blocks after it was classified: what was recorded, and
 * one-click "change to …" / "undo" controls. Same block count as the unanswered pair, new block ids.
 */
export function buildClassifiedSessionBlocks(
  session: PromptSession,
  classification: RecordedClassification,
): KnownBlock[] {
  const c = classification.class;
  const who =
    classification.by === 'manager'
      ? 'by a manager'
      : classification.by === 'auto'
        ? 'automatically'
        : 'by you';
  const when = classification.at ? ` ${slackDate(classification.at, '{date_short_pretty} at {time}')}` : '';
  const extra: string[] = [];
  if (classification.note) extra.push(`Note: _${userText(classification.note, 500)}_`);
  if (classification.issue) extra.push(`Issue: ${userText(classification.issue, 30)}`);
  const text = [
    `${CLASS_EMOJI[c]} *${CLASS_LABEL[c]}* — recorded ${who}${when}`,
    sessionFacts(session),
    ...(extra.length > 0 ? [extra.join(' · ')] : []),
  ].join('\n');
  const change = SESSION_CLASSES.filter((other) => other !== c).map((other) =>
    button(`Change to ${CLASS_LABEL[other]}`, CLASSIFY_ACTION[other], {
      value: encodeSessionAction({ sessionId: session.id, class: other }),
    }),
  );
  return [
    section(text, { blockId: sessionBlockId('classified', session.id) }),
    actions(
      [
        ...change,
        button('Undo', ACTIONS.undoClassification, {
          value: encodeSessionAction({ sessionId: session.id, op: 'undo' }),
        }),
        {
          type: 'overflow',
          action_id: ACTIONS.sessionOverflow,
          options: [
            option('Edit note / linked issue', encodeSessionAction({ sessionId: session.id, op: 'note' })),
            option('Open in App Home', encodeSessionAction({ sessionId: session.id, op: 'home' })),
          ],
        },
      ],
      sessionBlockId('classified_actions', session.id),
    ),
  ];
}

/** Replaces the small-session group after one of its buttons was clicked. */
export function buildSmallGroupClassifiedBlocks(input: {
  class: SessionClass;
  count: number;
  totalUsd: number;
}): KnownBlock[] {
  return [
    section(
      `${CLASS_EMOJI[input.class]} *${CLASS_LABEL[input.class]}* recorded for ${plural(input.count, 'small session')} (${formatUsd(input.totalUsd)}). Change any of them from App Home.`,
      { blockId: `${SMALL_GROUP_BLOCK_ID}_done` },
    ),
  ];
}

/** The whole prompt message after "classify all remaining as …". */
export function buildBulkClassifiedMessage(input: {
  class: SessionClass;
  count: number;
  totalUsd: number;
  appHomeUrl?: string;
}): SlackMessage {
  const summary = `${CLASS_EMOJI[input.class]} *${CLASS_LABEL[input.class]}* recorded for ${plural(input.count, 'session')} (${formatUsd(input.totalUsd)}).`;
  const blocks: KnownBlock[] = [
    header('Sessions classified'),
    section(`${summary} Thank you! You can change any of them from App Home.`),
  ];
  if (input.appHomeUrl) {
    blocks.push(
      actions([button('Open App Home', ACTIONS.openQueue, { url: input.appHomeUrl })], 'bulk_done'),
    );
  }
  return {
    text: `${CLASS_LABEL[input.class]} recorded for ${plural(input.count, 'session')} (${formatUsd(input.totalUsd)}).`,
    blocks,
  };
}

/**
 * Swaps a session's blocks (found by block_id, whatever state they are in) for `replacement`, keeping the
 * rest of the message as Slack sent it. Returns the input unchanged when the session is not in it.
 */
export function replaceSessionBlocks<B extends { block_id?: string }>(
  blocks: readonly B[],
  sessionId: string,
  replacement: readonly KnownBlock[],
): (B | KnownBlock)[] {
  return replaceBlocks(blocks, (b) => parseSessionBlockId(b.block_id)?.sessionId === sessionId, replacement);
}

/** Swaps the small-session group for `replacement`. */
export function replaceSmallGroupBlocks<B extends { block_id?: string }>(
  blocks: readonly B[],
  replacement: readonly KnownBlock[],
): (B | KnownBlock)[] {
  return replaceBlocks(
    blocks,
    (b) => b.block_id === SMALL_GROUP_BLOCK_ID || b.block_id === SMALL_GROUP_ACTIONS_BLOCK_ID,
    replacement,
  );
}

function replaceBlocks<B extends { block_id?: string }>(
  blocks: readonly B[],
  match: (block: B) => boolean,
  replacement: readonly KnownBlock[],
): (B | KnownBlock)[] {
  const first = blocks.findIndex(match);
  if (first < 0) return [...blocks];
  const out: (B | KnownBlock)[] = blocks.slice(0, first);
  out.push(...replacement);
  for (const b of blocks.slice(first + 1)) if (!match(b)) out.push(b);
  return out;
}
