import { z } from 'zod';

/**
 * Every setting comes from the environment and is validated here, once, at start-up.
 * The variable names are a public interface: operators script against them.
 */

const optionalSecret = (description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .optional()
    // An empty value in .env means "not set", not "the empty string".
    .or(z.literal('').transform(() => undefined))
    .describe(description);

const intWithDefault = (fallback: number, min: number, max: number, description: string) =>
  z.coerce.number().int().min(min).max(max).default(fallback).describe(description);

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const PROMPT_MODES = ['immediate', 'daily', 'weekly', 'off'] as const;

export const configSchema = z.object({
  PORT: intWithDefault(3000, 0, 65535, 'HTTP port for Slack requests, webhooks and health checks'),
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info').describe('Log verbosity'),
  MONGODB_URI: optionalSecret('MongoDB connection string; unset = embedded database (see README)'),
  MONGODB_DB: z.string().min(1).default('ai_roi').describe('Database name'),
  MONGODB_TIMEOUT_MS: intWithDefault(
    5000,
    100,
    120_000,
    'How long a database operation waits for a reachable server before ingest answers 503',
  ),
  MONGOMS_SYSTEM_BINARY: optionalSecret('Path to a mongod binary for the embedded database (skips download)'),
  DATA_DIR: z
    .string()
    .default('.data')
    .describe('Folder for the embedded database files when MONGODB_URI is unset'),
  SLACK_BOT_TOKEN: optionalSecret('Bot token (xoxb-…); unset = local mode with the Slack sandbox'),
  SLACK_SIGNING_SECRET: optionalSecret('Signing secret used to verify requests from Slack'),
  SLACK_APP_TOKEN: optionalSecret('App-level token (xapp-…) to use Socket Mode instead of HTTP'),
  SLACK_API_URL: z.url().default('https://slack.com/api/').describe('Slack Web API base URL'),
  LINEAR_API_KEY: optionalSecret('Linear API key or OAuth access token'),
  LINEAR_API_URL: z.url().default('https://api.linear.app/graphql').describe('Linear GraphQL endpoint'),
  LINEAR_WEBHOOK_SECRET: optionalSecret('Signing secret of the Linear webhook'),
  GITHUB_WEBHOOK_SECRET: optionalSecret('Secret of the GitHub webhook (X-Hub-Signature-256)'),
  OUTCOMES_API_TOKEN: optionalSecret('Bearer token for POST /api/outcomes (manual outcomes)'),
  OTLP_TOKEN: optionalSecret('Bearer token required on /v1/logs and /v1/metrics'),
  USAGE_WEBHOOK_SECRET: optionalSecret('Standard Webhooks secret (whsec_…) for /webhooks/usage'),
  LITELLM_TOKEN: optionalSecret('Bearer token required on /webhooks/litellm'),
  SESSION_IDLE_MINUTES: intWithDefault(30, 1, 24 * 60, 'Minutes without events after which a session closes'),
  PROMPT_DEFAULT_MODE: z.enum(PROMPT_MODES).default('daily').describe('Default classify-prompt cadence'),
  PROMPT_COST_FLOOR_USD: z.coerce
    .number()
    .min(0)
    .default(0.5)
    .describe('Sessions cheaper than this are grouped in prompts'),
  REMINDER_AFTER_HOURS: intWithDefault(
    48,
    1,
    24 * 14,
    'Hours before the single reminder for unclassified sessions',
  ),
  PROMPT_DAILY_CAP: intWithDefault(
    3,
    1,
    24,
    'Most classify DMs (prompts and reminders) one person gets per local day; daily and weekly modes send at most one',
  ),
  AUTO_ACCEPT_AFTER_DAYS: intWithDefault(
    0,
    0,
    365,
    'Days after the prompt when a strong suggestion is recorded as the answer (by: auto); 0 = never',
  ),
  ADMIN_USER_IDS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[UW][A-Z0-9]+$/, 'must be Slack user ids like U0123ABCD')))
    .describe('Comma-separated Slack user ids with admin rights'),
  PRIVACY_MIN_GROUP: intWithDefault(3, 1, 100, 'Smallest group shown by name in leadership digests'),
  TZ_DEFAULT: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin')
    .describe('Time zone used when a person or channel has none'),
  INGEST_MAX_BODY_BYTES: intWithDefault(
    8 * 1024 * 1024,
    1024,
    64 * 1024 * 1024,
    'Largest accepted webhook/OTLP body (after gzip)',
  ),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse the environment; throws one ConfigError listing every problem as `NAME - what is wrong`. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${String(issue.path[0] ?? '(root)')} - ${issue.message}`,
  );
  throw new ConfigError(problems);
}

/** Slack credentials are complete only with both token and signing secret. */
export function slackMode(config: Config): 'http' | 'socket' | 'local' {
  if (!config.SLACK_BOT_TOKEN || !config.SLACK_SIGNING_SECRET) return 'local';
  return config.SLACK_APP_TOKEN ? 'socket' : 'http';
}

/** Describe the documented variables (used to keep .env.example honest in tests). */
export function documentedVariables(): { name: string; description: string }[] {
  return Object.entries(configSchema.shape).map(([name, schema]) => ({
    name,
    description: schema.description ?? '',
  }));
}
