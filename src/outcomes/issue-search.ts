/**
 * Options for the classify modal's Linear issue search (`block_suggestion`). Slack waits 3 s for the answer,
 * so Linear gets SEARCH_BUDGET_MS; when it is slower, rate-limited, failing or not configured, the answer is
 * built without it: the identifier the person typed (ENG-123, eng-123, a branch name containing one) and
 * issues already in the cache. A typed identifier is always offered, so a link can be made even when Linear
 * is down; it is confirmed with Linear when the modal is saved.
 */
import type { IssueRef } from '../../blocks/classify-modal.ts';
import { extractIssueIdentifiers, parseIssueIdentifier } from '../domain/identifiers.ts';
import type { LinearIssueInfo } from '../linear/api.ts';
import type { OutcomeDeps } from './deps.ts';
import { linearFor } from './linear.ts';

export const SEARCH_BUDGET_MS = 1500;
const CACHE_MATCHES = 25;
const MAX_QUERY = 100;

export interface IssueSuggestions {
  issues: IssueRef[];
  /** linear: Linear answered; fallback: identifier matching and the cache only. */
  source: 'linear' | 'fallback';
  reason?: string;
}

function ref(issue: LinearIssueInfo): IssueRef {
  return { identifier: issue.identifier, title: issue.title };
}

export async function suggestIssues(
  deps: OutcomeDeps,
  query: string,
  budgetMs = SEARCH_BUDGET_MS,
): Promise<IssueSuggestions> {
  const term = query.trim().slice(0, MAX_QUERY);
  if (!term) return { issues: [], source: 'fallback', reason: 'empty query' };
  const typed = parseIssueIdentifier(term) ?? extractIssueIdentifiers(term)[0];
  const linear = linearFor(deps);
  const [search, cached] = await Promise.all([
    linear.searchIssues(term, { timeoutMs: budgetMs }),
    linear.searchCache(typed ?? term, CACHE_MATCHES).catch(() => [] as LinearIssueInfo[]),
  ]);
  if (search.status === 'ok') {
    const issues = search.issues.map(ref);
    if (typed && !issues.some((issue) => issue.identifier === typed)) {
      const known = cached.find((issue) => issue.identifier === typed);
      issues.unshift(known ? ref(known) : { identifier: typed, title: '(not found in Linear)' });
    }
    return { issues, source: 'linear' };
  }
  const issues = cached.map(ref);
  if (typed && !issues.some((issue) => issue.identifier === typed)) {
    issues.unshift({ identifier: typed, title: '(checked with Linear when saved)' });
  }
  return { issues, source: 'fallback', reason: search.reason };
}
