/**
 * Linking sessions to Linear issues.
 *
 * Evidence, strongest first: an identifier a person chose (`/ai-roi link`, the classify modal, or a
 * `linearIssue` the sender put on usage events) is `manual`; one in the session's branch name is `branch`
 * (Linear's default form `ana/eng-123-fix-login` included); identifiers in a merged PR's title or branch
 * reach the sessions matched to that PR as `pr` (see pull-requests.ts). Sessions carry commit SHAs but not
 * commit messages, so there is no `commit` evidence from messages yet.
 *
 * Every identifier is checked with Linear before it counts: confirmed → linked; Linear does not know it →
 * kept as unconfirmed evidence (checkedAt set) and never attached to an outcome; Linear not configured or not
 * answering → unconfirmed without checkedAt, and the link-sessions job asks again later. A branch with no
 * identifier is looked up with Linear's own branch matcher (`issueVcsBranchSearch`).
 *
 * When it runs: the `link-sessions` job (every few minutes, sessions changed since their last check), when
 * a session closes (jobs/close-idle-sessions.ts calls linkSessionIssues), and on manual links.
 */
import type { ObjectId } from 'mongodb';
import { recordAudit } from '../access/audit.ts';
import type { SessionDoc } from '../db/collections.ts';
import { extractIssueIdentifiers, parseIssueIdentifier } from '../domain/identifiers.ts';
import type { IssueLink, LinkEvidence } from '../domain/types.ts';
import type { LinearIssueInfo } from '../linear/api.ts';
import type { IssueLookup, LinearIssues } from '../linear/issues.ts';
import type { OutcomeDeps } from './deps.ts';
import { linearFor } from './linear.ts';
import {
  addIssueLinks,
  attachSessions,
  attachToIssueOutcomes,
  isLiveLink,
  isSharedBranch,
  toObjectId,
} from './links.ts';

/** Linear lookups made while linking wait at most this long (the job retries what timed out). */
const LOOKUP_TIMEOUT_MS = 5_000;

type LinkableSession = Pick<
  SessionDoc,
  '_id' | 'source' | 'sessionKey' | 'branch' | 'repo' | 'commits' | 'links' | 'startedAt'
>;

const LINKABLE_PROJECTION = {
  _id: 1,
  source: 1,
  sessionKey: 1,
  branch: 1,
  repo: 1,
  commits: 1,
  links: 1,
  startedAt: 1,
} as const;

export interface SessionLinkResult {
  sessionId: string;
  /** Identifiers newly linked (any confirmation state). */
  added: string[];
  /** Outcomes the session was attached to during this run (refs). */
  outcomes: string[];
}

/** Turn one Linear answer into the link to store (the identifier Linear answered with wins: issues move teams). */
export function linkFromLookup(
  identifier: string,
  evidence: LinkEvidence,
  lookup: IssueLookup,
  now: Date,
): IssueLink {
  if (lookup.status === 'found') {
    return { identifier: lookup.issue.identifier, evidence, confirmed: true, at: now, checkedAt: now };
  }
  if (lookup.status === 'not_found')
    return { identifier, evidence, confirmed: false, at: now, checkedAt: now };
  return { identifier, evidence, confirmed: false, at: now };
}

/**
 * Find, confirm and store issue links for these sessions, then attach them to outcomes already recorded
 * (an issue completed or a PR merged before the session was linked). Safe to call repeatedly and from
 * several instances at once. Unknown or malformed ids are skipped.
 */
export async function linkSessionIssues(
  deps: OutcomeDeps,
  sessionIds: readonly (string | ObjectId)[],
): Promise<SessionLinkResult[]> {
  const ids = sessionIds.flatMap((id) => {
    const oid = toObjectId(id);
    return oid ? [oid] : [];
  });
  if (ids.length === 0) return [];
  const sessions = await deps.collections.sessions
    .find({ _id: { $in: ids } }, { projection: LINKABLE_PROJECTION })
    .toArray();
  const linear = linearFor(deps);
  const results: SessionLinkResult[] = [];
  for (const session of sessions) {
    try {
      results.push(await linkOneSession(deps, linear, session));
    } catch (error) {
      deps.logger.warn({ err: error, sessionId: session._id?.toHexString() }, 'linking a session failed');
    }
  }
  return results;
}

async function linkOneSession(
  deps: OutcomeDeps,
  linear: LinearIssues,
  session: LinkableSession,
): Promise<SessionLinkResult> {
  const sessionId = session._id!;
  const now = deps.now();
  const existing = new Map((session.links ?? []).map((link) => [link.identifier, link]));

  const candidates = new Map<string, LinkEvidence>();
  const declared = await deps.collections.usageEvents.distinct('linearIssue', {
    source: session.source,
    sessionKey: session.sessionKey,
    linearIssue: { $exists: true },
  });
  for (const value of declared) {
    const identifier = typeof value === 'string' ? parseIssueIdentifier(value) : null;
    if (identifier && !candidates.has(identifier)) candidates.set(identifier, 'manual');
  }
  const branchIds = session.branch ? extractIssueIdentifiers(session.branch) : [];
  for (const identifier of branchIds) if (!candidates.has(identifier)) candidates.set(identifier, 'branch');

  const links: IssueLink[] = [];
  for (const [identifier, evidence] of candidates) {
    const known = existing.get(identifier);
    // Confirmed, or already denied by Linear: nothing to ask.
    if (known && (known.confirmed || known.checkedAt)) continue;
    const lookup = await linear.getIssue(identifier, { timeoutMs: LOOKUP_TIMEOUT_MS });
    links.push(linkFromLookup(identifier, evidence, lookup, now));
  }

  // No identifier in the branch: ask Linear which issue (if any) uses this branch.
  const hasBranchLink = [...existing.values()].some((link) => link.evidence === 'branch');
  if (
    session.branch &&
    branchIds.length === 0 &&
    !hasBranchLink &&
    linear.enabled &&
    !isSharedBranch(session.branch)
  ) {
    const lookup = await linear.issueByBranch(session.branch, { timeoutMs: LOOKUP_TIMEOUT_MS });
    if (lookup.status === 'found') links.push(linkFromLookup(lookup.issue.identifier, 'branch', lookup, now));
  }

  const added = await addIssueLinks(deps.collections, sessionId, links);
  const live = new Set<string>();
  for (const link of [...existing.values(), ...links]) if (isLiveLink(link)) live.add(link.identifier);
  const outcomes = await attachToIssueOutcomes(deps.collections, sessionId, [...live]);
  outcomes.push(...(await attachToPullRequestOutcomes(deps, linear, session)));
  await deps.collections.sessions.updateOne({ _id: sessionId }, { $set: { linkCheckedAt: now } });
  return { sessionId: sessionId.toHexString(), added, outcomes };
}

