/**
 * The sandbox's HTTP surface, mounted on the app's own server in local mode only:
 *   GET  /sandbox                      the viewer (plain HTML + a little vanilla JS + CSS from ./web)
 *   GET  /sandbox/api/state?user=U…    what the fake Slack API holds, rendered for that user
 *   POST /sandbox/api/command          { user, channel, text }            → signed slash command
 *   POST /sandbox/api/action           { user, surface, blockIndex, actionId, option?, … } → signed block_actions
 *   POST /sandbox/api/view-submission  { user, viewId, inputs }           → signed view_submission
 *   POST /sandbox/api/view-close       { user, viewId }                   (closing needs no request: no notify_on_close)
 *   POST /sandbox/api/options          { user, viewId, blockIndex, actionId, query } → signed block_suggestion
 *   POST /sandbox/api/home-opened      { user }                           → signed app_home_opened event
 *   GET  /sandbox/files?id=F…          bytes of an uploaded file (the digest chart)
 * The router matches exact paths, so the file id is a query parameter.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, readRawBody, sendBytes, sendJson } from '../http/body.ts';
import type { Route } from '../http/router.ts';
import type { Logger } from '../logger.ts';
import { InteractionError } from './interactions.ts';
import { SandboxError, type SlackSandbox } from './slack-sandbox.ts';
import { buildSnapshot, FILES_PATH } from './snapshot.ts';

const MAX_BODY = 256 * 1024;

const webFile = (name: string) => readFileSync(new URL(`./web/${name}`, import.meta.url));

const userId = z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a sandbox user id like UMAYA00001');

const surfaceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), channel: z.string().min(1), ts: z.string().min(1) }),
  z.object({ kind: z.literal('response'), id: z.string().min(1) }),
  z.object({ kind: z.literal('home') }),
  z.object({ kind: z.literal('modal'), viewId: z.string().min(1) }),
]);

const rawInputsSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      value: z.string().max(3000).nullable().optional(),
      label: z.string().max(300).optional(),
      values: z.array(z.string()).max(100).optional(),
    }),
  ),
);

const schemas = {
  command: z.object({ user: userId, channel: z.string().min(1), text: z.string().max(4000) }),
  action: z.object({
    user: userId,
    surface: surfaceSchema,
    blockIndex: z.number().int().min(0).max(99),
    actionId: z.string().min(1).max(255),
    option: z.string().max(2000).optional(),
    externalOption: z.object({ value: z.string().max(150), label: z.string().max(300) }).optional(),
    inputs: rawInputsSchema.optional(),
  }),
  viewSubmission: z.object({ user: userId, viewId: z.string().min(1), inputs: rawInputsSchema.default({}) }),
  viewClose: z.object({ user: userId, viewId: z.string().min(1) }),
  options: z.object({
    user: userId,
    viewId: z.string().min(1),
    blockIndex: z.number().int().min(0).max(99),
    actionId: z.string().min(1).max(255),
    query: z.string().max(200),
  }),
  homeOpened: z.object({ user: userId }),
};

async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const body = await readRawBody(req, MAX_BODY);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new HttpError(400, 'The body must be JSON');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'} - ${i.message}`);
    throw new HttpError(400, problems.join('; '));
  }
  return result.data;
}

/** Sandbox and interaction problems are the caller's (400/404) or Slack-side (502/503/504), never a 500. */
function handled(
  logger: Logger,
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Route['handler'] {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (error) {
      if (error instanceof SandboxError) throw new HttpError(error.status, error.message);
      if (error instanceof InteractionError) throw new HttpError(400, error.message);
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new HttpError(504, 'The app did not answer within 10 s');
      }
      if (!(error instanceof HttpError)) logger.warn({ err: error }, 'sandbox request failed');
      throw error;
    }
  };
}

