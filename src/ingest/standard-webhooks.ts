import { Webhook, WebhookVerificationError } from 'standardwebhooks';

/**
 * Standard Webhooks (standardwebhooks.com) signatures over the raw body, via the reference
 * `standardwebhooks` package: HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" with the
 * base64 whsec_ key, constant-time compare, 5-minute timestamp tolerance (the package's).
 */

export type HeaderBag = Record<string, string | string[] | undefined>;

export type WebhookVerification =
  | {
      ok: true;
      /** webhook-id: dedupe deliveries on it. */
      webhookId: string;
      timestamp: Date;
    }
  | {
      ok: false;
      reason: 'missing_headers' | 'bad_signature' | 'stale_timestamp' | 'invalid_secret';
      message: string;
    };

const HEADER_NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

function standardHeaders(headers: HeaderBag): Record<string, string> | undefined {
  const lower: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    const text = Array.isArray(value) ? value.join(' ') : value;
    if (text !== undefined) lower[key.toLowerCase()] = text;
  }
  const picked: Record<string, string> = {};
  for (const name of HEADER_NAMES) {
    const value = lower[name];
    if (!value) return undefined;
    picked[name] = value;
  }
  return picked;
}

function classify(error: unknown): WebhookVerification {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof WebhookVerificationError)) return { ok: false, reason: 'bad_signature', message };
  if (/timestamp too (old|new)/i.test(message)) return { ok: false, reason: 'stale_timestamp', message };
  if (/missing required headers/i.test(message)) return { ok: false, reason: 'missing_headers', message };
  return { ok: false, reason: 'bad_signature', message };
}

/**
 * Verifies a delivery against one secret or several (during rotation, any may match).
 * Never throws: a bad secret in configuration is reported as `invalid_secret`.
 */
export function verifyStandardWebhook(
  secrets: string | readonly string[],
  rawBody: string | Uint8Array,
  headers: HeaderBag,
): WebhookVerification {
  const picked = standardHeaders(headers);
  if (!picked) {
    return { ok: false, reason: 'missing_headers', message: `Missing one of ${HEADER_NAMES.join(', ')}` };
  }
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  let failure: WebhookVerification = { ok: false, reason: 'invalid_secret', message: 'No secret configured' };
  for (const secret of list) {
    let webhook: Webhook;
    try {
      webhook = new Webhook(secret);
    } catch (error) {
      failure = {
        ok: false,
        reason: 'invalid_secret',
        message: error instanceof Error ? error.message : 'bad secret',
      };
      continue;
    }
    try {
      webhook.verify(rawBody, picked, { jsonParse: false });
      const seconds = Number.parseInt(picked['webhook-timestamp'] ?? '', 10);
      return { ok: true, webhookId: picked['webhook-id'] ?? '', timestamp: new Date(seconds * 1000) };
    } catch (error) {
      failure = classify(error);
      // A stale timestamp fails the same way for every secret.
      if (failure.ok === false && failure.reason === 'stale_timestamp') return failure;
    }
  }
  return failure;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
  'content-type': string;
}

/** Signs a body as a Standard Webhooks sender would (tests, the demo seeder, benchmarks). */
export function signStandardWebhook(
  secret: string,
  rawBody: string | Uint8Array,
  options: { id: string; at?: Date },
): SignedHeaders {
  const at = options.at ?? new Date();
  return {
    'webhook-id': options.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(options.id, at, rawBody),
    'content-type': 'application/json',
  };
}
