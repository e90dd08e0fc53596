import type { AppDeps } from './deps.ts';
import type { Route } from './http/router.ts';
import { ingestRoutes } from './ingest/http/routes.ts';
import { outcomeRoutes } from './outcomes/routes.ts';

/** Webhook and ingest endpoints of every feature, mounted on the app's one HTTP server. */
export function featureRoutes(deps: AppDeps): Route[] {
  return [...ingestRoutes(deps), ...outcomeRoutes(deps)];
}
