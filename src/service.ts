import { MongoBackend } from '@agendajs/mongo-backend';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';
import { registerJobs } from '../jobs/index.ts';
import { type AppHandle, createApp } from './app.ts';
import { type Config, slackMode } from './config.ts';
import { collections, ensureIndexes } from './db/collections.ts';
import { type ResolvedDatabase, resolveDatabase } from './db/resolve.ts';
import type { AppDeps } from './deps.ts';
import type { Route } from './http/router.ts';
import type { Logger } from './logger.ts';
import { createSlackApp, type SlackCredentials } from './slack/bolt-app.ts';

export interface ServiceOptions {
  config: Config;
  logger: Logger;
  /** Slack credentials to use when the config has none (local mode supplies the sandbox's). */
  slackCredentials?: SlackCredentials;
  slackClientOptions?: WebClientOptions;
  extraRoutes?: (deps: AppDeps) => Route[];
  now?: () => Date;
  /** Agenda polling interval; tests shorten it. */
  processEvery?: string | number;
  /** false in tests that drive jobs by hand. */
  startJobs?: boolean;
}

export interface Service {
  deps: AppDeps;
  app: AppHandle;
  database: ResolvedDatabase;
  port: number;
  stop(): Promise<void>;
}

/** Composition root shared by `npm start`, the demo and the tests: config → db → clients → app → jobs → listen. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, logger } = options;
  const database = await resolveDatabase({
    mongodbUri: config.MONGODB_URI,
    systemBinary: config.MONGOMS_SYSTEM_BINARY,
    dataDir: `${config.DATA_DIR}/mongo`,
  });
  logger.info({ database: database.kind }, `database: ${database.description}`);

  const credentials = options.slackCredentials ?? credentialsFromConfig(config);
  if (!credentials) throw new Error('Slack credentials are missing and no local sandbox was provided');
  const clientOptions: WebClientOptions = { slackApiUrl: credentials.apiUrl, ...options.slackClientOptions };

  const client = new MongoClient(database.uri, { serverSelectionTimeoutMS: config.MONGODB_TIMEOUT_MS });
  const db = client.db(config.MONGODB_DB);
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'agenda_jobs' }),
    processEvery: options.processEvery ?? '5 seconds',
    name: `ai-roi-${process.pid}`,
  });
  const deps: AppDeps = {
    config,
    logger,
    db,
    collections: collections(db),
    slack: new WebClient(credentials.botToken, clientOptions),
    agenda,
    now: options.now ?? (() => new Date()),
  };
  const slack = createSlackApp(credentials, logger, options.slackClientOptions);
  const app = createApp(deps, slack, options.extraRoutes?.(deps) ?? []);
  const port = await app.listen(config.PORT, config.HOST);
  logger.info({ port, slack: credentials.appToken ? 'socket' : 'http' }, `listening on :${port}`);

  await connectWithBackoff(client, app, logger);
  await ensureIndexes(db);
  await verifySlackToken(deps);
  await slack.startSocketMode();
  await registerJobs(agenda, deps);
  if (options.startJobs !== false) {
    await agenda.start();
    app.readiness.agendaRunning = true;
  }

  let stopped = false;
  return {
    deps,
    app,
    database,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await app.close();
      if (app.readiness.agendaRunning) await agenda.drain(10_000);
      app.readiness.agendaRunning = false;
      await slack.stop();
      await client.close();
      await database.stop();
    },
  };
}

function credentialsFromConfig(config: Config): SlackCredentials | undefined {
  if (slackMode(config) === 'local') return undefined;
  return {
    botToken: config.SLACK_BOT_TOKEN!,
    signingSecret: config.SLACK_SIGNING_SECRET!,
    appToken: config.SLACK_APP_TOKEN,
    apiUrl: config.SLACK_API_URL,
  };
}

/** A database outage at start is retried with backoff while /readyz explains why, instead of crash-looping. */
async function connectWithBackoff(client: MongoClient, app: AppHandle, logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      app.readiness.databaseProblem = undefined;
      return;
    } catch (error) {
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      app.readiness.databaseProblem = `waiting for the database (attempt ${attempt}): ${(error as Error).message}`;
      logger.warn({ attempt, delayMs }, app.readiness.databaseProblem);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** auth.test at start: a wrong token is reported once, clearly, rather than on every request. */
async function verifySlackToken(deps: AppDeps): Promise<void> {
  try {
    const auth = await deps.slack.auth.test();
    deps.logger.info({ team: auth.team, bot: auth.user }, 'Slack token verified');
  } catch (error) {
    deps.logger.error(
      { err: error },
      'Slack auth.test failed: check SLACK_BOT_TOKEN (and SLACK_API_URL); Slack features will fail until fixed',
    );
  }
}