/**
 * PRs merged before this session was linked: same branch (and repo) and started before the merge, or a
 * shared commit. The session also gets the PR's issues as `pr` links, as if it had been there at the merge.
 */
async function attachToPullRequestOutcomes(
  deps: OutcomeDeps,
  linear: LinearIssues,
  session: LinkableSession,
): Promise<string[]> {
  const or: Record<string, unknown>[] = [];
  if (session.branch && !isSharedBranch(session.branch)) {
    or.push({
      'details.headBranch': session.branch,
      completedAt: { $gte: session.startedAt },
      ...(session.repo ? { 'details.repo': session.repo } : {}),
    });
  }
  const commits = (session.commits ?? []).filter((sha) => /^[0-9a-f]{7,40}$/i.test(sha));
  for (const sha of commits.slice(0, 50)) {
    const pattern = `^${sha.toLowerCase()}`;
    or.push({ 'details.mergeCommit': { $regex: pattern } }, { 'details.headSha': { $regex: pattern } });
  }
  if (or.length === 0) return [];
  const prs = await deps.collections.outcomes
    .find({ kind: 'pr', $or: or }, { projection: { _id: 1, ref: 1, details: 1 } })
    .toArray();
  const now = deps.now();
  const refs: string[] = [];
  for (const pr of prs) {
    if (!pr._id) continue;
    await attachSessions(deps.collections, pr._id, [session._id!]);
    refs.push(pr.ref);
    const named = String(pr.details?.issues ?? '')
      .split(',')
      .filter(Boolean);
    const links: IssueLink[] = [];
    for (const identifier of named) {
      const lookup = await linear.getIssue(identifier, { timeoutMs: LOOKUP_TIMEOUT_MS });
      links.push(linkFromLookup(identifier, 'pr', lookup, now));
    }
    await addIssueLinks(deps.collections, session._id!, links);
    const live = links.filter(isLiveLink).map((link) => link.identifier);
    refs.push(...(await attachToIssueOutcomes(deps.collections, session._id!, live)));
  }
  return refs;
}

export type ManualLinkStatus = 'linked' | 'already_linked' | 'unknown_issue' | 'unconfirmed';

export interface ManualLinkResult {
  status: ManualLinkStatus;
  identifier: string;
  issue?: LinearIssueInfo;
  /** Outcomes the session now counts toward (refs). */
  outcomes: string[];
}

/**
 * Link a session to an issue a person named (the caller checks who may). Linear confirms it when it can;
 * an identifier Linear does not know is kept as unconfirmed evidence and not counted.
 */
export async function linkSessionManually(
  deps: OutcomeDeps,
  input: { sessionId: ObjectId; identifier: string; userId: string },
): Promise<ManualLinkResult> {
  const now = deps.now();
  const session = await deps.collections.sessions.findOne(
    { _id: input.sessionId },
    { projection: { links: 1 } },
  );
  const before = session?.links?.find((link) => link.identifier === input.identifier);
  const lookup = await linearFor(deps).getIssue(input.identifier, { timeoutMs: LOOKUP_TIMEOUT_MS });
  const link = linkFromLookup(input.identifier, 'manual', lookup, now);
  const alreadyConfirmed = (session?.links ?? []).some(
    (l) => l.identifier === link.identifier && l.confirmed,
  );
  await addIssueLinks(deps.collections, input.sessionId, [link]);
  const outcomes = isLiveLink(link)
    ? await attachToIssueOutcomes(deps.collections, input.sessionId, [link.identifier])
    : [];
  await recordAudit(
    deps.collections,
    {
      actor: input.userId,
      action: 'session.link',
      target: `session:${input.sessionId.toHexString()}`,
      ...(before ? { before: { identifier: before.identifier, confirmed: before.confirmed } } : {}),
      after: { identifier: link.identifier, confirmed: link.confirmed, evidence: link.evidence },
    },
    now,
  );
  const issue = lookup.status === 'found' ? lookup.issue : undefined;
  const status: ManualLinkStatus =
    lookup.status === 'not_found'
      ? 'unknown_issue'
      : lookup.status === 'unavailable'
        ? 'unconfirmed'
        : alreadyConfirmed
          ? 'already_linked'
          : 'linked';
  return { status, identifier: link.identifier, ...(issue ? { issue } : {}), outcomes };
}
