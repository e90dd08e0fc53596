import type { AppDeps } from '../deps.ts';
import type { Route } from '../http/router.ts';
import { githubWebhookRoute } from '../webhooks/github.ts';
import { linearWebhookRoute } from '../webhooks/linear.ts';
import { manualOutcomeRoute } from './manual-route.ts';

/** Outcome endpoints: Linear and GitHub webhooks, and manual outcomes over HTTP. */
export function outcomeRoutes(deps: AppDeps): Route[] {
  return [linearWebhookRoute(deps), githubWebhookRoute(deps), manualOutcomeRoute(deps)];
}
