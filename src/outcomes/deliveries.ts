/**
 * Webhook deliveries already processed (`deliveries`, unique source+deliveryId). A delivery is recorded only
 * after its work is stored, so a failure half-way leaves it unrecorded and the sender's retry redoes it;
 * the work itself is idempotent, so two copies racing in at once do no harm either.
 */
import type { Collections } from '../db/collections.ts';
import { isDuplicateKey } from '../linear/cache.ts';

export type DeliverySource = 'linear' | 'github';

export async function alreadyDelivered(
  collections: Pick<Collections, 'deliveries'>,
  source: DeliverySource,
  deliveryId: string | undefined,
): Promise<boolean> {
  if (!deliveryId) return false;
  return (await collections.deliveries.countDocuments({ source, deliveryId }, { limit: 1 })) > 0;
}

export async function markDelivered(
  collections: Pick<Collections, 'deliveries'>,
  source: DeliverySource,
  deliveryId: string | undefined,
  at: Date,
): Promise<void> {
  if (!deliveryId) return;
  try {
    await collections.deliveries.insertOne({ source, deliveryId, receivedAt: at });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
}
