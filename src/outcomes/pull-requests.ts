/**
 * A merged pull request is an outcome (kind `pr`, ref `owner/repo#N`). Sessions count toward it when they
 * worked on its head branch in the same repository before the merge, recorded one of its commits (head or
 * merge commit, any prefix of 7+ characters), or link a Linear issue named in its title or branch. Sessions
 * found by branch or commit also get links to those issues (evidence `pr`), confirmed with Linear.
 */
import type { ObjectId } from 'mongodb';
import type { OutcomeDoc } from '../db/collections.ts';
import { extractFromAll } from '../domain/identifiers.ts';
import type { IssueLink } from '../domain/types.ts';
import { linkFromLookup } from './auto-link.ts';
import type { OutcomeDeps } from './deps.ts';
import { linearFor } from './linear.ts';
import {
  addIssueLinks,
  attachSessions,
  attachToIssueOutcomes,
  isLiveLink,
  isSharedBranch,
  shaPrefixes,
} from './links.ts';

/** Linear lookups inside a webhook request stay short: GitHub gives up after 10 s. */
const WEBHOOK_LOOKUP_TIMEOUT_MS = 2_000;

export interface MergedPullRequest {
  /** "owner/name" of the base repository. */
  repo: string;
  number: number;
  title: string;
  url: string;
  mergedAt: Date;
  headBranch: string;
  /** "owner/name" of the head repository when it differs (forks). */
  headRepo?: string;
  baseBranch: string;
  defaultBranch?: string;
  mergeCommit?: string;
  headSha?: string;
}

export interface PullRequestResult {
  outcomeId: string;
  ref: string;
  identifiers: string[];
  sessionIds: string[];
}

export function pullRequestRef(repo: string, number: number): string {
  return `${repo}#${number}`;
}

export async function recordMergedPullRequest(
  deps: OutcomeDeps,
  pr: MergedPullRequest,
): Promise<PullRequestResult> {
  const now = deps.now();
  const ref = pullRequestRef(pr.repo, pr.number);
  const identifiers = extractFromAll([pr.title, pr.headBranch]);
  const details: OutcomeDoc['details'] = { repo: pr.repo, number: pr.number, headBranch: pr.headBranch };
  if (pr.mergeCommit) details.mergeCommit = pr.mergeCommit.toLowerCase();
  if (pr.headSha) details.headSha = pr.headSha.toLowerCase();
  if (pr.headRepo && pr.headRepo !== pr.repo) details.headRepo = pr.headRepo;
  if (identifiers.length) details.issues = identifiers.join(',');
  const outcome = await deps.collections.outcomes.findOneAndUpdate(
    { kind: 'pr', ref },
    {
      $set: {
        state: 'merged',
        completedAt: pr.mergedAt,
        title: pr.title,
        url: pr.url,
        updatedAt: now,
        details,
      },
      $setOnInsert: { createdAt: now, sessionIds: [] },
    },
    { upsert: true, returnDocument: 'after', projection: { _id: 1 } },
  );
  const outcomeId = outcome!._id!;

  // Which of the named issues Linear knows (cached; short timeout; unknown ones are not linked).
  const linear = linearFor(deps);
  const issueLinks: IssueLink[] = [];
  for (const identifier of identifiers) {
    const lookup = await linear.getIssue(identifier, { timeoutMs: WEBHOOK_LOOKUP_TIMEOUT_MS });
    issueLinks.push(linkFromLookup(identifier, 'pr', lookup, now));
  }
  const liveIssues = issueLinks.filter(isLiveLink).map((link) => link.identifier);

  const or: Record<string, unknown>[] = [];
  if (!isSharedBranch(pr.headBranch, pr.baseBranch, pr.defaultBranch)) {
    const repos = [...new Set([pr.repo, pr.headRepo].filter((r): r is string => Boolean(r)))];
    or.push({
      branch: pr.headBranch,
      startedAt: { $lte: pr.mergedAt },
      $or: [{ repo: { $in: repos } }, { repo: { $exists: false } }],
    });
  }
  const prefixes = shaPrefixes([pr.mergeCommit, pr.headSha]);
  if (prefixes.length) or.push({ commits: { $in: prefixes } });
  const byWork = or.length
    ? await deps.collections.sessions.find({ $or: or }, { projection: { _id: 1 } }).toArray()
    : [];
  const byIssue = liveIssues.length
    ? await deps.collections.sessions
        .find({ 'links.identifier': { $in: liveIssues } }, { projection: { _id: 1, links: 1 } })
        .toArray()
    : [];

  const workIds = byWork.flatMap((s) => (s._id ? [s._id] : []));
  for (const sessionId of workIds) {
    await addIssueLinks(deps.collections, sessionId, issueLinks);
    await attachToIssueOutcomes(deps.collections, sessionId, liveIssues);
  }
  const issueIds = byIssue
    .filter((s) => s.links.some((link) => liveIssues.includes(link.identifier) && isLiveLink(link)))
    .flatMap((s) => (s._id ? [s._id] : []));
  const all = uniqueIds([...workIds, ...issueIds]);
  await attachSessions(deps.collections, outcomeId, all);
  return {
    outcomeId: outcomeId.toHexString(),
    ref,
    identifiers,
    sessionIds: all.map((id) => id.toHexString()),
  };
}

function uniqueIds(ids: ObjectId[]): ObjectId[] {
  const seen = new Map<string, ObjectId>();
  for (const id of ids) seen.set(id.toHexString(), id);
  return [...seen.values()];
}
