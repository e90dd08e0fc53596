import { randomUUID } from 'node:crypto';
import type { Collections } from '../../src/db/collections.ts';
import type { TokenCounts, UsageEvent, UsageSource } from '../../src/domain/types.ts';
import { identityKey } from '../../src/ingest/identity.ts';
import { type ResolvedPerson, storeUsageEvents } from '../../src/store/usage-store.ts';

export interface StoredSessionSeed {
  source: UsageSource;
  sessionKey: string;
  email: string;
  /** Known person (else the identity stays unmapped). */
  slackUserId?: string;
  team?: string;
  /** One api_request per entry. */
  calls: { at: string; costUsd: number; model?: string }[];
  tokens: TokenCounts;
  repo?: string;
  branch?: string;
  commit?: string;
  linearIssue?: string;
}

/** A session written the way ingestion writes it: usage events folded by the real store. Returns its id. */
export async function seedStoredSession(collections: Collections, seed: StoredSessionSeed): Promise<string> {
  const identity = { email: seed.email };
  const events: UsageEvent[] = seed.calls.map((call) => ({
    source: seed.source,
    sourceEventId: `seed:${seed.sessionKey}:${randomUUID()}`,
    kind: 'api_request',
    occurredAt: new Date(call.at),
    sessionKey: seed.sessionKey,
    identity,
    model: call.model ?? 'claude-sonnet-4',
    tokens: seed.tokens,
    costUsd: call.costUsd,
    costKind: 'estimated',
    ...(seed.repo && { repo: seed.repo }),
    ...(seed.branch && { branch: seed.branch }),
    ...(seed.commit && { commit: seed.commit }),
    ...(seed.linearIssue && { linearIssue: seed.linearIssue }),
    labels: {},
  }));
  const person: ResolvedPerson = {
    ...(seed.slackUserId && { slackUserId: seed.slackUserId }),
    ...(seed.team && { team: seed.team }),
  };
  const key = identityKey(identity);
  await storeUsageEvents(
    collections,
    events,
    async () => new Map([[key, person]]),
    new Date(seed.calls[0]!.at),
  );
  const session = await collections.sessions.findOne({ source: seed.source, sessionKey: seed.sessionKey });
  return session!._id!.toHexString();
}
