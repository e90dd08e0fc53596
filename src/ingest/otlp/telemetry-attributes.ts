import type { TelemetryIdentity } from '../../domain/types.ts';
import { compactIdentity } from '../identity.ts';
import { safeLabels } from '../labels.ts';
import { normaliseRepo } from '../repo.ts';
import { type AttributeMap, firstString, scalarEntries } from './attributes.ts';

/**
 * Facts every OTLP usage record may carry, on the record (data point) or on the resource:
 * who, which session, which repository, branch and team. Lookups try the record first.
 */

/** Attributes that name a person or session; mapped to fields, so never copied into labels. */
export const IDENTITY_KEYS: ReadonlySet<string> = new Set([
  'session.id',
  'user.email',
  'user.account_uuid',
  'user.account_id',
  'user.id',
  'user.groups',
  'enduser.id',
  'organization.id',
]);

export function telemetryIdentity(maps: readonly AttributeMap[]): TelemetryIdentity {
  return compactIdentity({
    email: firstString(maps, 'user.email'),
    // Both name the same Anthropic account; the uuid is on metrics by default, so it wins.
    accountId: firstString(maps, 'user.account_uuid', 'user.account_id'),
    userId: firstString(maps, 'user.id'),
    externalId: firstString(maps, 'enduser.id'),
    organizationId: firstString(maps, 'organization.id'),
  });
}

export function sessionIdOf(maps: readonly AttributeMap[]): string | undefined {
  return firstString(maps, 'session.id');
}

export function repoOf(maps: readonly AttributeMap[]): string | undefined {
  const url = firstString(maps, 'vcs.repository.url.full');
  if (url) return normaliseRepo(url);
  const owner = firstString(maps, 'vcs.owner.name');
  const name = firstString(maps, 'vcs.repository.name');
  if (owner && name) return `${owner}/${name}`;
  const configured = firstString(maps, 'repo', 'repository', 'vcs.repository.name');
  return configured ? normaliseRepo(configured) : undefined;
}

export function branchOf(maps: readonly AttributeMap[]): string | undefined {
  return firstString(maps, 'branch', 'vcs.ref.head.name', 'git.branch');
}

export function teamOf(maps: readonly AttributeMap[]): string | undefined {
  return firstString(maps, 'team', 'team.name');
}

export function terminalOf(maps: readonly AttributeMap[]): string | undefined {
  return firstString(maps, 'terminal.type');
}

/** Resource attributes as labels: everything scalar except identity and content-like keys, capped. */
export function resourceLabels(resource: AttributeMap): Record<string, string> {
  return safeLabels(scalarEntries(resource).filter(([key]) => !IDENTITY_KEYS.has(key)));
}
