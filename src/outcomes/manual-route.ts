/**
 * POST /api/outcomes — record a manual outcome ("feature shipped", "result delivered") without Slack, e.g. from
 * a release pipeline. Bearer OUTCOMES_API_TOKEN (unset = disabled). Body:
 *   { "title": "Checkout v2 shipped", "url": "https://…", "completedAt": "2025-12-03T10:00:00Z",
 *     "sessions": ["<24-hex session id>", …], "issues": ["ENG-123", …], "team": "Payments", "recordedBy": "U0123ABCD" }
 * Recording the same URL again updates the same outcome (idempotent).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AppDeps } from '../deps.ts';
import { requireBearer } from '../http/auth.ts';
import { HttpError, readRawBody, sendJson } from '../http/body.ts';
import type { Route } from '../http/router.ts';
import { MAX_MANUAL_SESSIONS, MAX_MANUAL_TITLE, recordManualOutcome } from './manual.ts';
import { describeIssues, storageErrors } from './webhook-support.ts';

export const MANUAL_OUTCOMES_PATH = '/api/outcomes';

const bodySchema = z.strictObject({
  title: z.string().trim().min(1, 'Required').max(MAX_MANUAL_TITLE),
  url: z.url().max(2000).optional(),
  completedAt: z.iso.datetime({ offset: true }).optional(),
  sessions: z
    .array(z.string().regex(/^[0-9a-f]{24}$/i, 'Expected a 24-hex session id'))
    .max(MAX_MANUAL_SESSIONS)
    .optional(),
  issues: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,6}-[1-9]\d{0,6}$/, 'Expected an identifier like ENG-123'))
    .max(50)
    .optional(),
  team: z.string().trim().min(1).max(50).optional(),
  recordedBy: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'Expected a Slack user id')
    .optional(),
});

export function manualOutcomeRoute(deps: AppDeps): Route {
  return {
    method: 'POST',
    path: MANUAL_OUTCOMES_PATH,
    handler: (req, res) => handleManualOutcome(deps, req, res),
  };
}

async function handleManualOutcome(deps: AppDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    requireBearer(req, deps.config.OUTCOMES_API_TOKEN, 'OUTCOMES_API_TOKEN');
  } catch (error) {
    req.resume();
    throw error;
  }
  const body = await readRawBody(req, 64 * 1024);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'The body is not valid JSON');
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error.issues));
  const input = parsed.data;
  try {
    const result = await recordManualOutcome(deps, {
      title: input.title,
      recordedBy: input.recordedBy ?? 'api',
      ...(input.url ? { url: input.url } : {}),
      ...(input.completedAt ? { completedAt: new Date(input.completedAt) } : {}),
      ...(input.sessions ? { sessionIds: input.sessions } : {}),
      ...(input.issues ? { issues: input.issues } : {}),
      ...(input.team ? { team: input.team } : {}),
    });
    sendJson(res, result.created ? 201 : 200, result);
  } catch (error) {
    storageErrors(error);
  }
}
