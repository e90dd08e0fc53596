/** What the Linear and GitHub webhook endpoints share: disabled endpoints, dead letters, storage outages. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../deps.ts';
import { HttpError, sendJson } from '../http/body.ts';
import { isDatabaseUnavailable, unavailable } from '../http/db-errors.ts';
import { saveDeadLetter } from '../ingest/http/dead-letters.ts';

/** An endpoint whose secret is not set refuses everything and says which variable to set. */
export function requireSecret(req: IncomingMessage, secret: string | undefined, variable: string): string {
  if (secret) return secret;
  req.resume();
  throw new HttpError(401, `This endpoint is disabled: set ${variable} to the webhook's signing secret`);
}

/** Signed but unusable: keep the body for replay after a fix, answer 400 naming the problem. */
export async function rejectMalformed(
  deps: Pick<AppDeps, 'collections' | 'now' | 'logger'>,
  res: ServerResponse,
  endpoint: string,
  body: Buffer,
  problem: string,
): Promise<void> {
  await saveDeadLetter(deps.collections, endpoint, body, problem, deps.now());
  deps.logger.warn({ endpoint, problem }, 'signed webhook rejected as malformed; kept as a dead letter');
  sendJson(res, 400, { error: 'bad_request', message: problem });
}

/** Storage outages become 503 + Retry-After, which Linear and GitHub retry; anything else propagates. */
export function storageErrors(error: unknown): never {
  if (isDatabaseUnavailable(error)) throw unavailable();
  throw error;
}

/** zod issues as "data.state.type - Expected string" lines. */
export function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'} - ${issue.message}`)
    .join('; ');
}
