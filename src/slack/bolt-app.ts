import type { RequestListener } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { boltLogger, type Logger } from '../logger.ts';

export interface SlackCredentials {
  botToken: string;
  signingSecret: string;
  appToken?: string;
  apiUrl: string;
}

export interface SlackApp {
  app: App;
  /** Present in HTTP mode: the handler for POST /slack/events. */
  requestListener?: RequestListener;
  startSocketMode(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Bolt with request signature verification on. In HTTP mode we mount Bolt's receiver on our own server
 * (one port for Slack, webhooks and health); Socket Mode keeps its own websocket.
 */
export function createSlackApp(
  credentials: SlackCredentials,
  logger: Logger,
  clientOptions: WebClientOptions = {},
): SlackApp {
  const log = boltLogger(logger);
  const options = { slackApiUrl: credentials.apiUrl, ...clientOptions };
  if (credentials.appToken) {
    const receiver = new SocketModeReceiver({ appToken: credentials.appToken, logger: log });
    const app = new App({ token: credentials.botToken, receiver, logger: log, clientOptions: options });
    return {
      app,
      startSocketMode: async () => {
        await receiver.start();
      },
      stop: async () => {
        await receiver.stop();
      },
    };
  }
  const receiver = new HTTPReceiver({
    signingSecret: credentials.signingSecret,
    signatureVerification: true,
    logger: log,
    unhandledRequestTimeoutMillis: 3001,
  });
  const app = new App({ token: credentials.botToken, receiver, logger: log, clientOptions: options });
  return {
    app,
    requestListener: receiver.requestListener,
    startSocketMode: async () => {},
    stop: async () => {},
  };
}
