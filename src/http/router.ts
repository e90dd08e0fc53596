import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import { HttpError, sendJson } from './body.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handler: RouteHandler;
}

/**
 * One HTTP server for everything: Slack (Bolt's receiver), webhooks, OTLP, health and the sandbox.
 * Exact-path routing is all these endpoints need; errors become JSON with a message, never a crash.
 */
export function createRouter(routes: Route[], logger: Logger): RequestListener {
  const table = new Map<string, Map<string, RouteHandler>>();
  for (const route of routes) {
    const byMethod = table.get(route.path) ?? new Map<string, RouteHandler>();
    byMethod.set(route.method, route.handler);
    table.set(route.path, byMethod);
  }
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const byMethod = table.get(path);
    if (!byMethod) {
      req.resume();
      sendJson(res, 404, { error: 'not_found', message: `No route for ${req.method} ${path}` });
      return;
    }
    const handler = byMethod.get(req.method ?? 'GET');
    if (!handler) {
      req.resume();
      sendJson(
        res,
        405,
        { error: 'method_not_allowed', message: `${path} accepts ${[...byMethod.keys()].join(', ')}` },
        { allow: [...byMethod.keys()].join(', ') },
      );
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (error instanceof HttpError) {
          sendJson(res, error.status, { error: 'bad_request', message: error.message }, error.headers);
          return;
        }
        logger.error({ err: error, path }, 'request failed');
        sendJson(res, 500, { error: 'internal', message: 'Internal error; the request can be retried' });
      });
  };
}
