import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import { assertBlockKitLimits } from '../../blocks/limits.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { FakeSlackApi, type FakeSlackOptions, type FakeUser } from '../../src/sandbox/fake-slack-api.ts';
import { type Service, type ServiceOptions, startService } from '../../src/service.ts';
import { FakeLinearApi } from '../fakes/fake-linear-api.ts';
import { testMongoUri, uniqueDbName } from './db.ts';
import { signedSlackHeaders } from './slack-signing.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const LINEAR_KEY = 'lin_api_test_key';

export const DEFAULT_USERS: FakeUser[] = [
  { id: 'UALICE0001', name: 'alice', email: 'alice@example.com', tz: 'Europe/Berlin' },
  { id: 'UBOB000001', name: 'bob', email: 'bob@example.com', tz: 'America/New_York' },
  { id: 'UCAROL0001', name: 'carol', email: 'carol@example.com', tz: 'UTC', isAdmin: true },
];

export interface TestAppOptions {
  env?: Record<string, string>;
  users?: FakeUser[];
  channels?: FakeSlackOptions['channels'];
  /** Share a database between instances (multi-instance tests). */
  dbName?: string;
  service?: Partial<ServiceOptions>;
}

export interface TestApp {
  service: Service;
  slack: FakeSlackApi;
  linear: FakeLinearApi;
  config: Config;
  baseUrl: string;
  dbName: string;
  /** POST a body to the app, signed as Slack signs it. */
  postSlack(
    body: string,
    contentType: string,
    options?: { timestamp?: number; secret?: string },
  ): Promise<Response>;
  command(text: string, userId?: string, extra?: Record<string, string>): Promise<Response>;
  interaction(payload: Record<string, unknown>): Promise<Response>;
  event(event: Record<string, unknown>): Promise<Response>;
  post(path: string, body: string | Uint8Array, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/** Start the real service (real Bolt app, real driver) against local fakes of Slack and Linear. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const slack = new FakeSlackApi({
    botToken: BOT_TOKEN,
    users: options.users ?? DEFAULT_USERS,
    channels: options.channels ?? [{ id: 'CLEADERS01', name: 'leadership', botIsMember: true }],
    validateBlocks: validateBlockKit,
  });
  await slack.start();
  const linear = new FakeLinearApi({ apiKey: LINEAR_KEY });
  await linear.start();
  const dbName = options.dbName ?? uniqueDbName('app');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    MONGODB_URI: testMongoUri(),
    MONGODB_DB: dbName,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    LINEAR_API_KEY: LINEAR_KEY,
    LINEAR_API_URL: linear.url,
    ...options.env,
  });
  const service = await startService({
    config,
    logger: createLogger(config.LOG_LEVEL),
    // Fail fast in tests: the fake answers at once, so long retry ladders only hide bugs.
    slackClientOptions: { retryConfig: { retries: 2, factor: 1, minTimeout: 10, maxTimeout: 50 } },
    processEvery: 200,
    ...options.service,
  });
  const baseUrl = `http://127.0.0.1:${service.port}`;

  const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', body, headers });
  const postSlack: TestApp['postSlack'] = (body, contentType, signOptions = {}) =>
    post(
      '/slack/events',
      body,
      signedSlackHeaders(signOptions.secret ?? SIGNING_SECRET, body, contentType, signOptions.timestamp),
    );

  const app: TestApp = {
    service,
    slack,
    linear,
    config,
    baseUrl,
    dbName,
    post,
    postSlack,
    command: (text, userId = 'UALICE0001', extra = {}) => {
      const body = new URLSearchParams({
        token: 'legacy-verification-token',
        team_id: slack.teamId,
        team_domain: 'sandbox',
        channel_id: 'CLEADERS01',
        channel_name: 'leadership',
        user_id: userId,
        user_name: userId.toLowerCase(),
        command: '/ai-roi',
        text,
        api_app_id: 'A0000TEST',
        response_url: slack.responseUrl(),
        trigger_id: `trigger-${randomUUID()}`,
        ...extra,
      }).toString();
      return postSlack(body, 'application/x-www-form-urlencoded');
    },
    interaction: (payload) => {
      const body = new URLSearchParams({
        payload: JSON.stringify({
          team: { id: slack.teamId, domain: 'sandbox' },
          api_app_id: 'A0000TEST',
          token: 'legacy-verification-token',
          trigger_id: `trigger-${randomUUID()}`,
          response_url: slack.responseUrl(),
          ...payload,
        }),
      }).toString();
      return postSlack(body, 'application/x-www-form-urlencoded');
    },
    event: (event) => {
      const body = JSON.stringify({
        token: 'legacy-verification-token',
        team_id: slack.teamId,
        api_app_id: 'A0000TEST',
        type: 'event_callback',
        event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10)}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ team_id: slack.teamId, user_id: slack.botUserId, is_bot: true }],
        event,
      });
      return postSlack(body, 'application/json');
    },
    stop: async () => {
      await service.stop();
      await slack.stop();
      await linear.stop();
    },
  };
  return app;
}

/** Start one app for a whole suite and stop it afterwards. */
export async function useTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const app = await startTestApp(options);
  afterAll(() => app.stop());
  return app;
}

/** Wait until a condition holds (for work done after the ack), failing with a clear message. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  { timeoutMs = 5000, intervalMs = 25, message = 'condition not met' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The fake Slack API rejects what real Slack would: the same limits the builders are tested against. */
export const validateBlockKit: FakeSlackOptions['validateBlocks'] = (payload, surface) =>
  assertBlockKitLimits(payload, surface).map((violation) => `${violation.path}: ${violation.message}`);
