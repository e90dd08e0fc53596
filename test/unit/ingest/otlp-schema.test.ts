import { describe, expect, it } from 'vitest';
import { parseOtlpLogsJson, parseOtlpMetricsJson } from '../../../src/ingest/otlp/schema.ts';

const logsWith = (record: unknown) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });

describe('parseOtlpLogsJson', () => {
  it('accepts an empty request', () => {
    expect(parseOtlpLogsJson({})).toEqual({ ok: true, value: {} });
    expect(parseOtlpLogsJson({ resourceLogs: [] }).ok).toBe(true);
  });

  it('accepts 64-bit values as strings or numbers', () => {
    const parsed = parseOtlpLogsJson(
      logsWith({
        timeUnixNano: 1772445600000000000,
        observedTimeUnixNano: '1772445600000000000',
        attributes: [
          { key: 'a', value: { intValue: 12 } },
          { key: 'b', value: { intValue: '12' } },
        ],
      }),
    );
    expect(parsed.ok).toBe(true);
  });

  it('ignores unknown fields and drops them from the typed output', () => {
    const parsed = parseOtlpLogsJson({
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ futureField: 1, body: { stringValue: 'x' } }] }], extra: true },
      ],
      more: 'x',
    });
    expect(parsed).toEqual({
      ok: true,
      value: { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] },
    });
  });

  it('maps enum names to numbers', () => {
    const parsed = parseOtlpLogsJson(logsWith({ severityNumber: 'SEVERITY_NUMBER_INFO' }));
    expect(parsed.ok && parsed.value.resourceLogs?.[0]?.scopeLogs?.[0]?.logRecords?.[0]?.severityNumber).toBe(
      9,
    );
  });

  it('accepts nested array and kvlist values', () => {
    const parsed = parseOtlpLogsJson(
      logsWith({
        body: {
          kvlistValue: {
            values: [
              {
                key: 'k',
                value: { arrayValue: { values: [{ intValue: '1' }, { kvlistValue: { values: [] } }] } },
              },
            ],
          },
        },
      }),
    );
    expect(parsed.ok).toBe(true);
  });

  it('names the path of a bad field', () => {
    const bad = parseOtlpLogsJson(logsWith({ timeUnixNano: 'yesterday' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(
      /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.timeUnixNano - /,
    );

    const nested = parseOtlpLogsJson(
      logsWith({ attributes: [{ key: 'a', value: { intValue: 1.5e3 } }, { key: 7 }] }),
    );
    expect(!nested.ok && nested.error).toContain(
      'resourceLogs[0].scopeLogs[0].logRecords[0].attributes[1].key - ',
    );

    const deep = { stringValue: 'x' } as Record<string, unknown>;
    let nestedValue = deep;
    for (let i = 0; i < 200; i++) nestedValue = { arrayValue: { values: [nestedValue] } };
    expect(parseOtlpLogsJson(logsWith({ body: nestedValue }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('AnyValue nested too deeply'),
    });
    expect(
      parseOtlpLogsJson(logsWith({ attributes: [{ key: 'a', value: { intValue: '1.5' } }] })),
    ).toMatchObject({
      ok: false,
      error:
        'resourceLogs[0].scopeLogs[0].logRecords[0].attributes[0].value.intValue - Expected an integer (number or decimal string)',
    });
    expect(parseOtlpLogsJson(logsWith({ attributes: {} }))).toMatchObject({
      ok: false,
      error: 'resourceLogs[0].scopeLogs[0].logRecords[0].attributes - Expected an array of KeyValue',
    });

    expect(parseOtlpLogsJson({ resourceLogs: {} })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^resourceLogs - /),
    });
    expect(parseOtlpLogsJson('nope')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^\(root\) - /),
    });
  });
});

describe('parseOtlpMetricsJson', () => {
  it('accepts asDouble/asInt as number or string and temporality names', () => {
    const parsed = parseOtlpMetricsJson({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'm',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
                    dataPoints: [{ asDouble: 1.5 }, { asInt: '3' }, { asInt: 4 }, { asDouble: 'NaN' }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(
      parsed.ok &&
        parsed.value.resourceMetrics?.[0]?.scopeMetrics?.[0]?.metrics?.[0]?.sum?.aggregationTemporality,
    ).toBe(2);
  });

  it('requires a metric name and names the path', () => {
    const bad = parseOtlpMetricsJson({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ sum: {} }] }] }] });
    expect(!bad.ok && bad.error).toMatch(/^resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.name - /);
  });
});
