import protobuf from 'protobufjs';
import type { OtlpLogsRequest, OtlpMetricsRequest } from './schema.ts';

/**
 * OTLP/HTTP protobuf bodies, decoded with protobufjs from the message definitions below.
 * Only the messages ai-roi reads are written out; field numbers are those of the published
 * opentelemetry-proto v1 schema (common, resource, logs, metrics and the two collector services).
 * Fields not listed here (exemplars, entity refs, exponential histograms, summaries) are skipped
 * as unknown fields on decode.
 */
const COMMON_PROTO = `
syntax = "proto3";
package opentelemetry.proto.common.v1;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

const RESOURCE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.resource.v1;

message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
`;

const LOGS_PROTO = `
syntax = "proto3";
package opentelemetry.proto.logs.v1;

message ResourceLogs {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeLogs scope_logs = 2;
  string schema_url = 3;
}
message ScopeLogs {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated LogRecord log_records = 2;
  string schema_url = 3;
}
message LogRecord {
  fixed64 time_unix_nano = 1;
  fixed64 observed_time_unix_nano = 11;
  int32 severity_number = 2;
  string severity_text = 3;
  opentelemetry.proto.common.v1.AnyValue body = 5;
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  string event_name = 12;
}
`;

const METRICS_PROTO = `
syntax = "proto3";
package opentelemetry.proto.metrics.v1;

message ResourceMetrics {
  opentelemetry.proto.resource.v1.Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
}
message ScopeMetrics {
  opentelemetry.proto.common.v1.InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
  string schema_url = 3;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data {
    Gauge gauge = 5;
    Sum sum = 7;
    Histogram histogram = 9;
  }
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
  bool is_monotonic = 3;
}
message Histogram {
  repeated HistogramDataPoint data_points = 1;
  int32 aggregation_temporality = 2;
}
message NumberDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value {
    double as_double = 4;
    sfixed64 as_int = 6;
  }
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  uint32 flags = 10;
  optional double min = 11;
  optional double max = 12;
}
`;

const LOGS_SERVICE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.collector.logs.v1;

message ExportLogsServiceRequest { repeated opentelemetry.proto.logs.v1.ResourceLogs resource_logs = 1; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message ExportLogsPartialSuccess {
  int64 rejected_log_records = 1;
  string error_message = 2;
}
`;

const METRICS_SERVICE_PROTO = `
syntax = "proto3";
package opentelemetry.proto.collector.metrics.v1;

message ExportMetricsServiceRequest { repeated opentelemetry.proto.metrics.v1.ResourceMetrics resource_metrics = 1; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess {
  int64 rejected_data_points = 1;
  string error_message = 2;
}
`;

/*
 * Enums (SeverityNumber, AggregationTemporality) are declared as int32: the wire encoding is the
 * same varint, and it keeps unknown future values as plain numbers, which is what OTLP/JSON sends.
 */
function buildRoot(): protobuf.Root {
  const root = new protobuf.Root();
  for (const source of [
    COMMON_PROTO,
    RESOURCE_PROTO,
    LOGS_PROTO,
    METRICS_PROTO,
    LOGS_SERVICE_PROTO,
    METRICS_SERVICE_PROTO,
  ]) {
    protobuf.parse(source, root, { keepCase: false });
  }
  root.resolveAll();
  return root;
}

const root = buildRoot();
const LogsRequest = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
const LogsResponse = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse');
const MetricsRequest = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);
const MetricsResponse = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
);

/** The OTLP/JSON conventions: 64-bit as decimal strings, enums as numbers, bytes as base64. */
const JSON_SHAPE: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: String };

interface LogRecordIds {
  traceId?: string | Uint8Array;
  spanId?: string | Uint8Array;
}

/** OTLP/JSON writes trace and span ids as hex, not base64 like other bytes. */
function eachLogRecord(request: unknown, visit: (record: LogRecordIds) => void): void {
  const resourceLogs = (request as { resourceLogs?: unknown[] }).resourceLogs ?? [];
  for (const resource of resourceLogs as { scopeLogs?: { logRecords?: LogRecordIds[] }[] }[]) {
    for (const scope of resource.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) visit(record);
    }
  }
}

function base64ToHex(value: string): string {
  return Buffer.from(value, 'base64').toString('hex');
}

/**
 * Decodes an ExportLogsServiceRequest to the OTLP/JSON object shape (validate it with
 * parseOtlpLogsJson like a JSON body). Throws on malformed protobuf.
 */
export function decodeLogsRequest(body: Uint8Array): unknown {
  const object = LogsRequest.toObject(LogsRequest.decode(body), JSON_SHAPE);
  eachLogRecord(object, (record) => {
    if (typeof record.traceId === 'string') record.traceId = base64ToHex(record.traceId);
    if (typeof record.spanId === 'string') record.spanId = base64ToHex(record.spanId);
  });
  return object;
}

/** Decodes an ExportMetricsServiceRequest to the OTLP/JSON object shape. Throws on malformed protobuf. */
export function decodeMetricsRequest(body: Uint8Array): unknown {
  return MetricsRequest.toObject(MetricsRequest.decode(body), JSON_SHAPE);
}

/** Encodes an OTLP/JSON-shaped logs request as protobuf (tests, the demo seeder, benchmarks). */
export function encodeLogsRequest(request: OtlpLogsRequest): Uint8Array {
  // fromObject reads strings in bytes fields as base64, so hex ids are turned into bytes first.
  const copy = structuredClone(request) as unknown;
  eachLogRecord(copy, (record) => {
    if (typeof record.traceId === 'string') record.traceId = Buffer.from(record.traceId, 'hex');
    if (typeof record.spanId === 'string') record.spanId = Buffer.from(record.spanId, 'hex');
  });
  return LogsRequest.encode(LogsRequest.fromObject(copy as Record<string, unknown>)).finish();
}

/** Encodes an OTLP/JSON-shaped metrics request as protobuf (tests, the demo seeder, benchmarks). */
export function encodeMetricsRequest(request: OtlpMetricsRequest): Uint8Array {
  return MetricsRequest.encode(MetricsRequest.fromObject(request as Record<string, unknown>)).finish();
}

export interface LogsPartialSuccess {
  rejectedLogRecords: number;
  errorMessage?: string;
}

export interface MetricsPartialSuccess {
  rejectedDataPoints: number;
  errorMessage?: string;
}

/** ExportLogsServiceResponse: empty on full success, partial_success when records were rejected. */
export function encodeLogsResponse(partialSuccess?: LogsPartialSuccess): Uint8Array {
  const message = partialSuccess ? { partialSuccess } : {};
  return LogsResponse.encode(LogsResponse.fromObject(message)).finish();
}

/** ExportMetricsServiceResponse: empty on full success, partial_success when points were rejected. */
export function encodeMetricsResponse(partialSuccess?: MetricsPartialSuccess): Uint8Array {
  const message = partialSuccess ? { partialSuccess } : {};
  return MetricsResponse.encode(MetricsResponse.fromObject(message)).finish();
}

/** Response decoders, for tests that play the exporter. */
export function decodeLogsResponse(body: Uint8Array): { partialSuccess?: LogsPartialSuccess } {
  return LogsResponse.toObject(LogsResponse.decode(body), { longs: Number });
}

export function decodeMetricsResponse(body: Uint8Array): { partialSuccess?: MetricsPartialSuccess } {
  return MetricsResponse.toObject(MetricsResponse.decode(body), { longs: Number });
}
