import type { RequestListener } from 'node:http';
import {
  App,
  HTTPModuleFunctions,
  HTTPReceiver,
  type ReceiverProcessEventErrorHandlerArgs,
  SocketModeReceiver,
} from '@slack/bolt';
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
    processEventErrorHandler: answerMalformedPayloads,
  });
  const app = new App({ token: credentials.botToken, receiver, logger: log, clientOptions: options });
  return {
    app,
    requestListener: receiver.requestListener,
    startSocketMode: async () => {},
    stop: async () => {},
  };
}

/**
 * Bolt reads envelope fields (body.user.id, body.view.…, body.actions[0]) before any listener runs, and a signed
 * payload without them makes it throw a TypeError there. That is a malformed request: answer 400 rather than
 * Bolt's 500 (which tells Slack to retry). Our listeners ack first, so errors before the ack come from Bolt's
 * reading of the envelope; anything else keeps Bolt's default handling.
 */
export async function answerMalformedPayloads(args: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if (!args.response.headersSent && isEnvelopeError(args.error)) {
    args.logger.warn(`Malformed Slack payload refused with 400: ${args.error.message}`);
    args.response.writeHead(400);
    args.response.end();
    return false;
  }
  return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
}

function isEnvelopeError(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  const originals = (error as { originals?: unknown }).originals;
  return Array.isArray(originals) && originals.length > 0 && originals.every((e) => e instanceof TypeError);
}
