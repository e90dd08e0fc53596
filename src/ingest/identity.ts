import type { TelemetryIdentity } from '../domain/types.ts';

/**
 * A stable key for the person behind telemetry, preferring the most mappable form:
 * email (lowercased, so "A@B.c" and "a@b.c" are one person), then account, user, external id.
 * Used for unmapped spend ("unmapped:email:a@b.c") and identity lookups.
 */
export function identityKey(identity: TelemetryIdentity): string {
  const email = identity.email?.trim().toLowerCase();
  if (email) return `email:${email}`;
  if (identity.accountId?.trim()) return `account:${identity.accountId.trim()}`;
  if (identity.userId?.trim()) return `user:${identity.userId.trim()}`;
  if (identity.externalId?.trim()) return `external:${identity.externalId.trim()}`;
  return 'unknown';
}

/** True when the identity names a person (organization alone does not). */
export function hasPersonIdentity(identity: TelemetryIdentity): boolean {
  return identityKey(identity) !== 'unknown';
}

/** Drops empty values so stored identities carry only what the source sent. */
export function compactIdentity(identity: TelemetryIdentity): TelemetryIdentity {
  const out: TelemetryIdentity = {};
  for (const key of ['email', 'accountId', 'userId', 'externalId', 'organizationId'] as const) {
    const value = identity[key]?.trim();
    if (value) out[key] = value;
  }
  return out;
}

/**
 * Session key for sources that send no session id: the person plus the UTC hour.
 * Coarse on purpose: the session store may still merge or split by idle gap; this key only keeps
 * one person's calls in one hour together and two people apart.
 */
export function derivedSessionKey(identity: TelemetryIdentity, at: Date): string {
  return `derived:${identityKey(identity)}:${at.toISOString().slice(0, 13)}`;
}
