/**
 * A suggested class for a closed session, from the session's own data. Suggestions are
 * shown next to the buttons, never recorded as the engineer's answer; wasteful is only
 * ever suggested as "check", because the evidence for it is indirect.
 */
import { formatDuration, formatUsd } from './money.ts';
import type { Session, SessionSuggestion } from './types.ts';

export type SuggestionInput = Pick<Session, 'costUsd' | 'startedAt' | 'lastEventAt'> &
  Partial<
    Pick<Session, 'apiRequests' | 'apiErrors' | 'branch' | 'commits' | 'links' | 'outcomeIds' | 'closedAt'>
  >;

export interface SuggestionContext {
  /** Identifiers of linked Linear issues known to be completed (ENG-123). */
  completedIssues?: readonly string[];
  /**
   * Ids of outcomes that are shipped (not reopened). Absent: every id in the session's
   * outcomeIds counts as shipped, since outcomes are recorded when work ships.
   */
  shippedOutcomeIds?: readonly string[];
  /** A session at least this expensive counts as high-cost. Default $20. */
  highCostUsd?: number;
  /** A session at least this long counts as long. Default 2 h. */
  longSessionMs?: number;
  /** Error share of API calls from which errors count as "many". Default 0.25. */
  errorShare?: number;
  /** …and at least this many errors. Default 5. */
  minErrors?: number;
}

export interface Suggestion extends SessionSuggestion {
  /** What the suggestion rests on; `none` means there was no real signal. */
  basis: 'shipped' | 'branch' | 'errors' | 'commits' | 'no_commit' | 'link' | 'none';
}

export const SUGGESTION_DEFAULTS = {
  highCostUsd: 20,
  longSessionMs: 2 * 3_600_000,
  errorShare: 0.25,
  minErrors: 5,
} as const;

const EXPLORATORY_WORDS =
  /^(spikes?|proto(types?|typing)?|pocs?|explor(e|es|ing|ation|atory)|experiments?|experimental|research|investigat(e|es|ion|ing)|sandbox|playground|scratch)$/i;

/** The word in a branch name that marks it as exploratory, if any (`spike/auth`, `poc-cache`). */
export function exploratoryBranchWord(branch: string | undefined): string | undefined {
  if (!branch) return undefined;
  return branch.split(/[/\-_.\s]+/).find((word) => EXPLORATORY_WORDS.test(word));
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function suggestClass(session: SuggestionInput, context: SuggestionContext = {}): Suggestion {
  const highCostUsd = context.highCostUsd ?? SUGGESTION_DEFAULTS.highCostUsd;
  const longSessionMs = context.longSessionMs ?? SUGGESTION_DEFAULTS.longSessionMs;
  const errorShareLimit = context.errorShare ?? SUGGESTION_DEFAULTS.errorShare;
  const minErrors = context.minErrors ?? SUGGESTION_DEFAULTS.minErrors;

  const links = session.links ?? [];
  const commits = session.commits ?? [];
  const errors = session.apiErrors ?? 0;
  const calls = (session.apiRequests ?? 0) + errors;
  const durationMs = (session.closedAt ?? session.lastEventAt).getTime() - session.startedAt.getTime();
  const cost = formatUsd(session.costUsd);
  const duration = formatDuration(durationMs);

  const completed = links.find((link) => context.completedIssues?.includes(link.identifier));
  if (completed) {
    return {
      class: 'productive',
      basis: 'shipped',
      reason: `Linked issue ${completed.identifier} is completed.`,
    };
  }
  const outcomeIds = session.outcomeIds ?? [];
  // Outcomes are recorded when work ships, so without a list every linked outcome counts.
  const shipped = context.shippedOutcomeIds
    ? outcomeIds.filter((id) => context.shippedOutcomeIds?.includes(id))
    : outcomeIds;
  if (shipped.length > 0) {
    return { class: 'productive', basis: 'shipped', reason: 'Linked to work that shipped.' };
  }

  const word = exploratoryBranchWord(session.branch);
  if (word) {
    return {
      class: 'exploratory',
      basis: 'branch',
      reason: `Branch \`${session.branch}\` is marked “${word.toLowerCase()}”, which usually means exploration.`,
    };
  }

  if (errors >= minErrors && calls > 0 && errors / calls >= errorShareLimit) {
    return {
      class: 'wasteful',
      basis: 'errors',
      reason: `Check: ${errors} of ${calls} API calls failed — retry loop or wrong context?`,
    };
  }

  if (commits.length > 0) {
    return { class: 'productive', basis: 'commits', reason: `${plural(commits.length, 'commit')} recorded.` };
  }

  if (session.costUsd >= highCostUsd && durationMs >= longSessionMs) {
    return {
      class: 'wasteful',
      basis: 'no_commit',
      reason: `Check: ${cost} over ${duration} with no commit recorded — was it abandoned?`,
    };
  }

  const linked = links[0];
  if (linked) {
    return {
      class: 'productive',
      basis: 'link',
      reason: `Linked to ${linked.identifier}, not completed yet.`,
    };
  }

  return {
    class: 'exploratory',
    basis: 'none',
    reason: 'No commit, linked issue or error pattern to go on; pick what fits.',
  };
}
