import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppDeps } from './deps.ts';
import { healthRoutes, type Readiness } from './http/health.ts';
import { createRouter, type Route } from './http/router.ts';
import { registerListeners } from './listeners/index.ts';
import { featureRoutes } from './routes.ts';
import type { SlackApp } from './slack/bolt-app.ts';

export interface AppHandle {
  server: Server;
  readiness: Readiness;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Build the whole HTTP surface and register every Slack listener. Nothing runs at import time. */
export function createApp(deps: AppDeps, slack: SlackApp, extraRoutes: Route[] = []): AppHandle {
  const readiness: Readiness = { agendaRunning: false };
  registerListeners(slack.app, deps);
  const slackRoute: Route[] = slack.requestListener
    ? [
        {
          method: 'POST',
          path: '/slack/events',
          handler: slack.requestListener as Route['handler'],
        },
      ]
    : [];
  const routes = [...healthRoutes(deps.db, readiness), ...slackRoute, ...featureRoutes(deps), ...extraRoutes];
  const server = createServer(createRouter(routes, deps.logger));
  // Slow or stuck clients must not pin sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return {
    server,
    readiness,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
