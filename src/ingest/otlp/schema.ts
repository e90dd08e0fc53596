import { z } from 'zod';
import { type ParseResult, parseWith } from '../result.ts';

/**
 * Typed OTLP/JSON requests (opentelemetry-proto docs/specification.md, "JSON Protobuf Encoding").
 * Lenient like the spec asks: unknown fields are ignored, 64-bit integers may be numbers or
 * decimal strings, enums may be numbers or their names. The protobuf decoder (proto.ts) produces
 * the same shape, so everything after parsing serves both encodings.
 */

/** A 64-bit integer as OTLP/JSON sends it: decimal string (canonical) or number. */
export type OtlpInt64 = string | number;

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: OtlpInt64;
  /** A number, or "NaN" / "Infinity" / "-Infinity" as proto3 JSON writes them. */
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  /** Base64. */
  bytesValue?: string;
}

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

export interface OtlpResource {
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpInstrumentationScope {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLogRecord {
  timeUnixNano?: OtlpInt64;
  observedTimeUnixNano?: OtlpInt64;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  /** Hex, 32 characters. */
  traceId?: string;
  /** Hex, 16 characters. */
  spanId?: string;
  eventName?: string;
}

export interface OtlpScopeLogs {
  scope?: OtlpInstrumentationScope;
  logRecords?: OtlpLogRecord[];
  schemaUrl?: string;
}

export interface OtlpResourceLogs {
  resource?: OtlpResource;
  scopeLogs?: OtlpScopeLogs[];
  schemaUrl?: string;
}

export interface OtlpLogsRequest {
  resourceLogs?: OtlpResourceLogs[];
}

export interface OtlpNumberDataPoint {
  attributes?: OtlpKeyValue[];
  startTimeUnixNano?: OtlpInt64;
  timeUnixNano?: OtlpInt64;
  asDouble?: number | string;
  asInt?: OtlpInt64;
  flags?: number;
}

/** Histogram points are decoded for completeness; usage mapping ignores them. */
export interface OtlpHistogramDataPoint {
  attributes?: OtlpKeyValue[];
  startTimeUnixNano?: OtlpInt64;
  timeUnixNano?: OtlpInt64;
  count?: OtlpInt64;
  sum?: number | string;
  bucketCounts?: OtlpInt64[];
  explicitBounds?: (number | string)[];
  flags?: number;
  min?: number | string;
  max?: number | string;
}

export const AGGREGATION_TEMPORALITY = { unspecified: 0, delta: 1, cumulative: 2 } as const;

export interface OtlpSum {
  dataPoints?: OtlpNumberDataPoint[];
  aggregationTemporality?: number;
  isMonotonic?: boolean;
}

export interface OtlpGauge {
  dataPoints?: OtlpNumberDataPoint[];
}

export interface OtlpHistogram {
  dataPoints?: OtlpHistogramDataPoint[];
  aggregationTemporality?: number;
}

export interface OtlpMetric {
  name: string;
  description?: string;
  unit?: string;
  sum?: OtlpSum;
  gauge?: OtlpGauge;
  histogram?: OtlpHistogram;
}

export interface OtlpScopeMetrics {
  scope?: OtlpInstrumentationScope;
  metrics?: OtlpMetric[];
  schemaUrl?: string;
}

export interface OtlpResourceMetrics {
  resource?: OtlpResource;
  scopeMetrics?: OtlpScopeMetrics[];
  schemaUrl?: string;
}

export interface OtlpMetricsRequest {
  resourceMetrics?: OtlpResourceMetrics[];
}

const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/, 'Expected a decimal integer string')]);
const double = z.union([z.number(), z.string()]);
const uint32 = z.number().int().nonnegative();

/** proto3 JSON lets enums be numbers or names; OTLP asks for numbers, so names are mapped to them. */
function enumNumber(names: readonly string[]) {
  return z.union([
    z.number().int(),
    z.enum(names as [string, ...string[]]).transform((name) => names.indexOf(name)),
  ]);
}

