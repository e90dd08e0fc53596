import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricSample } from '../../../src/domain/types.ts';
import {
  cumulativeToDelta,
  metricSeriesKey,
  metricsPartialSuccess,
} from '../../../src/ingest/otlp/metrics.ts';
import type { OtlpMetricsRequest } from '../../../src/ingest/otlp/schema.ts';
import {
  CLAUDE_CODE_RESOURCE,
  claudeCodeMetricsRequest,
  nanos,
  otlpAttributes,
} from '../../fixtures/otlp/claude-code.ts';
import { metricsViaJson, metricsViaProtobuf } from './helpers.ts';

const viaJson = metricsViaJson;
const viaProtobuf = metricsViaProtobuf;

const START = '2026-03-02T10:00:00Z';
const AT = '2026-03-02T10:01:00Z';

const request = claudeCodeMetricsRequest({
  sessionId: 'sess-1',
  email: 'ada@example.com',
  accountUuid: 'acc-1',
  resource: { team: 'platform' },
  start: START,
  at: AT,
  cost: [{ model: 'claude-opus-4-1', usd: 0.42 }],
  tokens: [{ model: 'claude-opus-4-1', input: 1000, output: 200, cacheRead: 3000, cacheCreation: 50 }],
  sessions: 1,
  linesAdded: 40,
  linesRemoved: 3,
  commits: 2,
  pullRequests: 1,
  activeTime: { user: 30, cli: 12.5 },
});

describe('Claude Code metrics', () => {
  const result = viaJson(request);
  const named = (name: string) => result.samples.filter((s) => s.name === name);

  it('maps every documented Claude Code sum', () => {
    expect(result.samples).toHaveLength(1 + 4 + 1 + 2 + 1 + 1 + 2);
    expect(result.rejected).toEqual([]);
    expect(metricsPartialSuccess(result)).toBeUndefined();
  });

  it('maps a cost point with identity, session, dimensions and labels', () => {
    expect(named('claude_code.cost.usage')).toEqual([
      {
        source: 'claude_code',
        sourceEventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        sessionKey: 'sess-1',
        identity: { email: 'ada@example.com', accountId: 'acc-1' },
        name: 'claude_code.cost.usage',
        attributes: { model: 'claude-opus-4-1', query_source: 'main' },
        value: 0.42,
        temporality: 'delta',
        startTime: new Date(START),
        time: new Date(AT),
        labels: {
          ...CLAUDE_CODE_RESOURCE,
          team: 'platform',
        },
      },
    ]);
  });

  it('splits token usage by type', () => {
    const byType = Object.fromEntries(
      named('claude_code.token.usage').map((s) => [s.attributes.type, s.value]),
    );
    expect(byType).toEqual({ input: 1000, output: 200, cacheRead: 3000, cacheCreation: 50 });
    expect(named('claude_code.active_time.total').map((s) => s.value)).toEqual([30, 12.5]);
  });

  it('gives unique, stable ids', () => {
    const ids = result.samples.map((s) => s.sourceEventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(viaJson(request).samples.map((s) => s.sourceEventId)).toEqual(ids);
  });

  it('gives the same samples from protobuf as from JSON', () => {
    expect(viaProtobuf(request)).toEqual(result);
  });

  it('marks cumulative series', () => {
    const cumulative = viaJson(
      claudeCodeMetricsRequest({
        sessionId: 's',
        start: START,
        at: AT,
        temporality: 'cumulative',
        commits: 3,
      }),
    );
    expect(cumulative.samples[0]).toMatchObject({ temporality: 'cumulative', value: 3 });
  });
});

describe('data point values and rejections', () => {
  const costRequest = (
    point: Record<string, unknown>,
    temporality: number | null = 1,
  ): OtlpMetricsRequest => ({
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'claude_code.cost.usage',
                sum: {
                  ...(temporality !== null ? { aggregationTemporality: temporality } : {}),
                  dataPoints: [
                    { timeUnixNano: nanos(AT), attributes: otlpAttributes({ 'session.id': 's' }), ...point },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });

  it('reads asDouble or asInt, as number or string, in both encodings', () => {
    for (const point of [
      { asDouble: 2.5 },
      { asDouble: '2.5' },
      { asInt: 3 },
      { asInt: '3' },
      { asDouble: 0 },
    ]) {
      const expected = Number(Object.values(point)[0]);
      expect(viaJson(costRequest(point)).samples[0]?.value).toBe(expected);
      expect(viaProtobuf(costRequest(point)).samples[0]?.value).toBe(expected);
    }
  });

  it('rejects points without value, time, temporality or attribution, and negative values', () => {
    expect(viaJson(costRequest({})).rejected[0]?.reason).toBe(
      'claude_code.cost.usage: no finite asDouble or asInt',
    );
    expect(viaJson(costRequest({ asDouble: 'NaN' })).rejected).toHaveLength(1);
    expect(viaJson(costRequest({ asDouble: -1 })).rejected[0]?.reason).toMatch(/negative/);
    expect(viaJson(costRequest({ asDouble: 1, timeUnixNano: '0' })).rejected[0]?.reason).toMatch(
      /timeUnixNano/,
    );
    expect(viaJson(costRequest({ asDouble: 1 }, null)).rejected[0]?.reason).toMatch(/aggregationTemporality/);
    const anonymous = viaJson(costRequest({ asDouble: 1, attributes: [] }));
    expect(anonymous.rejected).toEqual([
      {
        path: 'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0]',
        reason: 'claude_code.cost.usage: no session.id and no user identity',
      },
    ]);
    expect(metricsPartialSuccess(anonymous)).toEqual({
      rejectedDataPoints: 1,
      errorMessage: expect.stringContaining('no session.id and no user identity'),
    });
  });

  it('ignores other metrics and points flagged as having no recorded value', () => {
    const other = viaJson({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'claude_code.code_edit_tool.decision',
                  sum: { aggregationTemporality: 1, dataPoints: [{ asInt: 1 }] },
                },
                { name: 'http.server.duration', histogram: { dataPoints: [{ count: '2' }, { count: '1' }] } },
              ],
            },
          ],
        },
      ],
    });
    expect(other).toEqual({ samples: [], rejected: [], ignored: 3 });
    expect(viaJson(costRequest({ asDouble: 1, flags: 1 }))).toMatchObject({ samples: [], ignored: 1 });
  });
});

