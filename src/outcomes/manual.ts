/**
 * Outcomes recorded by hand: "feature shipped", "result delivered". Kind `manual`, state `shipped`, attached
 * to the sessions named and to every session linked to the issues named. Recording the same link (URL) again
 * updates the same outcome; without a URL the title and day identify it, so a retried request never makes a
 * second record.
 */
import type { ObjectId } from 'mongodb';
import { recordAudit } from '../access/audit.ts';
import { parseIssueIdentifier } from '../domain/identifiers.ts';
import type { OutcomeDeps } from './deps.ts';
import { attachSessions, isLiveLink, toObjectId } from './links.ts';

export const MAX_MANUAL_TITLE = 200;
export const MAX_MANUAL_SESSIONS = 200;

export interface ManualOutcomeInput {
  title: string;
  url?: string;
  /** When it shipped; defaults to now. */
  completedAt?: Date;
  /** Slack user id of the manager who recorded it, or a label such as "api". */
  recordedBy: string;
  /** Session ids (24 hex). */
  sessionIds?: readonly string[];
  /** Linear identifiers: sessions linked to them count toward this outcome. */
  issues?: readonly string[];
  team?: string;
}

export interface ManualOutcomeResult {
  outcomeId: string;
  ref: string;
  created: boolean;
  sessionIds: string[];
  /** Session ids given that do not exist or are malformed. */
  unknownSessions: string[];
  /** Identifiers given that are not identifiers. */
  invalidIssues: string[];
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'outcome'
  );
}

/** The idempotency key of a manual outcome. */
export function manualOutcomeRef(
  input: Pick<ManualOutcomeInput, 'title' | 'url'>,
  completedAt: Date,
): string {
  if (input.url) return `url:${input.url.trim()}`;
  return `title:${slug(input.title)}:${completedAt.toISOString().slice(0, 10)}`;
}

export async function recordManualOutcome(
  deps: OutcomeDeps,
  input: ManualOutcomeInput,
): Promise<ManualOutcomeResult> {
  const title = input.title.trim().slice(0, MAX_MANUAL_TITLE);
  if (!title) throw new Error('A manual outcome needs a title');
  const now = deps.now();
  const completedAt = input.completedAt ?? now;
  const ref = manualOutcomeRef({ title, ...(input.url ? { url: input.url } : {}) }, completedAt);

  const sessionIds: ObjectId[] = [];
  const unknownSessions: string[] = [];
  for (const raw of (input.sessionIds ?? []).slice(0, MAX_MANUAL_SESSIONS)) {
    const id = toObjectId(raw);
    if (id) sessionIds.push(id);
    else unknownSessions.push(raw);
  }
  const found = sessionIds.length
    ? await deps.collections.sessions.find({ _id: { $in: sessionIds } }, { projection: { _id: 1 } }).toArray()
    : [];
  const foundHex = new Set(found.map((s) => s._id!.toHexString()));
  for (const id of sessionIds) if (!foundHex.has(id.toHexString())) unknownSessions.push(id.toHexString());

  const issues: string[] = [];
  const invalidIssues: string[] = [];
  for (const raw of input.issues ?? []) {
    const identifier = parseIssueIdentifier(raw);
    if (identifier) issues.push(identifier);
    else invalidIssues.push(raw);
  }
  const linked = issues.length
    ? await deps.collections.sessions
        .find({ 'links.identifier': { $in: issues } }, { projection: { _id: 1, links: 1 } })
        .toArray()
    : [];
  const viaIssues = linked.filter((s) => s.links.some((l) => issues.includes(l.identifier) && isLiveLink(l)));

  const before = await deps.collections.outcomes.findOne(
    { kind: 'manual', ref },
    { projection: { _id: 1, title: 1, url: 1, team: 1, details: 1, completedAt: 1, sessionIds: 1 } },
  );
  const details: Record<string, string> = {};
  if (issues.length) details.issues = issues.join(',');
  const outcome = await deps.collections.outcomes.findOneAndUpdate(
    { kind: 'manual', ref },
    {
      $set: {
        state: 'shipped',
        title,
        ...(input.completedAt ? { completedAt } : {}),
        recordedBy: input.recordedBy,
        updatedAt: now,
        details,
        ...(input.url ? { url: input.url.trim() } : {}),
        ...(input.team ? { team: input.team } : {}),
      },
      // Recording it again without a date keeps the date it shipped.
      $setOnInsert: { createdAt: now, sessionIds: [], ...(input.completedAt ? {} : { completedAt }) },
    },
    { upsert: true, returnDocument: 'after', projection: { _id: 1 } },
  );
  const outcomeId = outcome!._id!;
  const attach = [...found, ...viaIssues].flatMap((s) => (s._id ? [s._id] : []));
  const unique = [...new Map(attach.map((id) => [id.toHexString(), id])).values()];
  await attachSessions(deps.collections, outcomeId, unique);
  // Recording the same outcome again (a retried request) changes nothing and leaves no second audit row.
  const unchanged =
    before !== null &&
    before.title === title &&
    (before.url ?? undefined) === (input.url ? input.url.trim() : before.url) &&
    (before.team ?? undefined) === (input.team ?? before.team) &&
    JSON.stringify(before.details ?? {}) === JSON.stringify(details) &&
    (!input.completedAt || before.completedAt?.getTime() === completedAt.getTime()) &&
    unique.every((id) => before.sessionIds.includes(id.toHexString()));
  if (!unchanged)
    await recordAudit(
      deps.collections,
      {
        actor: input.recordedBy,
        action: 'outcome.record',
        target: `outcome:${outcomeId.toHexString()}`,
        after: { ref, title, sessions: unique.length },
      },
      now,
    );
  return {
    outcomeId: outcomeId.toHexString(),
    ref,
    created: before === null,
    sessionIds: unique.map((id) => id.toHexString()),
    unknownSessions,
    invalidIssues,
  };
}
