import type { AppDeps } from './deps.ts';
import type { Route } from './http/router.ts';

/** Webhook and ingest endpoints of every feature, mounted on the app's one HTTP server. */
export function featureRoutes(_deps: AppDeps): Route[] {
  return [];
}
