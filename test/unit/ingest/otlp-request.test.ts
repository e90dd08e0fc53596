import { describe, expect, it } from 'vitest';
import {
  decodeLogsResponse,
  decodeMetricsResponse,
  encodeLogsRequest,
} from '../../../src/ingest/otlp/proto.ts';
import {
  otlpEncodingOf,
  otlpLogsResponse,
  otlpMetricsResponse,
  parseOtlpLogsBody,
  parseOtlpMetricsBody,
} from '../../../src/ingest/otlp/request.ts';
import { claudeCodeLogsRequest } from '../../fixtures/otlp/claude-code.ts';

const request = claudeCodeLogsRequest({
  sessionId: 's',
  requests: [{ at: '2026-03-02T10:00:00Z', costUsd: 1, input: 1, output: 1 }],
});

describe('OTLP/HTTP bodies', () => {
  it('recognises the two content types', () => {
    expect(otlpEncodingOf('application/json; charset=utf-8')).toBe('json');
    expect(otlpEncodingOf('application/x-protobuf')).toBe('protobuf');
    expect(otlpEncodingOf('text/plain')).toBeUndefined();
    expect(otlpEncodingOf(undefined)).toBeUndefined();
  });

  it('parses the same request from JSON text, JSON bytes and protobuf', () => {
    const fromText = parseOtlpLogsBody(JSON.stringify(request), 'json');
    const fromBytes = parseOtlpLogsBody(Buffer.from(JSON.stringify(request)), 'json');
    const fromProtobuf = parseOtlpLogsBody(encodeLogsRequest(request), 'protobuf');
    expect(fromText.ok).toBe(true);
    expect(fromBytes).toEqual(fromText);
    expect(fromProtobuf.ok).toBe(true);
  });

  it('treats an empty body as an empty request', () => {
    expect(parseOtlpLogsBody('', 'json')).toEqual({ ok: true, value: {} });
    expect(parseOtlpMetricsBody(new Uint8Array(), 'protobuf')).toEqual({ ok: true, value: {} });
  });

  it('reports undecodable bodies', () => {
    expect(parseOtlpLogsBody('{nope', 'json')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^\(body\) - invalid JSON/),
    });
    expect(parseOtlpMetricsBody(Uint8Array.from([0x0a, 0xff, 0xff]), 'protobuf')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^\(body\) - invalid protobuf/),
    });
  });
});

describe('OTLP/HTTP responses', () => {
  it('answers full success with {} in either encoding', () => {
    expect(otlpLogsResponse('json')).toEqual({ contentType: 'application/json', body: '{}' });
    const protobuf = otlpMetricsResponse('protobuf');
    expect(protobuf.contentType).toBe('application/x-protobuf');
    expect(protobuf.body).toHaveLength(0);
  });

  it('answers partial success with counts and message', () => {
    expect(
      JSON.parse(otlpLogsResponse('json', { rejectedLogRecords: 2, errorMessage: 'why' }).body as string),
    ).toEqual({
      partialSuccess: { rejectedLogRecords: '2', errorMessage: 'why' },
    });
    expect(JSON.parse(otlpMetricsResponse('json', { rejectedDataPoints: 1 }).body as string)).toEqual({
      partialSuccess: { rejectedDataPoints: '1', errorMessage: '' },
    });
    expect(
      decodeLogsResponse(
        otlpLogsResponse('protobuf', { rejectedLogRecords: 2, errorMessage: 'why' }).body as Uint8Array,
      ),
    ).toEqual({
      partialSuccess: { rejectedLogRecords: 2, errorMessage: 'why' },
    });
    expect(
      decodeMetricsResponse(otlpMetricsResponse('protobuf', { rejectedDataPoints: 3 }).body as Uint8Array),
    ).toEqual({
      partialSuccess: { rejectedDataPoints: 3 },
    });
  });
});
