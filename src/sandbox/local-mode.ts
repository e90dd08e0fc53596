import { randomBytes } from 'node:crypto';
import { assertBlockKitLimits } from '../../blocks/limits.ts';
import { type Config, loadConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type Service, startService } from '../service.ts';
import type { SlackCredentials } from '../slack/bolt-app.ts';
import { FakeLinearApi } from './fake-linear-api.ts';
import { FakeSlackApi, type FakeUser } from './fake-slack-api.ts';
import { sandboxRoutes } from './routes.ts';
import { sampleLinearIssues } from './seed/sample-org.ts';
import { SlackSandbox } from './slack-sandbox.ts';

/** A sample workspace for local mode: two teams of engineers, a manager and a leadership channel. */
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
    id: 'UJONAS0001',
    name: 'jonas',
    realName: 'Jonas Berg',
    email: 'jonas@example.com',
    tz: 'Europe/Stockholm',
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
  linear: FakeLinearApi;
  sandbox: SlackSandbox;
  credentials: SlackCredentials;
  linearApiKey: string;
  stop(): Promise<void>;
}

/** What the sandbox rejects, as Slack would: the same Block Kit limits the builders are tested against. */
function validateBlocks(payload: unknown, surface: 'message' | 'modal' | 'home'): string[] {
  return assertBlockKitLimits(payload, surface).map((v) => `${v.path}: ${v.message}`);
}

/** Local mode: no Slack workspace, so the bot talks to a built-in Slack sandbox (and Linear stand-in) on loopback. */
export async function startLocalSandbox(): Promise<LocalSandbox> {
  const botToken = `xoxb-local-${randomBytes(8).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const api = new FakeSlackApi({
    botToken,
    users: SANDBOX_USERS,
    channels: SANDBOX_CHANNELS,
    validateBlocks,
  });
  await api.start(0, '127.0.0.1');
  const linearApiKey = `lin_api_local_${randomBytes(8).toString('hex')}`;
  const linear = new FakeLinearApi({ apiKey: linearApiKey });
  for (const issue of sampleLinearIssues()) {
    const key = issue.identifier.split('-')[0] ?? 'ENG';
    linear.addIssue({
      identifier: issue.identifier,
      title: issue.title,
      branchName: issue.branch,
      url: `https://linear.app/acme/issue/${issue.identifier}`,
      state: issue.inProgress
        ? { id: 'state-started', name: 'In Progress', type: 'started' }
        : { id: 'state-backlog', name: 'Backlog', type: 'backlog' },
      team: { id: `team-${key.toLowerCase()}`, key, name: key === 'PAY' ? 'Payments' : 'Platform' },
    });
  }
  await linear.start();
  return {
    api,
    linear,
    sandbox: new SlackSandbox(api, signingSecret),
    credentials: { botToken, signingSecret, apiUrl: api.apiUrl },
    linearApiKey,
    stop: async () => {
      await api.stop();
      await linear.stop();
    },
  };
}

export type LocalRun = 'interactive' | 'seed' | 'demo';

/** Variables local mode fills in when unset, so every endpoint works out of the box. */
export const GENERATED_SECRETS = [
  'OTLP_TOKEN',
  'LITELLM_TOKEN',
  'USAGE_WEBHOOK_SECRET',
  'LINEAR_WEBHOOK_SECRET',
  'GITHUB_WEBHOOK_SECRET',
  'OUTCOMES_API_TOKEN',
] as const;

/**
 * The environment local mode runs with: generated secrets for every ingest and webhook endpoint that has
 * none, Linear pointed at the local stand-in unless a real LINEAR_API_KEY is set, loopback only unless HOST
 * is set (the sandbox can act as anyone in the sample workspace), and — for --seed and --demo — a database
 * of its own, so sample data never mixes with real data.
 */
