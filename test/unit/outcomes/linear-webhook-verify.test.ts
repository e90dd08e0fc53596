import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyLinearDelivery } from '../../../src/webhooks/linear.ts';

const secret = 'lin_wh_unit_secret';
const sign = (body: string, key = secret) => createHmac('sha256', key).update(body).digest('hex');
const check = (body: string, signature = sign(body)) =>
  verifyLinearDelivery(secret, Buffer.from(body), signature);

describe('verifyLinearDelivery (LinearWebhookClient with a 60 s window)', () => {
  it('accepts a correctly signed, fresh delivery and returns its payload', () => {
    const body = JSON.stringify({ type: 'Issue', action: 'update', webhookTimestamp: Date.now(), data: {} });
    expect(check(body)).toEqual({ ok: true, payload: JSON.parse(body) });
  });

  it('refuses a wrong signature or a signature over other bytes with 401', () => {
    const body = JSON.stringify({ type: 'Issue', webhookTimestamp: Date.now() });
    expect(check(body, sign(body, 'other'))).toMatchObject({ ok: false, status: 401 });
    expect(check(body, sign(`${body}\n`))).toMatchObject({ ok: false, status: 401 });
    expect(check(body, 'not-hex')).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a stale or future timestamp (replay) with 401', () => {
    for (const offset of [-61_000, 61_000]) {
      const body = JSON.stringify({ type: 'Issue', webhookTimestamp: Date.now() + offset });
      expect(check(body)).toMatchObject({ ok: false, status: 401, problem: expect.stringMatching(/60 s/) });
    }
  });

  it('calls a signed body that is not JSON, or has no timestamp, malformed (400)', () => {
    expect(check('{"type":')).toMatchObject({
      ok: false,
      status: 400,
      problem: 'The body is not valid JSON',
    });
    expect(check(JSON.stringify({ type: 'Issue' }))).toMatchObject({
      ok: false,
      status: 400,
      problem: expect.stringContaining('webhookTimestamp'),
    });
  });
});
