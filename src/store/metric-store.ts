import type { Collections } from '../db/collections.ts';
import { encodeKey, encodeKeys } from '../db/collections.ts';
import type { MetricSample } from '../domain/types.ts';
import { identityKey } from '../ingest/identity.ts';
import { cumulativeToDelta, metricSeriesKey } from '../ingest/otlp/metrics.ts';

export interface MetricStoreOutcome {
  stored: number;
  duplicates: number;
}

/**
 * Store OTLP metric points once and add their increments to the session's metric totals.
 * Cost and tokens from metrics are kept apart (metricCostUsd, metricTokens): api_request events are the
 * source of truth, and metric cost counts only for sessions that never send events (see closeIdleSessions).
 */
export async function storeMetricSamples(
  collections: Collections,
  samples: MetricSample[],
  now: Date,
): Promise<MetricStoreOutcome> {
  if (samples.length === 0) return { stored: 0, duplicates: 0 };
  const fresh = await insertNewPoints(collections, samples, now);
  for (const sample of fresh) {
    const delta = await toDelta(collections, sample);
    if (delta === 0) continue;
    const inc: Record<string, number> = { [`metricTotals.${totalKey(sample)}`]: delta };
    if (sample.name === 'claude_code.cost.usage') inc.metricCostUsd = delta;
    if (sample.name === 'claude_code.token.usage') inc.metricTokens = delta;
    await collections.sessions.updateOne(
      { source: sample.source, sessionKey: sample.sessionKey },
      {
        $inc: inc,
        $min: { startedAt: sample.startTime ?? sample.time },
        $max: { lastEventAt: sample.time },
        $set: { updatedAt: now },
        $setOnInsert: {
          identity: sample.identity,
          identityKey: identityKey(sample.identity),
          costUsd: 0,
          costKind: 'estimated',
          costByDay: {},
          links: [],
          outcomeIds: [],
          commits: [],
          foldedIds: [],
          classificationHistory: [],
          labels: encodeKeys(sample.labels),
        },
      },
      { upsert: true },
    );
  }
  return { stored: fresh.length, duplicates: samples.length - fresh.length };
}

/** e.g. "claude_code%2Ecommit%2Ecount" or "claude_code%2Etoken%2Eusage:input". */
function totalKey(sample: MetricSample): string {
  const type = sample.attributes.type;
  return encodeKey(type ? `${sample.name}:${type}` : sample.name);
}

async function insertNewPoints(
  collections: Collections,
  samples: MetricSample[],
  now: Date,
): Promise<MetricSample[]> {
  const duplicates = new Set<number>();
  try {
    await collections.metricPoints.insertMany(
      samples.map((sample) => ({
        ...sample,
        attributes: encodeKeys(sample.attributes),
        labels: encodeKeys(sample.labels),
        receivedAt: now,
      })),
      { ordered: false },
    );
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code: number; index: number }[] }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0 || list.some((e) => e.code !== 11000)) throw error;
    for (const writeError of list) duplicates.add(writeError.index);
  }
  return samples.filter((_, index) => !duplicates.has(index));
}

/** Cumulative points become the increment since the previous point of the same series. */
async function toDelta(collections: Collections, sample: MetricSample): Promise<number> {
  if (sample.temporality === 'delta') return sample.value;
  const key = metricSeriesKey(sample);
  const previous = await collections.metricSeries.findOneAndUpdate(
    { key },
    { $set: { lastValue: sample.value, lastTime: sample.time, startTime: sample.startTime } },
    { upsert: true, returnDocument: 'before' },
  );
  const sameStart = previous?.startTime?.getTime() === sample.startTime?.getTime();
  return cumulativeToDelta(sameStart ? previous?.lastValue : undefined, sample).value;
}
