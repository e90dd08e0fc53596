import { randomBytes } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { SlackCredentials } from '../slack/bolt-app.ts';
import { FakeSlackApi, type FakeUser } from './fake-slack-api.ts';

/** A sample workspace for local mode: a few engineers, a manager and a leadership channel. */
export const SANDBOX_USERS: FakeUser[] = [
  { id: 'UMAYA00001', name: 'maya', realName: 'Maya Chen', email: 'maya@example.com', tz: 'Europe/Berlin' },
  { id: 'UTOM000001', name: 'tom', realName: 'Tom Okafor', email: 'tom@example.com', tz: 'Europe/London' },
  {
    id: 'UPRIYA0001',
    name: 'priya',
    realName: 'Priya Nair',
    email: 'priya@example.com',
    tz: 'America/New_York',
  },
  { id: 'ULEO000001', name: 'leo', realName: 'Leo Rossi', email: 'leo@example.com', tz: 'Europe/Rome' },
  {
    id: 'USAM000001',
    name: 'sam',
    realName: 'Sam Park',
    email: 'sam@example.com',
    tz: 'America/Los_Angeles',
  },
  {
    id: 'UDANA00001',
    name: 'dana',
    realName: 'Dana Whitfield (manager)',
    email: 'dana@example.com',
    tz: 'Europe/London',
    isAdmin: true,
  },
];

export const SANDBOX_CHANNELS = [
  { id: 'CLEADERSHP', name: 'leadership', botIsMember: true, tz: 'Europe/London' },
  { id: 'CPAYMENTS1', name: 'payments-eng', botIsMember: true },
  { id: 'CRANDOM001', name: 'random', botIsMember: false },
];

export interface LocalSandbox {
  api: FakeSlackApi;
  credentials: SlackCredentials;
  stop(): Promise<void>;
}

/** Local mode: no Slack workspace, so the bot talks to a built-in Slack sandbox on loopback. */
export async function startLocalSandbox(
  validateBlocks?: ConstructorParameters<typeof FakeSlackApi>[0]['validateBlocks'],
): Promise<LocalSandbox> {
  const botToken = `xoxb-local-${randomBytes(8).toString('hex')}`;
  const api = new FakeSlackApi({
    botToken,
    users: SANDBOX_USERS,
    channels: SANDBOX_CHANNELS,
    validateBlocks,
  });
  await api.start(0, '127.0.0.1');
  return {
    api,
    credentials: { botToken, signingSecret: randomBytes(16).toString('hex'), apiUrl: api.apiUrl },
    stop: () => api.stop(),
  };
}

export function logLocalModeBanner(logger: Logger, appUrl: string): void {
  logger.warn(
    [
      '',
      '──────────────── ai-roi is running in LOCAL MODE ────────────────',
      'No Slack credentials (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET) are set, so the bot',
      `talks to a built-in Slack sandbox instead. Open ${appUrl}/sandbox to see what it posts.`,
      'To use a real workspace: create the app from manifest.yml, then set SLACK_BOT_TOKEN',
      'and SLACK_SIGNING_SECRET (see README "Connect to Slack") and restart.',
      '──────────────────────────────────────────────────────────────────',
    ].join('\n'),
  );
}
