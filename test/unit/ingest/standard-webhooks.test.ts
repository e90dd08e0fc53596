import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signStandardWebhook, verifyStandardWebhook } from '../../../src/ingest/standard-webhooks.ts';

const vectors = JSON.parse(
  readFileSync('/work/shared/reference/samples/webhook-signing-test-vectors.json', 'utf8'),
) as { standard_webhooks_v1: Record<string, string> };
const vector = vectors.standard_webhooks_v1;
const vectorHeaders = {
  'webhook-id': vector['webhook-id']!,
  'webhook-timestamp': vector['webhook-timestamp']!,
  'webhook-signature': vector['webhook-signature']!,
};
const vectorTime = Number(vector['webhook-timestamp']) * 1000;

describe('verifyStandardWebhook', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('accepts the published Standard Webhooks test vector', () => {
    vi.useFakeTimers({ now: vectorTime });
    expect(verifyStandardWebhook(vector.secret!, vector.payload!, vectorHeaders)).toEqual({
      ok: true,
      webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: new Date(vectorTime),
    });
  });

  it('accepts raw bytes, header names in any case and array header values', () => {
    vi.useFakeTimers({ now: vectorTime });
    const headers = {
      'Webhook-Id': vectorHeaders['webhook-id'],
      'WEBHOOK-TIMESTAMP': [vectorHeaders['webhook-timestamp']],
      'webhook-signature': `v1,bm90IGl0 ${vectorHeaders['webhook-signature']}`,
    };
    expect(verifyStandardWebhook(vector.secret!, Buffer.from(vector.payload!), headers).ok).toBe(true);
  });

  it('rejects a tampered body or a wrong secret as bad_signature', () => {
    vi.useFakeTimers({ now: vectorTime });
    expect(verifyStandardWebhook(vector.secret!, '{"test": 2432232315}', vectorHeaders)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyStandardWebhook('whsec_c2VjcmV0LXR3bw==', vector.payload!, vectorHeaders)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects timestamps more than 5 minutes old or ahead as stale_timestamp', () => {
    vi.useFakeTimers({ now: vectorTime + 5 * 60_000 + 1000 });
    expect(verifyStandardWebhook(vector.secret!, vector.payload!, vectorHeaders)).toMatchObject({
      ok: false,
      reason: 'stale_timestamp',
    });
    vi.setSystemTime(vectorTime - 5 * 60_000 - 1000);
    expect(verifyStandardWebhook(vector.secret!, vector.payload!, vectorHeaders)).toMatchObject({
      ok: false,
      reason: 'stale_timestamp',
    });
    vi.setSystemTime(vectorTime + 4 * 60_000);
    expect(verifyStandardWebhook(vector.secret!, vector.payload!, vectorHeaders).ok).toBe(true);
  });

  it('reports missing headers and unusable secrets without throwing', () => {
    expect(verifyStandardWebhook(vector.secret!, vector.payload!, { 'webhook-id': 'x' })).toMatchObject({
      ok: false,
      reason: 'missing_headers',
    });
    expect(verifyStandardWebhook('', vector.payload!, vectorHeaders)).toMatchObject({
      ok: false,
      reason: 'invalid_secret',
    });
    expect(verifyStandardWebhook([], vector.payload!, vectorHeaders)).toMatchObject({
      ok: false,
      reason: 'invalid_secret',
    });
  });

  it('accepts any of several secrets during rotation', () => {
    vi.useFakeTimers({ now: vectorTime });
    expect(
      verifyStandardWebhook(['whsec_b2xkLXNlY3JldA==', vector.secret!], vector.payload!, vectorHeaders).ok,
    ).toBe(true);
  });
});

describe('signStandardWebhook', () => {
  it('reproduces the published signature', () => {
    const headers = signStandardWebhook(vector.secret!, vector.payload!, {
      id: vector['webhook-id']!,
      at: new Date(vectorTime),
    });
    expect(headers['webhook-signature']).toBe(vector['webhook-signature']);
    expect(headers['webhook-timestamp']).toBe(vector['webhook-timestamp']);
  });

  it('signs bodies that verify now', () => {
    const body = JSON.stringify({ hello: 'world' });
    const headers = signStandardWebhook(vector.secret!, body, { id: 'msg_1' });
    expect(verifyStandardWebhook(vector.secret!, body, { ...headers })).toMatchObject({
      ok: true,
      webhookId: 'msg_1',
    });
  });
});
