/**
 * POST /webhooks/github — merged pull requests become outcomes.
 *
 * 1. Verify `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with GITHUB_WEBHOOK_SECRET, constant-time, via
 *    @octokit/webhooks-methods). Missing or wrong → 401, nothing stored.
 * 2. `ping` → 200. Deduplicate by `X-GitHub-Delivery`. Events other than `pull_request` → 200 ignored.
 * 3. Signed but malformed (not JSON, fields missing) → 400 and a dead letter.
 * 4. `closed` with `merged: true` → outcome kind `pr` and its sessions (see src/outcomes/pull-requests.ts);
 *    closed without merging and every other action → 200, nothing recorded.
 * Bodies may be JSON or the `application/x-www-form-urlencoded` form (`payload=`), both of which GitHub sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { HttpError, readRawBody, sendJson, singleHeader } from '../http/body.ts';
import type { Route } from '../http/router.ts';
import { normaliseRepo } from '../ingest/repo.ts';
import { alreadyDelivered, markDelivered } from '../outcomes/deliveries.ts';
import { type MergedPullRequest, recordMergedPullRequest } from '../outcomes/pull-requests.ts';
import {
  describeIssues,
  rejectMalformed,
  requireSecret,
  storageErrors,
} from '../outcomes/webhook-support.ts';

export const GITHUB_WEBHOOK_PATH = '/webhooks/github';

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'Expected an ISO date');
const sha = z.string().regex(/^[0-9a-f]{7,40}$/i, 'Expected a commit SHA');

const repoSchema = z.looseObject({ full_name: z.string().min(3), default_branch: z.string().optional() });

const pullRequestEventSchema = z.looseObject({
  action: z.string().min(1),
  pull_request: z.looseObject({
    number: z.number().int().positive(),
    title: z.string(),
    html_url: z.string(),
    merged: z.boolean().nullish(),
    merged_at: isoDate.nullish(),
    merge_commit_sha: sha.nullish(),
    head: z.looseObject({ ref: z.string().min(1), sha: sha.optional(), repo: repoSchema.nullish() }),
    base: z.looseObject({ ref: z.string().min(1), repo: repoSchema.optional() }),
  }),
  repository: repoSchema,
});

type PullRequestEvent = z.infer<typeof pullRequestEventSchema>;

function toMergedPullRequest(event: PullRequestEvent): MergedPullRequest {
  const pr = event.pull_request;
  const pull: MergedPullRequest = {
    repo: normaliseRepo(event.repository.full_name),
    number: pr.number,
    title: pr.title,
    url: pr.html_url,
    mergedAt: new Date(pr.merged_at!),
    headBranch: pr.head.ref,
    baseBranch: pr.base.ref,
  };
  if (pr.head.repo?.full_name) pull.headRepo = normaliseRepo(pr.head.repo.full_name);
  if (event.repository.default_branch) pull.defaultBranch = event.repository.default_branch;
  if (pr.merge_commit_sha) pull.mergeCommit = pr.merge_commit_sha;
  if (pr.head.sha) pull.headSha = pr.head.sha;
  return pull;
}

function parseBody(req: IncomingMessage, body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    const text = body.toString('utf8');
    if (type.startsWith('application/x-www-form-urlencoded')) {
      const payload = new URLSearchParams(text).get('payload');
      return payload === null ? { ok: false } : { ok: true, value: JSON.parse(payload) };
    }
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function githubWebhookRoute(deps: AppDeps): Route {
  return {
    method: 'POST',
    path: GITHUB_WEBHOOK_PATH,
    handler: (req, res) => handleGithubWebhook(deps, req, res),
  };
}

async function handleGithubWebhook(deps: AppDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const secret = requireSecret(req, deps.config.GITHUB_WEBHOOK_SECRET, 'GITHUB_WEBHOOK_SECRET');
  const signature = singleHeader(req, 'x-hub-signature-256');
  if (!signature) {
    req.resume();
    throw new HttpError(401, 'Missing X-Hub-Signature-256 header');
  }
  const body = await readRawBody(req, deps.config.INGEST_MAX_BODY_BYTES);
  const valid =
    body.length > 0 && (await verify(secret, body.toString('utf8'), signature).catch(() => false));
  if (!valid) throw new HttpError(401, 'Invalid X-Hub-Signature-256');

  const event = singleHeader(req, 'x-github-event');
  const deliveryId = singleHeader(req, 'x-github-delivery');
  try {
    if (!event)
      return rejectMalformed(deps, res, GITHUB_WEBHOOK_PATH, body, 'X-GitHub-Event header is missing');
    if (event === 'ping') {
      sendJson(res, 200, { status: 'pong' });
      return;
    }
    if (await alreadyDelivered(deps.collections, 'github', deliveryId)) {
      sendJson(res, 200, { status: 'duplicate', deliveryId });
      return;
    }
    const parsed = parseBody(req, body);
    if (!parsed.ok)
      return rejectMalformed(deps, res, GITHUB_WEBHOOK_PATH, body, 'The body is not valid JSON');
    if (event !== 'pull_request') {
      await markDelivered(deps.collections, 'github', deliveryId, deps.now());
      sendJson(res, 200, { status: 'ignored', reason: `${event} events are not used` });
      return;
    }
    const result = pullRequestEventSchema.safeParse(parsed.value);
    if (!result.success) {
      return rejectMalformed(deps, res, GITHUB_WEBHOOK_PATH, body, describeIssues(result.error.issues));
    }
    const { action, pull_request: pr } = result.data;
    if (action !== 'closed' || pr.merged !== true) {
      await markDelivered(deps.collections, 'github', deliveryId, deps.now());
      const reason = action === 'closed' ? 'closed without merging' : `pull_request ${action} is not used`;
      sendJson(res, 200, { status: 'ignored', reason });
      return;
    }
    if (!pr.merged_at) {
      return rejectMalformed(
        deps,
        res,
        GITHUB_WEBHOOK_PATH,
        body,
        'pull_request.merged_at - Required when merged',
      );
    }
    const recorded = await recordMergedPullRequest(deps, toMergedPullRequest(result.data));
    await markDelivered(deps.collections, 'github', deliveryId, deps.now());
    sendJson(res, 200, {
      status: 'recorded',
      ref: recorded.ref,
      sessions: recorded.sessionIds.length,
      issues: recorded.identifiers,
    });
  } catch (error) {
    storageErrors(error);
  }
}
