import { createHmac } from 'node:crypto';

/** Sign a body the way Slack does: v0=HMAC-SHA256(secret, "v0:{ts}:{body}"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signedSlackHeaders(
  secret: string,
  body: string,
  contentType: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}
