/**
 * POST /webhooks/linear — issue state changes from Linear.
 *
 * 1. Verify with the SDK's LinearWebhookClient and LINEAR_WEBHOOK_SECRET: HMAC-SHA256 of the raw body in
 *    `linear-signature`, and the signed `webhookTimestamp` within 60 s (replays are refused). → 401.
 * 2. Deduplicate by `Linear-Delivery`. → 200 duplicate.
 * 3. Anything but an Issue create/update is acknowledged and ignored (so Linear does not retry). → 200.
 * 4. Signed but malformed → 400 and a dead letter.
 * 5. Store the issue's state (ordered by the issue's updatedAt, so late or out-of-order deliveries never win
 *    over newer ones) and bring its outcome in line: completed/canceled create or update the outcome and attach
 *    linked sessions; any other state reopens it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LINEAR_WEBHOOK_SIGNATURE_HEADER, LinearWebhookClient } from '@linear/sdk/webhooks';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { parseIssueIdentifier } from '../domain/identifiers.ts';
import { HttpError, readRawBody, sendJson, singleHeader } from '../http/body.ts';
import type { Route } from '../http/router.ts';
import type { LinearIssueInfo } from '../linear/api.ts';
import { storeIssue } from '../linear/cache.ts';
import { alreadyDelivered, markDelivered } from '../outcomes/deliveries.ts';
import { syncIssueOutcome } from '../outcomes/issue-outcomes.ts';
import {
  describeIssues,
  rejectMalformed,
  requireSecret,
  storageErrors,
} from '../outcomes/webhook-support.ts';

export const LINEAR_WEBHOOK_PATH = '/webhooks/linear';

const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'Expected an ISO date');

const envelopeSchema = z.looseObject({
  type: z.string().min(1),
  action: z.string().min(1),
  webhookTimestamp: z.number(),
  data: z.unknown(),
});

const issueDataSchema = z.looseObject({
  id: z.string().min(1),
  identifier: z
    .string()
    .refine((value) => parseIssueIdentifier(value) !== null, 'Expected an identifier like ENG-123'),
  title: z.string(),
  url: z.string().optional(),
  updatedAt: isoDate,
  completedAt: isoDate.nullish(),
  canceledAt: isoDate.nullish(),
  state: z.looseObject({ type: z.string().min(1), name: z.string().optional() }),
  team: z.looseObject({ key: z.string().optional(), name: z.string().optional() }).nullish(),
  project: z.looseObject({ name: z.string().optional() }).nullish(),
});

type IssueData = z.infer<typeof issueDataSchema>;

function toIssueInfo(data: IssueData): LinearIssueInfo {
  const info: LinearIssueInfo = {
    linearId: data.id,
    identifier: parseIssueIdentifier(data.identifier)!,
    title: data.title,
    stateType: data.state.type,
    updatedAt: new Date(data.updatedAt),
  };
  if (data.url) info.url = data.url;
  if (data.state.name) info.stateName = data.state.name;
  if (data.team?.name) info.team = data.team.name;
  if (data.team?.key) info.teamKey = data.team.key;
  if (data.project?.name) info.project = data.project.name;
  if (data.completedAt) info.completedAt = new Date(data.completedAt);
  if (data.canceledAt) info.canceledAt = new Date(data.canceledAt);
  return info;
}

type Verification = { ok: true; payload: unknown } | { ok: false; status: 400 | 401; problem: string };

/**
 * The SDK checks the signature first, then reads the signed timestamp; so a JSON or timestamp problem
 * means the signature was right (signed but malformed → 400), anything else is an authentication failure.
 */
export function verifyLinearDelivery(secret: string, body: Buffer, signature: string): Verification {
  try {
    return { ok: true, payload: new LinearWebhookClient(secret).parseData(body, signature) };
  } catch (error) {
    if (error instanceof SyntaxError)
      return { ok: false, status: 400, problem: 'The body is not valid JSON' };
    const message = (error as Error).message ?? '';
    if (/missing webhook timestamp/i.test(message)) {
      return { ok: false, status: 400, problem: 'webhookTimestamp - Required (Unix time in milliseconds)' };
    }
    if (/timestamp/i.test(message)) {
      return {
        ok: false,
        status: 401,
        problem: 'webhookTimestamp is more than 60 s from now: stale or replayed delivery refused',
      };
    }
    return { ok: false, status: 401, problem: 'Invalid linear-signature' };
  }
}

export function linearWebhookRoute(deps: AppDeps): Route {
  return {
    method: 'POST',
    path: LINEAR_WEBHOOK_PATH,
    handler: (req, res) => handleLinearWebhook(deps, req, res),
  };
}

async function handleLinearWebhook(deps: AppDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const secret = requireSecret(req, deps.config.LINEAR_WEBHOOK_SECRET, 'LINEAR_WEBHOOK_SECRET');
  const signature = singleHeader(req, LINEAR_WEBHOOK_SIGNATURE_HEADER);
  if (!signature) {
    req.resume();
    throw new HttpError(401, `Missing ${LINEAR_WEBHOOK_SIGNATURE_HEADER} header`);
  }
  const body = await readRawBody(req, deps.config.INGEST_MAX_BODY_BYTES);
  const verified = verifyLinearDelivery(secret, body, signature);
  if (!verified.ok) {
    if (verified.status === 401) throw new HttpError(401, verified.problem);
    return rejectMalformed(deps, res, LINEAR_WEBHOOK_PATH, body, verified.problem).catch(storageErrors);
  }
  const deliveryId = singleHeader(req, 'linear-delivery');
  try {
    if (await alreadyDelivered(deps.collections, 'linear', deliveryId)) {
      sendJson(res, 200, { status: 'duplicate', deliveryId });
      return;
    }
    const envelope = envelopeSchema.safeParse(verified.payload);
    if (!envelope.success) {
      return rejectMalformed(deps, res, LINEAR_WEBHOOK_PATH, body, describeIssues(envelope.error.issues));
    }
    const { type, action } = envelope.data;
    if (type !== 'Issue' || (action !== 'create' && action !== 'update')) {
      await markDelivered(deps.collections, 'linear', deliveryId, deps.now());
      sendJson(res, 200, { status: 'ignored', reason: `${type} ${action} events are not used` });
      return;
    }
    const data = issueDataSchema.safeParse(envelope.data.data);
    if (!data.success) {
      const problem = describeIssues(data.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })));
      return rejectMalformed(deps, res, LINEAR_WEBHOOK_PATH, body, problem);
    }
    const issue = toIssueInfo(data.data);
    const applied = await storeIssue(deps.collections, issue, deps.now());
    // Always reconcile: a replay after a half-finished delivery completes what the first one started.
    await syncIssueOutcome(deps, issue.identifier);
    await markDelivered(deps.collections, 'linear', deliveryId, deps.now());
    sendJson(res, 200, {
      status: applied ? 'applied' : 'stale',
      identifier: issue.identifier,
      state: issue.stateType,
    });
  } catch (error) {
    storageErrors(error);
  }
}
