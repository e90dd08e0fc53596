import type { ObjectId } from 'mongodb';
import type { PromptSession, RecordedClassification } from '../../blocks/classify-prompt.ts';
import type { Collections, SessionDoc } from '../db/collections.ts';
import { decodeKey } from '../db/collections.ts';
import { type Suggestion, suggestClass } from '../domain/suggest.ts';

/** What the prompt, the modal and App Home read from a session (never prompt text: it is not stored). */
export const SESSION_VIEW_PROJECTION = {
  slackUserId: 1,
  startedAt: 1,
  lastEventAt: 1,
  closedAt: 1,
  costUsd: 1,
  apiRequests: 1,
  apiErrors: 1,
  models: 1,
  repo: 1,
  branch: 1,
  commits: 1,
  links: 1,
  outcomeIds: 1,
  classification: 1,
  prompt: 1,
} as const;

export type SessionView = Pick<
  SessionDoc,
  | 'slackUserId'
  | 'startedAt'
  | 'lastEventAt'
  | 'closedAt'
  | 'costUsd'
  | 'apiRequests'
  | 'apiErrors'
  | 'models'
  | 'repo'
  | 'branch'
  | 'commits'
  | 'links'
  | 'outcomeIds'
  | 'classification'
  | 'prompt'
> & { _id: ObjectId };

export interface SuggestionFacts {
  /** Linked Linear identifiers known (from the issue cache) to be completed. */
  completedIssues: Set<string>;
}

/** One query for the whole batch: which linked issues are completed. */
export async function loadSuggestionFacts(
  collections: Collections,
  sessions: readonly Pick<SessionDoc, 'links'>[],
): Promise<SuggestionFacts> {
  const identifiers = [...new Set(sessions.flatMap((s) => (s.links ?? []).map((l) => l.identifier)))];
  if (identifiers.length === 0) return { completedIssues: new Set() };
  const completed = await collections.linearIssues
    .find({ identifier: { $in: identifiers }, stateType: 'completed' }, { projection: { identifier: 1 } })
    .toArray();
  return { completedIssues: new Set(completed.map((issue) => issue.identifier)) };
}

/** The model with the most calls, for the one-line facts. */
function mainModel(models: Record<string, number> | undefined): string | undefined {
  const entries = Object.entries(models ?? {});
  if (entries.length === 0) return undefined;
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return decodeKey(entries[0]![0]);
}

/** The issue the engineer linked by hand wins over one found in a branch name. */
export function linkedIssueOf(session: Pick<SessionDoc, 'links'>): string | undefined {
  const links = session.links ?? [];
  const manual = links.filter((l) => l.evidence === 'manual').at(-1);
  return (manual ?? links[0])?.identifier;
}

/** The suggested class for a session, from its own data and the issue cache. */
export function suggestionFor(session: SessionView, facts: SuggestionFacts): Suggestion {
  return suggestClass(
    {
      costUsd: session.costUsd ?? 0,
      startedAt: session.startedAt,
      lastEventAt: session.lastEventAt,
      apiRequests: session.apiRequests,
      apiErrors: session.apiErrors,
      branch: session.branch,
      commits: session.commits ?? [],
      links: session.links ?? [],
      outcomeIds: session.outcomeIds ?? [],
      ...(session.closedAt ? { closedAt: session.closedAt } : {}),
    },
    { completedIssues: [...facts.completedIssues] },
  );
}

export function toPromptSession(session: SessionView, facts: SuggestionFacts): PromptSession {
  // The session ends at its last event; closedAt comes an idle timeout later.
  const end = session.lastEventAt;
  const suggestion = suggestionFor(session, facts);
  const view: PromptSession = {
    id: session._id.toHexString(),
    costUsd: session.costUsd ?? 0,
    durationMs: Math.max(0, end.getTime() - session.startedAt.getTime()),
    suggestion: { class: suggestion.class, reason: suggestion.reason },
    startedAt: session.startedAt,
  };
  const model = mainModel(session.models);
  if (model) view.model = model;
  if (session.repo) view.repo = session.repo;
  if (session.branch) view.branch = session.branch;
  const issue = linkedIssueOf(session);
  if (issue) view.linkedIssue = issue;
  return view;
}

export function recordedOf(session: SessionView): RecordedClassification | undefined {
  const c = session.classification;
  if (!c) return undefined;
  const recorded: RecordedClassification = { class: c.class, by: c.by, at: c.at };
  if (c.note) recorded.note = c.note;
  const manual = (session.links ?? []).filter((l) => l.evidence === 'manual').at(-1);
  if (manual) recorded.issue = manual.identifier;
  return recorded;
}

/** A person's closed, unanswered sessions (the App Home queue and the bulk target). */
export function unansweredFilter(slackUserId: string) {
  return { slackUserId, closedAt: { $exists: true }, classification: { $exists: false } };
}

/**
 * A person's unanswered sessions, biggest first, with what the builders need (optionally narrowed, e.g. to
 * the sessions of one prompt). `limit` bounds the read for people with a very long queue.
 */
export async function loadUnanswered(
  collections: Collections,
  slackUserId: string,
  options: { limit: number; scope?: Record<string, unknown> },
): Promise<{ sessions: SessionView[]; facts: SuggestionFacts }> {
  const sessions = (await collections.sessions
    .find({ ...options.scope, ...unansweredFilter(slackUserId) }, { projection: SESSION_VIEW_PROJECTION })
    .sort({ costUsd: -1, startedAt: 1 })
    .limit(options.limit)
    .toArray()) as SessionView[];
  return { sessions, facts: await loadSuggestionFacts(collections, sessions) };
}
