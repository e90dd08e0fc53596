import type { WebClient } from '@slack/web-api';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { Config } from './config.ts';
import type { Collections } from './db/collections.ts';
import type { Logger } from './logger.ts';

/** Everything listeners, routes and jobs need, passed in explicitly (nothing is read from module scope). */
export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Db;
  collections: Collections;
  /** Bot-token Web API client for work done outside a Slack request (jobs, webhooks). */
  slack: WebClient;
  agenda: Agenda;
  /** Injectable clock so schedules and windows can be tested. */
  now: () => Date;
}