const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`),
  ),
];
const TEMPORALITY_NAMES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];

/**
 * Attributes are most of an OTLP request, so AnyValue and KeyValue are checked by hand (recursive,
 * several times faster than the equivalent recursive zod schema) and reported as zod issues with their paths.
 */
type Issue = { path: (string | number)[]; message: string };

const INT64_TEXT = /^-?\d+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Nesting allowed inside one attribute value (each level adds 3 or 4 path segments). */
const MAX_VALUE_PATH = 100;

function checkAnyValue(value: unknown, path: (string | number)[]): Issue | undefined {
  if (!isObject(value)) return { path, message: 'Expected an AnyValue object' };
  if (path.length > MAX_VALUE_PATH) return { path, message: 'AnyValue nested too deeply' };
  const { stringValue, boolValue, intValue, doubleValue, arrayValue, kvlistValue, bytesValue } = value;
  if (stringValue !== undefined && typeof stringValue !== 'string') {
    return { path: [...path, 'stringValue'], message: 'Expected a string' };
  }
  if (boolValue !== undefined && typeof boolValue !== 'boolean') {
    return { path: [...path, 'boolValue'], message: 'Expected a boolean' };
  }
  if (
    intValue !== undefined &&
    typeof intValue !== 'number' &&
    !(typeof intValue === 'string' && INT64_TEXT.test(intValue))
  ) {
    return { path: [...path, 'intValue'], message: 'Expected an integer (number or decimal string)' };
  }
  if (doubleValue !== undefined && typeof doubleValue !== 'number' && typeof doubleValue !== 'string') {
    return { path: [...path, 'doubleValue'], message: 'Expected a number' };
  }
  if (bytesValue !== undefined && typeof bytesValue !== 'string') {
    return { path: [...path, 'bytesValue'], message: 'Expected base64 text' };
  }
  if (arrayValue !== undefined) {
    const values = isObject(arrayValue) ? arrayValue.values : undefined;
    if (!isObject(arrayValue) || (values !== undefined && !Array.isArray(values))) {
      return { path: [...path, 'arrayValue'], message: 'Expected { values: AnyValue[] }' };
    }
    for (const [i, item] of (values ?? []).entries()) {
      const issue = checkAnyValue(item, [...path, 'arrayValue', 'values', i]);
      if (issue) return issue;
    }
  }
  if (kvlistValue !== undefined) {
    const values = isObject(kvlistValue) ? kvlistValue.values : undefined;
    if (!isObject(kvlistValue) || (values !== undefined && !Array.isArray(values))) {
      return { path: [...path, 'kvlistValue'], message: 'Expected { values: KeyValue[] }' };
    }
    const issue = checkKeyValues(values ?? [], [...path, 'kvlistValue', 'values']);
    if (issue) return issue;
  }
  return undefined;
}

function checkKeyValues(list: unknown[], path: (string | number)[]): Issue | undefined {
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) return { path: [...path, i], message: 'Expected a KeyValue object' };
    if (typeof item.key !== 'string') return { path: [...path, i, 'key'], message: 'Expected a string' };
    if (item.value !== undefined) {
      const issue = checkAnyValue(item.value, [...path, i, 'value']);
      if (issue) return issue;
    }
  }
  return undefined;
}

function checkKeyValueList(value: unknown): Issue | undefined {
  if (!Array.isArray(value)) return { path: [], message: 'Expected an array of KeyValue' };
  return checkKeyValues(value, []);
}

/** A zod schema around a hand-written check; the value is passed through as T once the check passes. */
function checkedBy<T>(check: (value: unknown) => Issue | undefined) {
  return z.unknown().transform((value, ctx): T => {
    const issue = check(value);
    if (issue) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: value });
      return z.NEVER;
    }
    return value as T;
  });
}

/** An AnyValue; unknown fields inside it are left in place and never read. */
export const anyValueSchema = checkedBy<OtlpAnyValue>((value) => checkAnyValue(value, []));

export const keyValueListSchema = checkedBy<OtlpKeyValue[]>(checkKeyValueList);

const attributes = keyValueListSchema.optional();

const resourceSchema = z.object({ attributes, droppedAttributesCount: uint32.optional() });

const scopeSchema = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  attributes,
  droppedAttributesCount: uint32.optional(),
});

const logRecordSchema = z.object({
  timeUnixNano: int64.optional(),
  observedTimeUnixNano: int64.optional(),
  severityNumber: enumNumber(SEVERITY_NAMES).optional(),
  severityText: z.string().optional(),
  body: anyValueSchema.optional(),
  attributes,
  droppedAttributesCount: uint32.optional(),
  flags: uint32.optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  eventName: z.string().optional(),
});

export const logsRequestSchema: z.ZodType<OtlpLogsRequest> = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: resourceSchema.optional(),
        scopeLogs: z
          .array(
            z.object({
              scope: scopeSchema.optional(),
              logRecords: z.array(logRecordSchema).optional(),
              schemaUrl: z.string().optional(),
            }),
          )
          .optional(),
        schemaUrl: z.string().optional(),
      }),
    )
    .optional(),
});

const numberDataPointSchema = z.object({
  attributes,
  startTimeUnixNano: int64.optional(),
  timeUnixNano: int64.optional(),
  asDouble: double.optional(),
  asInt: int64.optional(),
  flags: uint32.optional(),
});

const histogramDataPointSchema = z.object({
  attributes,
  startTimeUnixNano: int64.optional(),
  timeUnixNano: int64.optional(),
  count: int64.optional(),
  sum: double.optional(),
  bucketCounts: z.array(int64).optional(),
  explicitBounds: z.array(double).optional(),
  flags: uint32.optional(),
  min: double.optional(),
  max: double.optional(),
});

const temporality = enumNumber(TEMPORALITY_NAMES).optional();

const metricSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  unit: z.string().optional(),
  sum: z
    .object({
      dataPoints: z.array(numberDataPointSchema).optional(),
      aggregationTemporality: temporality,
      isMonotonic: z.boolean().optional(),
    })
    .optional(),
  gauge: z.object({ dataPoints: z.array(numberDataPointSchema).optional() }).optional(),
  histogram: z
    .object({ dataPoints: z.array(histogramDataPointSchema).optional(), aggregationTemporality: temporality })
    .optional(),
});

export const metricsRequestSchema: z.ZodType<OtlpMetricsRequest> = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource: resourceSchema.optional(),
        scopeMetrics: z
          .array(
            z.object({
              scope: scopeSchema.optional(),
              metrics: z.array(metricSchema).optional(),
              schemaUrl: z.string().optional(),
            }),
          )
          .optional(),
        schemaUrl: z.string().optional(),
      }),
    )
    .optional(),
});

/** Validates an OTLP/JSON logs request (already JSON.parse'd, or decoded from protobuf). */
export function parseOtlpLogsJson(body: unknown): ParseResult<OtlpLogsRequest> {
  return parseWith(logsRequestSchema, body);
}

/** Validates an OTLP/JSON metrics request (already JSON.parse'd, or decoded from protobuf). */
export function parseOtlpMetricsJson(body: unknown): ParseResult<OtlpMetricsRequest> {
  return parseWith(metricsRequestSchema, body);
}
