import type { LogsMapping } from '../../../src/ingest/otlp/logs.ts';
import type { MetricsMapping } from '../../../src/ingest/otlp/metrics.ts';
import { encodeLogsRequest, encodeMetricsRequest } from '../../../src/ingest/otlp/proto.ts';
import { readOtlpLogs, readOtlpMetrics } from '../../../src/ingest/otlp/request.ts';
import type { OtlpLogsRequest, OtlpMetricsRequest } from '../../../src/ingest/otlp/schema.ts';

/** Every string in a value, keys included, found by walking objects, arrays, Maps and Dates. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Date) out.push(value.toISOString());
  else if (Array.isArray(value)) for (const item of value) allStrings(item, out);
  else if (value instanceof Map) for (const [k, v] of value) allStrings([k, v], out);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      allStrings(item, out);
    }
  }
  return out;
}

/** Fails with the offending string when any secret appears anywhere in the value. */
export function expectNoSecrets(value: unknown, secrets: readonly string[]): void {
  const strings = allStrings(value);
  for (const secret of secrets) {
    const leak = strings.find((s) => s.includes(secret));
    if (leak !== undefined) throw new Error(`secret "${secret}" leaked into output: ${leak.slice(0, 120)}`);
  }
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** The whole ingest path for a request sent as OTLP/JSON text. */
export function logsViaJson(request: OtlpLogsRequest, receivedAt?: Date): LogsMapping {
  return unwrap(readOtlpLogs(JSON.stringify(request), 'json', receivedAt ? { receivedAt } : {}));
}

/** The whole ingest path for the same request sent as OTLP protobuf. */
export function logsViaProtobuf(request: OtlpLogsRequest): LogsMapping {
  return unwrap(readOtlpLogs(encodeLogsRequest(request), 'protobuf'));
}

export function metricsViaJson(request: OtlpMetricsRequest): MetricsMapping {
  return unwrap(readOtlpMetrics(JSON.stringify(request), 'json'));
}

export function metricsViaProtobuf(request: OtlpMetricsRequest): MetricsMapping {
  return unwrap(readOtlpMetrics(encodeMetricsRequest(request), 'protobuf'));
}
