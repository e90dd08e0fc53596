import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  decodeLogsRequest,
  decodeLogsResponse,
  decodeMetricsRequest,
  decodeMetricsResponse,
  encodeLogsRequest,
  encodeLogsResponse,
  encodeMetricsRequest,
  encodeMetricsResponse,
} from '../../../src/ingest/otlp/proto.ts';
import { parseOtlpLogsJson, parseOtlpMetricsJson } from '../../../src/ingest/otlp/schema.ts';
import { claudeCodeLogsRequest, claudeCodeMetricsRequest } from '../../fixtures/otlp/claude-code.ts';

const SAMPLES = '/work/shared/reference/samples';
const sample = (name: string): unknown => JSON.parse(readFileSync(`${SAMPLES}/${name}`, 'utf8'));

/** The canonical JSON form: 64-bit values as strings and hex ids lowercased, as the decoder writes them. */
function canonical(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => {
    if ((key === 'traceId' || key === 'spanId') && typeof v === 'string') return v.toLowerCase();
    if (
      ['timeUnixNano', 'observedTimeUnixNano', 'startTimeUnixNano', 'intValue', 'asInt', 'count'].includes(
        key,
      ) &&
      typeof v === 'number'
    ) {
      return String(v);
    }
    return v;
  });
}

describe('OTLP protobuf logs', () => {
  it('round-trips the published logs example to the same OTLP/JSON object', () => {
    const json = sample('otlp-proto-example-logs.json');
    const decoded = decodeLogsRequest(encodeLogsRequest(json as never));
    expect(decoded).toEqual(canonical(json));
  });

  it('round-trips the published events example (eventName, kvlist body)', () => {
    const json = sample('otlp-proto-example-events.json');
    const decoded = decodeLogsRequest(encodeLogsRequest(json as never));
    expect(decoded).toEqual(canonical(json));
    const parsed = parseOtlpLogsJson(decoded);
    expect(parsed.ok && parsed.value.resourceLogs?.[0]?.scopeLogs?.[0]?.logRecords?.[0]?.eventName).toBe(
      'browser.page_view',
    );
  });

  it('writes trace and span ids as lowercase hex, not base64', () => {
    const decoded = decodeLogsRequest(encodeLogsRequest(sample('otlp-proto-example-logs.json') as never));
    const record = (decoded as { resourceLogs: { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[] })
      .resourceLogs[0]?.scopeLogs[0]?.logRecords[0];
    expect(record?.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(record?.spanId).toBe('eee19b7ec3c1b174');
  });

  it('round-trips a Claude Code request with numbers in each AnyValue encoding', () => {
    for (const numbers of ['int', 'intString', 'double', 'string'] as const) {
      const json = claudeCodeLogsRequest({
        sessionId: 's-1',
        email: 'ada@example.com',
        numbers,
        requests: [{ at: '2026-03-02T10:00:00Z', costUsd: 0.25, input: 1200, output: 300, cacheRead: 5000 }],
      });
      expect(decodeLogsRequest(encodeLogsRequest(json))).toEqual(canonical(json));
    }
  });

  it('keeps 64-bit integers beyond 2^53 exact', () => {
    const json = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1772445600123456789',
                  attributes: [{ key: 'big', value: { intValue: '9007199254740993' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeLogsRequest(encodeLogsRequest(json))).toEqual(json);
  });

  it('decodes records written with the published field numbers (hand-built wire bytes)', () => {
    // LogRecord fields written one by one by number, independent of the project's .proto text.
    const anyString = (text: string) =>
      protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .string(text)
        .finish();
    const keyValue = (key: string, text: string) => {
      const value = anyString(text);
      return protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .string(key)
        .uint32((2 << 3) | 2)
        .bytes(value)
        .finish();
    };
    const record = protobuf.Writer.create()
      .uint32((1 << 3) | 1)
      .fixed64('1772445600000000000')
      .uint32((11 << 3) | 1)
      .fixed64('1772445601000000000')
      .uint32((2 << 3) | 0)
      .int32(9)
      .uint32((3 << 3) | 2)
      .string('INFO')
      .uint32((5 << 3) | 2)
      .bytes(anyString('claude_code.api_request'))
      .uint32((6 << 3) | 2)
      .bytes(keyValue('session.id', 's-9'))
      .uint32((7 << 3) | 0)
      .uint32(2)
      .uint32((8 << 3) | 5)
      .fixed32(1)
      .uint32((9 << 3) | 2)
      .bytes(Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'))
      .uint32((10 << 3) | 2)
      .bytes(Buffer.from('a1a2a3a4a5a6a7a8', 'hex'))
      .uint32((12 << 3) | 2)
      .string('claude_code.api_request')
      .finish();
    const scopeLogs = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(record)
      .finish();
    const resourceLogs = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(scopeLogs)
      .finish();
    const request = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(resourceLogs)
      .finish();

    expect(decodeLogsRequest(request)).toEqual({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1772445600000000000',
                  observedTimeUnixNano: '1772445601000000000',
                  severityNumber: 9,
                  severityText: 'INFO',
                  body: { stringValue: 'claude_code.api_request' },
                  attributes: [{ key: 'session.id', value: { stringValue: 's-9' } }],
                  droppedAttributesCount: 2,
                  flags: 1,
                  traceId: '0102030405060708090a0b0c0d0e0f10',
                  spanId: 'a1a2a3a4a5a6a7a8',
                  eventName: 'claude_code.api_request',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('keeps zero and empty values of oneof fields (AnyValue) instead of dropping them as defaults', () => {
    const json = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  attributes: [
                    { key: 'i', value: { intValue: '0' } },
                    { key: 's', value: { stringValue: '' } },
                    { key: 'b', value: { boolValue: false } },
                    { key: 'd', value: { doubleValue: 0 } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeLogsRequest(encodeLogsRequest(json))).toEqual(json);
  });

  it('throws on malformed protobuf', () => {
    expect(() => decodeLogsRequest(Uint8Array.from([0x0a, 0xff, 0xff, 0x01]))).toThrow();
  });

  it('decodes an empty body to an empty request', () => {
    expect(decodeLogsRequest(new Uint8Array())).toEqual({});
    expect(parseOtlpLogsJson({}).ok).toBe(true);
  });
});

describe('OTLP protobuf metrics', () => {
  it('round-trips the published metrics example (sum, gauge, histogram; exponential histogram skipped)', () => {
    const json = sample('otlp-proto-example-metrics.json') as {
      resourceMetrics: { scopeMetrics: { metrics: object[] }[] }[];
    };
    const decoded = decodeMetricsRequest(encodeMetricsRequest(json as never)) as typeof json;
    const expected = canonical(json) as typeof json;
    const expectedMetrics = expected.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expectedMetrics[3] = {
      name: 'my.exponential.histogram',
      unit: '1',
      description: 'I am an Exponential Histogram',
    };
    expect(decoded).toEqual(expected);
    expect(parseOtlpMetricsJson(decoded).ok).toBe(true);
  });

  it('round-trips Claude Code metrics, asDouble and asInt', () => {
    const json = claudeCodeMetricsRequest({
      sessionId: 's-1',
      email: 'ada@example.com',
      start: '2026-03-02T10:00:00Z',
      at: '2026-03-02T10:01:00Z',
      cost: [{ usd: 0.5 }],
      tokens: [{ input: 100, output: 20 }],
      commits: 1,
    });
    expect(decodeMetricsRequest(encodeMetricsRequest(json))).toEqual(canonical(json));
    const asInt = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'n',
                  sum: { aggregationTemporality: 2, dataPoints: [{ asInt: 7, timeUnixNano: '1' }] },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeMetricsRequest(encodeMetricsRequest(asInt))).toEqual(canonical(asInt));
    const zero = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'n',
                  sum: { aggregationTemporality: 1, dataPoints: [{ asDouble: 0, timeUnixNano: '1' }] },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(decodeMetricsRequest(encodeMetricsRequest(zero))).toEqual(zero);
  });

  it('decodes sum points written with the published field numbers', () => {
    const point = protobuf.Writer.create()
      .uint32((2 << 3) | 1)
      .fixed64('1000000000')
      .uint32((3 << 3) | 1)
      .fixed64('2000000000')
      .uint32((4 << 3) | 1)
      .double(1.5)
      .uint32((8 << 3) | 0)
      .uint32(2)
      .finish();
    const sum = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(point)
      .uint32((2 << 3) | 0)
      .int32(2)
      .uint32((3 << 3) | 0)
      .bool(true)
      .finish();
    const metric = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .string('claude_code.cost.usage')
      .uint32((3 << 3) | 2)
      .string('USD')
      .uint32((7 << 3) | 2)
      .bytes(sum)
      .finish();
    const scope = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(metric)
      .finish();
    const resource = protobuf.Writer.create()
      .uint32((2 << 3) | 2)
      .bytes(scope)
      .finish();
    const request = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(resource)
      .finish();
    expect(decodeMetricsRequest(request)).toEqual({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'claude_code.cost.usage',
                  unit: 'USD',
                  sum: {
                    dataPoints: [
                      {
                        startTimeUnixNano: '1000000000',
                        timeUnixNano: '2000000000',
                        asDouble: 1.5,
                        flags: 2,
                      },
                    ],
                    aggregationTemporality: 2,
                    isMonotonic: true,
                  },
                },
              ],
            },
          ],
        },
      ],
    });
  });
});

describe('OTLP protobuf responses', () => {
  it('encodes full success as an empty message', () => {
    expect(encodeLogsResponse()).toHaveLength(0);
    expect(encodeMetricsResponse()).toHaveLength(0);
    expect(decodeLogsResponse(encodeLogsResponse())).toEqual({});
  });

  it('encodes partial_success with counts and message', () => {
    expect(
      decodeLogsResponse(encodeLogsResponse({ rejectedLogRecords: 2, errorMessage: 'no session' })),
    ).toEqual({
      partialSuccess: { rejectedLogRecords: 2, errorMessage: 'no session' },
    });
    expect(
      decodeMetricsResponse(encodeMetricsResponse({ rejectedDataPoints: 5, errorMessage: 'x' })),
    ).toEqual({
      partialSuccess: { rejectedDataPoints: 5, errorMessage: 'x' },
    });
    // partial_success = 1 (length-delimited), rejected_log_records = 1 (varint), error_message = 2.
    expect([...encodeLogsResponse({ rejectedLogRecords: 2, errorMessage: 'e' })]).toEqual([
      0x0a, 0x05, 0x08, 0x02, 0x12, 0x01, 0x65,
    ]);
  });
});