export function localModeEnv(
  env: Record<string, string | undefined>,
  local: Pick<LocalSandbox, 'linear' | 'linearApiKey'>,
  run: LocalRun,
): Record<string, string | undefined> {
  const blank = (name: string) => !env[name]?.trim();
  const filled: Record<string, string | undefined> = { ...env };
  for (const name of GENERATED_SECRETS) {
    if (!blank(name)) continue;
    filled[name] =
      name === 'USAGE_WEBHOOK_SECRET'
        ? `whsec_${randomBytes(24).toString('base64')}`
        : `local-${name.toLowerCase().replace(/_/g, '-')}-${randomBytes(12).toString('hex')}`;
  }
  if (blank('LINEAR_API_KEY')) {
    filled.LINEAR_API_KEY = local.linearApiKey;
    filled.LINEAR_API_URL = local.linear.url;
  }
  if (blank('HOST')) filled.HOST = '127.0.0.1';
  const database = env.MONGODB_DB?.trim() || 'ai_roi';
  if (run === 'seed') filled.MONGODB_DB = `${database}_sandbox`;
  if (run === 'demo') {
    filled.MONGODB_DB = `${database}_demo`;
    filled.PORT = '0';
    if (blank('LOG_LEVEL')) filled.LOG_LEVEL = 'warn';
  }
  return filled;
}

export interface LocalApp {
  service: Service;
  local: LocalSandbox;
  config: Config;
  /** Where the app answers (loopback), for the seeder's own requests. */
  appUrl: string;
  /** What to open in a browser. */
  publicUrl: string;
  stop(): Promise<void>;
}

/** Start the sandbox, then the real service wired to it, with the sandbox page on the same server. */
export async function startLocalApp(options: {
  env: Record<string, string | undefined>;
  logger: Logger;
  run: LocalRun;
}): Promise<LocalApp> {
  const local = await startLocalSandbox();
  try {
    const config = loadConfig(localModeEnv(options.env, local, options.run));
    const service = await startService({
      config,
      logger: options.logger,
      slackCredentials: local.credentials,
      // A laptop trial: pick up jobs within a second rather than five.
      processEvery: 1000,
      extraRoutes: () => sandboxRoutes(local.sandbox, options.logger),
    });
    const appUrl = `http://127.0.0.1:${service.port}`;
    local.sandbox.attach(appUrl);
    const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
    return {
      service,
      local,
      config,
      appUrl,
      publicUrl: `http://${host}:${service.port}`,
      stop: async () => {
        await service.stop();
        await local.stop();
      },
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

/** The banner local mode prints (plain text, so a person reading the terminal sees it at once). */
export function localModeBanner(app: Pick<LocalApp, 'publicUrl' | 'config'>, seeded: boolean): string {
  const { config, publicUrl } = app;
  return [
    '',
    '──────────────── ai-roi is running in LOCAL MODE ────────────────',
    'No Slack credentials (SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET) are set, so the bot talks to a',
    'built-in Slack sandbox instead, and Linear calls go to a local stand-in.',
    '',
    `  Open the sandbox:  ${publicUrl}/sandbox`,
    seeded
      ? '  A sample organisation was loaded (teams, two weeks of sessions, outcomes, prompts, digests).'
      : '  Empty workspace. For sample data: npm start -- --seed',
    '',
    "Send your own Claude Code telemetry to it (this run's token; set OTLP_TOKEN to keep one):",
    '  export CLAUDE_CODE_ENABLE_TELEMETRY=1 OTEL_LOGS_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp',
    `  export OTEL_EXPORTER_OTLP_PROTOCOL=http/json OTEL_EXPORTER_OTLP_ENDPOINT=${publicUrl}`,
    `  export OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ${config.OTLP_TOKEN ?? ''}"`,
    '',
    'To use a real workspace: create the app from manifest.yml, set SLACK_BOT_TOKEN and',
    'SLACK_SIGNING_SECRET (README "Connect to Slack") and restart.',
    '──────────────────────────────────────────────────────────────────',
    '',
  ].join('\n');
}