describe('cumulativeToDelta', () => {
  const sample = (value: number, temporality: MetricSample['temporality'] = 'cumulative'): MetricSample => ({
    source: 'claude_code',
    sourceEventId: 'x',
    sessionKey: 's',
    identity: {},
    name: 'claude_code.cost.usage',
    attributes: {},
    value,
    temporality,
    time: new Date(AT),
    labels: {},
  });

  it('turns the first point into its whole value', () => {
    expect(cumulativeToDelta(undefined, sample(5))).toMatchObject({ value: 5, temporality: 'delta' });
  });

  it('subtracts the previous value', () => {
    expect(cumulativeToDelta(5, sample(7.5))).toMatchObject({ value: 2.5, temporality: 'delta' });
    expect(cumulativeToDelta(5, sample(5)).value).toBe(0);
  });

  it('treats a drop as a counter reset: the new value is all new', () => {
    expect(cumulativeToDelta(10, sample(3))).toMatchObject({ value: 3, temporality: 'delta' });
  });

  it('leaves delta points unchanged', () => {
    const delta = sample(4, 'delta');
    expect(cumulativeToDelta(100, delta)).toBe(delta);
  });

  it('sums deltas of a growing series back to its last cumulative value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 50 }),
        (increments) => {
          let cumulative = 0;
          let previous: number | undefined;
          let total = 0;
          for (const increment of increments) {
            cumulative += increment;
            total += cumulativeToDelta(previous, sample(cumulative)).value;
            previous = cumulative;
          }
          expect(total).toBe(cumulative);
        },
      ),
    );
  });

  it('keys series by metric, session, person and dimensions, not by time or value', () => {
    const a = sample(1);
    expect(metricSeriesKey(a)).toBe(
      metricSeriesKey({ ...a, value: 9, time: new Date(), sourceEventId: 'y' }),
    );
    expect(metricSeriesKey(a)).not.toBe(metricSeriesKey({ ...a, attributes: { model: 'm' } }));
    expect(metricSeriesKey(a)).not.toBe(metricSeriesKey({ ...a, sessionKey: 's2' }));
  });
});
