import { ObjectId } from 'mongodb';
import type { Collections, SessionDoc } from '../db/collections.ts';

export type SessionLookup =
  | { status: 'found'; session: SessionDoc }
  | { status: 'not_found' }
  | { status: 'ambiguous'; count: number };

/**
 * A session from the id people type: the whole 24-hex id or its first 6+ characters. A prefix of an ObjectId
 * is a contiguous range of ids, so this is one indexed range read on _id (two hits are enough to call it
 * ambiguous).
 */
export async function findSessionByRef(
  collections: Pick<Collections, 'sessions'>,
  ref: string,
): Promise<SessionLookup> {
  const hex = ref.toLowerCase();
  if (!/^[0-9a-f]{1,24}$/.test(hex)) return { status: 'not_found' };
  if (hex.length === 24) {
    const session = await collections.sessions.findOne({ _id: new ObjectId(hex) });
    return session ? { status: 'found', session } : { status: 'not_found' };
  }
  const found = await collections.sessions
    .find({ _id: { $gte: new ObjectId(hex.padEnd(24, '0')), $lte: new ObjectId(hex.padEnd(24, 'f')) } })
    .limit(2)
    .toArray();
  if (found.length === 0) return { status: 'not_found' };
  if (found.length > 1) return { status: 'ambiguous', count: found.length };
  return { status: 'found', session: found[0]! };
}