export function sandboxRoutes(sandbox: SlackSandbox, logger: Logger): Route[] {
  const page = webFile('index.html');
  const script = webFile('app.js');
  const styles = webFile('app.css');
  const noStore = { 'cache-control': 'no-store' };
  const knownChannel = (channel: string) => {
    if (!sandbox.slack.channels.has(channel)) throw new HttpError(404, `Unknown channel ${channel}`);
    return channel;
  };
  return [
    {
      method: 'GET',
      path: '/sandbox',
      handler: (_req, res) => sendBytes(res, 200, 'text/html; charset=utf-8', page, noStore),
    },
    {
      method: 'GET',
      path: '/sandbox/',
      handler: (_req, res) => sendBytes(res, 200, 'text/html; charset=utf-8', page, noStore),
    },
    {
      method: 'GET',
      path: '/sandbox/app.js',
      handler: (_req, res) => sendBytes(res, 200, 'text/javascript; charset=utf-8', script, noStore),
    },
    {
      method: 'GET',
      path: '/sandbox/app.css',
      handler: (_req, res) => sendBytes(res, 200, 'text/css; charset=utf-8', styles, noStore),
    },
    {
      method: 'GET',
      path: '/sandbox/api/state',
      handler: handled(logger, async (req, res) => {
        const url = new URL(req.url ?? '/', 'http://sandbox');
        const requested = url.searchParams.get('user');
        const acting = requested || sandbox.users()[0]?.id;
        if (!acting || !sandbox.slack.users.has(acting))
          throw new HttpError(404, `Unknown user ${requested}`);
        sendJson(res, 200, buildSnapshot(sandbox, acting, url.searchParams.get('raw') !== '0'), noStore);
      }),
    },
    {
      method: 'GET',
      path: FILES_PATH,
      handler: (req, res) => {
        const id = new URL(req.url ?? '/', 'http://sandbox').searchParams.get('id');
        const file = sandbox.slack.files.find((f) => f.id === id);
        if (!file) throw new HttpError(404, `No uploaded file ${id ?? '(missing ?id=)'}`);
        sendBytes(res, 200, contentTypeOf(file.filename), file.bytes, {
          'content-disposition': `inline; filename="${file.filename.replace(/"/g, '')}"`,
        });
      },
    },
    {
      method: 'POST',
      path: '/sandbox/api/command',
      handler: handled(logger, async (req, res) => {
        const body = await readJson(req, schemas.command);
        const text = body.text.trim().replace(/^\/ai-roi\b\s*/, '');
        const typed = await sandbox.command(body.user, knownChannel(body.channel), text);
        sendJson(res, typed.error ? 502 : 200, {
          id: typed.id,
          responseId: typed.responseId,
          status: typed.status ?? null,
          ...(typed.error ? { error: typed.error } : {}),
        });
      }),
    },
    {
      method: 'POST',
      path: '/sandbox/api/action',
      handler: handled(logger, async (req, res) => {
        const body = await readJson(req, schemas.action);
        const result = await sandbox.click({
          userId: body.user,
          surface: body.surface,
          blockIndex: body.blockIndex,
          actionId: body.actionId,
          ...(body.option !== undefined ? { option: body.option } : {}),
          ...(body.externalOption ? { externalOption: body.externalOption } : {}),
          ...(body.inputs ? { inputs: body.inputs } : {}),
        });
        sendJson(res, result.status === 200 ? 200 : 502, { status: result.status, body: result.body });
      }),
    },
    {
      method: 'POST',
      path: '/sandbox/api/view-submission',
      handler: handled(logger, async (req, res) => {
        const body = await readJson(req, schemas.viewSubmission);
        const result = await sandbox.submitView(body.user, body.viewId, body.inputs);
        sendJson(res, 200, result);
      }),
    },
    {
      method: 'POST',
      path: '/sandbox/api/view-close',
      handler: handled(logger, async (req, res) => {
        const body = await readJson(req, schemas.viewClose);
        sandbox.closeModal(body.user, body.viewId);
        sendJson(res, 200, { closed: true });
      }),
    },
    {
      method: 'POST',
      path: '/sandbox/api/options',
      handler: handled(logger, async (req, res) => {
        const body = await readJson(req, schemas.options);
        const options = await sandbox.suggest(
          body.user,
          body.viewId,
          body.blockIndex,
          body.actionId,
          body.query,
        );
        sendJson(res, 200, { options });
      }),
    },
    {
      method: 'POST',
      path: '/sandbox/api/home-opened',
      handler: handled(logger, async (req, res) => {
        const body = await readJson(req, schemas.homeOpened);
        const result = await sandbox.openHome(body.user);
        sendJson(res, result.status === 200 ? 200 : 502, { status: result.status });
      }),
    },
  ];
}

function contentTypeOf(filename: string): string {
  if (/\.png$/i.test(filename)) return 'image/png';
  if (/\.jpe?g$/i.test(filename)) return 'image/jpeg';
  if (/\.svg$/i.test(filename)) return 'image/svg+xml';
  if (/\.csv$/i.test(filename)) return 'text/csv; charset=utf-8';
  if (/\.json$/i.test(filename)) return 'application/json';
  return 'application/octet-stream';
}
