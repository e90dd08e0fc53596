import type { MetricSample } from '../../domain/types.ts';
import { derivedSessionKey, hasPersonIdentity, identityKey } from '../identity.ts';
import { isContentLikeKey } from '../labels.ts';
import { stableId } from '../stable-id.ts';
import {
  type AttributeMap,
  anyValueToString,
  attributeMap,
  int64Text,
  nanosToDate,
  scalarEntries,
} from './attributes.ts';
import type { MetricsPartialSuccess } from './proto.ts';
import { type RejectedRecord, rejectionMessage } from './rejections.ts';
import { AGGREGATION_TEMPORALITY, type OtlpMetricsRequest, type OtlpNumberDataPoint } from './schema.ts';
import { IDENTITY_KEYS, resourceLabels, sessionIdOf, telemetryIdentity } from './telemetry-attributes.ts';

/**
 * Claude Code's OTLP metrics to MetricSamples. All are monotonic Sums (delta by default, cumulative
 * when OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE says so). Events stay the source of truth
 * for cost; these totals serve sessions that send no api_request events.
 */
export const CLAUDE_CODE_METRICS = [
  'claude_code.session.count',
  'claude_code.cost.usage',
  'claude_code.token.usage',
  'claude_code.lines_of_code.count',
  'claude_code.commit.count',
  'claude_code.pull_request.count',
  'claude_code.active_time.total',
] as const;

const KNOWN_METRICS: ReadonlySet<string> = new Set(CLAUDE_CODE_METRICS);

/** Point attributes that say who or where, not what: kept out of MetricSample.attributes. */
const CONTEXT_KEYS: ReadonlySet<string> = new Set([
  ...IDENTITY_KEYS,
  'identity.source',
  'terminal.type',
  'app.version',
  'app.entrypoint',
]);

/** Data point flag FLAG_NO_RECORDED_VALUE: the point marks a gap, it has no value. */
const NO_RECORDED_VALUE = 1;

export interface MetricsMapping {
  samples: MetricSample[];
  rejected: RejectedRecord[];
  /** Points of metrics ai-roi does not read, or points flagged as having no value. */
  ignored: number;
}

function pointValue(point: OtlpNumberDataPoint): number | undefined {
  const raw = point.asDouble ?? point.asInt;
  if (raw === undefined) return undefined;
  const value = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/** The dimensions of a point: its attributes minus identity/context and what the resource already says. */
function splittingAttributes(point: AttributeMap, resource: AttributeMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of scalarEntries(point)) {
    if (CONTEXT_KEYS.has(key) || key.startsWith('vcs.') || isContentLikeKey(key)) continue;
    if (anyValueToString(resource.get(key)) === value) continue;
    out[key] = value;
  }
  return out;
}

function mapPoint(
  name: string,
  point: OtlpNumberDataPoint,
  temporality: MetricSample['temporality'],
  resource: AttributeMap,
  labels: Record<string, string>,
): { sample: MetricSample } | { reason: string } | 'ignored' {
  if (((point.flags ?? 0) & NO_RECORDED_VALUE) !== 0) return 'ignored';
  const time = nanosToDate(point.timeUnixNano);
  if (!time) return { reason: `${name}: no timeUnixNano` };
  const value = pointValue(point);
  if (value === undefined) return { reason: `${name}: no finite asDouble or asInt` };
  if (value < 0) return { reason: `${name}: negative value on a monotonic sum` };
  const attributes = attributeMap(point.attributes);
  const maps = [attributes, resource];
  const identity = telemetryIdentity(maps);
  const sessionId = sessionIdOf(maps);
  if (!sessionId && !hasPersonIdentity(identity)) {
    return { reason: `${name}: no session.id and no user identity` };
  }
  const startTime = nanosToDate(point.startTimeUnixNano);
  const sample: MetricSample = {
    source: 'claude_code',
    sourceEventId: stableId({
      name,
      resource: Object.fromEntries(scalarEntries(resource)),
      attributes: Object.fromEntries(scalarEntries(attributes)),
      start: int64Text(point.startTimeUnixNano) ?? null,
      time: int64Text(point.timeUnixNano) ?? null,
    }),
    sessionKey: sessionId ?? derivedSessionKey(identity, time),
    identity,
    name,
    attributes: splittingAttributes(attributes, resource),
    value,
    temporality,
    time,
    labels: { ...labels },
  };
  if (startTime) sample.startTime = startTime;
  return { sample };
}

