import type { AuditDoc, Collections } from '../db/collections.ts';

/** Actions recorded in `audit` (who, what, before/after) — one per kind of change. */
export type AuditAction =
  | 'team.create'
  | 'team.add'
  | 'team.remove'
  | 'team.sync'
  | 'team.managers.add'
  | 'team.managers.remove'
  | 'budget.set'
  | 'budget.split'
  | 'budget.alerts'
  | 'identity.map'
  | 'session.reclassify'
  | 'session.link'
  | 'outcome.record'
  | 'subscription.create'
  | 'subscription.update'
  | 'subscription.remove'
  | 'template.set'
  | 'template.reset';

export interface AuditEntry {
  actor: string;
  action: AuditAction;
  /** What changed, e.g. "team:Payments", "identity:email:a@b.c", "session:65f0…". */
  target: string;
  before?: unknown;
  after?: unknown;
}

/** Every change made from Slack leaves one audit row; nothing here is ever updated or deleted. */
export async function recordAudit(
  collections: Pick<Collections, 'audit'>,
  entry: AuditEntry,
  at: Date,
): Promise<void> {
  const doc: AuditDoc = { actor: entry.actor, action: entry.action, target: entry.target, at };
  if (entry.before !== undefined) doc.before = entry.before;
  if (entry.after !== undefined) doc.after = entry.after;
  await collections.audit.insertOne(doc);
}
