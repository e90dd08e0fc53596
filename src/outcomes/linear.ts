import { createLinearIssues, type LinearIssues } from '../linear/issues.ts';
import type { OutcomeDeps } from './deps.ts';
import { syncIssueOutcome } from './issue-outcomes.ts';

const services = new WeakMap<object, LinearIssues>();

/**
 * The app's one Linear service (its cache, back-off and search memo live as long as the app), built from
 * LINEAR_API_KEY / LINEAR_API_URL. Without a key it still answers from the cache and never calls Linear.
 * A read that stores a newer state of an issue brings that issue's outcome in line.
 */
export function linearFor(deps: OutcomeDeps): LinearIssues {
  const existing = services.get(deps.collections);
  if (existing) return existing;
  const service = createLinearIssues({
    apiKey: deps.config.LINEAR_API_KEY,
    apiUrl: deps.config.LINEAR_API_URL,
    collections: deps.collections,
    logger: deps.logger,
    now: deps.now,
    onIssueChanged: (issue) => syncIssueOutcome(deps, issue.identifier),
  });
  services.set(deps.collections, service);
  return service;
}
