import { fail, type ParseResult } from '../result.ts';
import { type LogsMapping, type LogsMappingOptions, mapOtlpLogs } from './logs.ts';
import { type MetricsMapping, mapOtlpMetrics } from './metrics.ts';
import {
  decodeLogsRequest,
  decodeMetricsRequest,
  encodeLogsResponse,
  encodeMetricsResponse,
  type LogsPartialSuccess,
  type MetricsPartialSuccess,
} from './proto.ts';
import {
  type OtlpLogsRequest,
  type OtlpMetricsRequest,
  parseOtlpLogsJson,
  parseOtlpMetricsJson,
} from './schema.ts';

/**
 * OTLP/HTTP bodies in either encoding to one typed request, and answers in the encoding asked.
 * (Decompressing Content-Encoding: gzip is the HTTP layer's job, before these.)
 */
export type OtlpEncoding = 'json' | 'protobuf';

export const OTLP_CONTENT_TYPES: Record<OtlpEncoding, string> = {
  json: 'application/json',
  protobuf: 'application/x-protobuf',
};

/** The encoding named by a Content-Type header, or undefined (answer 415) for anything else. */
export function otlpEncodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const mime = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mime === 'application/json') return 'json';
  if (mime === 'application/x-protobuf' || mime === 'application/protobuf') return 'protobuf';
  return undefined;
}

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

function toText(body: Uint8Array | string): string {
  return typeof body === 'string'
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

function parseBody<T>(
  body: Uint8Array | string,
  encoding: OtlpEncoding,
  decode: (bytes: Uint8Array) => unknown,
  validate: (value: unknown) => ParseResult<T>,
): ParseResult<T> {
  let value: unknown;
  try {
    value = encoding === 'json' ? JSON.parse(toText(body) || '{}') : decode(toBytes(body));
  } catch (error) {
    const what = encoding === 'json' ? 'invalid JSON' : 'invalid protobuf';
    return fail('(body)', `${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return validate(value);
}

export function parseOtlpLogsBody(
  body: Uint8Array | string,
  encoding: OtlpEncoding,
): ParseResult<OtlpLogsRequest> {
  return parseBody(body, encoding, decodeLogsRequest, parseOtlpLogsJson);
}

export function parseOtlpMetricsBody(
  body: Uint8Array | string,
  encoding: OtlpEncoding,
): ParseResult<OtlpMetricsRequest> {
  return parseBody(body, encoding, decodeMetricsRequest, parseOtlpMetricsJson);
}

export interface OtlpResponse {
  contentType: string;
  body: string | Uint8Array;
}

function jsonResponse(partialSuccess: Record<string, unknown> | undefined): OtlpResponse {
  // proto3 JSON writes int64 counts as decimal strings.
  const body = partialSuccess
    ? {
        partialSuccess: Object.fromEntries(
          Object.entries(partialSuccess).map(([key, value]) => [
            key,
            typeof value === 'number' ? String(value) : value,
          ]),
        ),
      }
    : {};
  return { contentType: OTLP_CONTENT_TYPES.json, body: JSON.stringify(body) };
}

/** 200 answer for /v1/logs: `{}` on full success, partialSuccess when records were rejected. */
export function otlpLogsResponse(encoding: OtlpEncoding, partialSuccess?: LogsPartialSuccess): OtlpResponse {
  if (encoding === 'protobuf') {
    return { contentType: OTLP_CONTENT_TYPES.protobuf, body: encodeLogsResponse(partialSuccess) };
  }
  return jsonResponse(partialSuccess && { errorMessage: '', ...partialSuccess });
}

/** 200 answer for /v1/metrics: `{}` on full success, partialSuccess when data points were rejected. */
export function otlpMetricsResponse(
  encoding: OtlpEncoding,
  partialSuccess?: MetricsPartialSuccess,
): OtlpResponse {
  if (encoding === 'protobuf') {
    return { contentType: OTLP_CONTENT_TYPES.protobuf, body: encodeMetricsResponse(partialSuccess) };
  }
  return jsonResponse(partialSuccess && { errorMessage: '', ...partialSuccess });
}

/** Body to UsageEvents in one step: decode, validate, map. A route answers 400 with `error` on failure. */
export function readOtlpLogs(
  body: Uint8Array | string,
  encoding: OtlpEncoding,
  options: LogsMappingOptions = {},
): ParseResult<LogsMapping> {
  const parsed = parseOtlpLogsBody(body, encoding);
  return parsed.ok ? { ok: true, value: mapOtlpLogs(parsed.value, options) } : parsed;
}

/** Body to MetricSamples in one step: decode, validate, map. */
export function readOtlpMetrics(
  body: Uint8Array | string,
  encoding: OtlpEncoding,
): ParseResult<MetricsMapping> {
  const parsed = parseOtlpMetricsBody(body, encoding);
  return parsed.ok ? { ok: true, value: mapOtlpMetrics(parsed.value) } : parsed;
}
