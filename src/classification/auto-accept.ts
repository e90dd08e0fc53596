/**
 * Optional auto-accept (AUTO_ACCEPT_AFTER_DAYS > 0): a session still unanswered that many days after its
 * prompt gets its suggestion recorded with `by: 'auto'` — but only strong suggestions (linked work shipped,
 * commits recorded, a spike/prototype branch). "Check: wasteful" and no-signal guesses are never recorded
 * for anyone; a person's own answer always wins later (last write wins).
 */
import type { AppDeps } from '../deps.ts';
import { recordClassifications } from '../store/classification-store.ts';
import { refreshHomeAfterChange } from './home.ts';
import {
  loadSuggestionFacts,
  SESSION_VIEW_PROJECTION,
  type SessionView,
  suggestionFor,
} from './session-view.ts';

const STRONG_BASES = new Set(['shipped', 'commits', 'branch']);
const BATCH = 500;

export async function autoAcceptSuggestions(
  deps: Pick<AppDeps, 'collections' | 'config' | 'now' | 'slack' | 'logger'>,
): Promise<number> {
  const days = deps.config.AUTO_ACCEPT_AFTER_DAYS;
  if (days <= 0) return 0;
  const now = deps.now();
  const before = new Date(now.getTime() - days * 86_400_000);
  const sessions = (await deps.collections.sessions
    .find(
      {
        slackUserId: { $exists: true },
        closedAt: { $exists: true },
        classification: { $exists: false },
        'prompt.firstSentAt': { $lte: before },
        // Only sessions that can carry a strong signal, so weak ones never crowd the batch.
        $or: [
          { 'commits.0': { $exists: true } },
          { 'links.0': { $exists: true } },
          { 'outcomeIds.0': { $exists: true } },
          { branch: { $exists: true } },
        ],
      },
      { projection: SESSION_VIEW_PROJECTION },
    )
    .limit(BATCH)
    .toArray()) as SessionView[];
  if (sessions.length === 0) return 0;
  const facts = await loadSuggestionFacts(deps.collections, sessions);
  const accepted = sessions.flatMap((s) => {
    const suggestion = suggestionFor(s, facts);
    if (!STRONG_BASES.has(suggestion.basis) || suggestion.class === 'wasteful' || !s.slackUserId) return [];
    return [
      {
        sessionId: s._id,
        class: suggestion.class,
        by: 'auto' as const,
        userId: s.slackUserId,
        at: now,
        note: `Auto-accepted suggestion: ${suggestion.reason}`,
        onlyIfUnclassified: true,
      },
    ];
  });
  const results = await recordClassifications(deps.collections, accepted);
  const recorded = results.filter((r) => r.status === 'recorded').length;
  const people = new Set(accepted.map((a) => a.userId));
  for (const person of people) await refreshHomeAfterChange(deps, person);
  if (recorded > 0) deps.logger.info({ recorded }, 'auto-accepted strong suggestions');
  return recorded;
}