/** Every data point of Claude Code's sums in an OTLP metrics request (JSON or decoded protobuf). */
export function mapOtlpMetrics(request: OtlpMetricsRequest): MetricsMapping {
  const result: MetricsMapping = { samples: [], rejected: [], ignored: 0 };
  (request.resourceMetrics ?? []).forEach((resourceMetrics, r) => {
    const resource = attributeMap(resourceMetrics.resource?.attributes);
    const labels = resourceLabels(resource);
    (resourceMetrics.scopeMetrics ?? []).forEach((scopeMetrics, s) => {
      (scopeMetrics.metrics ?? []).forEach((metric, m) => {
        const points =
          metric.sum?.dataPoints ?? metric.gauge?.dataPoints ?? metric.histogram?.dataPoints ?? [];
        if (!KNOWN_METRICS.has(metric.name) || !metric.sum) {
          result.ignored += points.length;
          return;
        }
        const path = `resourceMetrics[${r}].scopeMetrics[${s}].metrics[${m}].sum.dataPoints`;
        const temporalityCode = metric.sum.aggregationTemporality;
        const temporality =
          temporalityCode === AGGREGATION_TEMPORALITY.delta
            ? 'delta'
            : temporalityCode === AGGREGATION_TEMPORALITY.cumulative
              ? 'cumulative'
              : undefined;
        metric.sum.dataPoints?.forEach((point, p) => {
          if (!temporality) {
            result.rejected.push({
              path: `${path}[${p}]`,
              reason: `${metric.name}: no aggregationTemporality`,
            });
            return;
          }
          const outcome = mapPoint(metric.name, point, temporality, resource, labels);
          if (outcome === 'ignored') result.ignored += 1;
          else if ('sample' in outcome) result.samples.push(outcome.sample);
          else result.rejected.push({ path: `${path}[${p}]`, reason: outcome.reason });
        });
      });
    });
  });
  return result;
}

/** The partial_success part of the OTLP answer; undefined (a plain `{}`) when nothing was rejected. */
export function metricsPartialSuccess(
  mapping: Pick<MetricsMapping, 'rejected'>,
): MetricsPartialSuccess | undefined {
  if (mapping.rejected.length === 0) return undefined;
  return { rejectedDataPoints: mapping.rejected.length, errorMessage: rejectionMessage(mapping.rejected) };
}

/**
 * Identifies one time series (same metric, session, person, dimensions and resource labels),
 * the key under which a store keeps the last cumulative value for cumulativeToDelta.
 */
export function metricSeriesKey(sample: MetricSample): string {
  return stableId({
    source: sample.source,
    name: sample.name,
    session: sample.sessionKey,
    identity: identityKey(sample.identity),
    attributes: sample.attributes,
    labels: sample.labels,
  });
}

/**
 * Turns a cumulative point into the increment since the previous point of its series.
 * - no previous value: the whole cumulative value is new (it counts from the series' startTime);
 * - value < previous: the sender restarted and its counter reset, so the whole value is new;
 * - otherwise: value - previous.
 * Delta points are returned unchanged. The caller stores the original cumulative `sample.value`
 * as the next `previousValue` (keyed by metricSeriesKey); a changed startTime also signals a reset,
 * which a caller can express by passing `undefined`.
 */
export function cumulativeToDelta(previousValue: number | undefined, sample: MetricSample): MetricSample {
  if (sample.temporality === 'delta') return sample;
  const reset = previousValue === undefined || sample.value < previousValue;
  const value = reset ? sample.value : sample.value - previousValue;
  return { ...sample, value, temporality: 'delta' };
}
