import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSessionAction } from '../../blocks/values.ts';
import { closeIdleSessions } from '../../jobs/close-idle-sessions.ts';
import { SESSION_CLOSED_HOOKS } from '../../jobs/index.ts';
import { RESOLVE_IDENTITIES_JOB } from '../../jobs/resolve-identities.ts';
import { createLogger } from '../../src/logger.ts';
import { type LocalApp, startLocalApp } from '../../src/sandbox/local-mode.ts';
import { claudeCodeLogsRequest } from '../../src/sandbox/seed/claude-code-otlp.ts';
import type { SandboxSnapshot } from '../../src/sandbox/snapshot.ts';
import { testMongoUri, uniqueDbName } from '../support/db.ts';
import { eventually } from '../support/harness.ts';

const DANA = 'UDANA00001';
const MAYA = 'UMAYA00001';
const LEADERSHIP = 'CLEADERSHP';

/** The sandbox's own HTTP API, mounted on the app in local mode, driving the real app through signed requests. */
describe('sandbox API (local mode)', () => {
  let app: LocalApp;
  const get = async (path: string) => fetch(`${app.appUrl}${path}`);
  const post = async (path: string, body: unknown) =>
    fetch(`${app.appUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const state = async (user: string): Promise<SandboxSnapshot> =>
    (await (await get(`/sandbox/api/state?user=${user}`)).json()) as SandboxSnapshot;
  const command = async (user: string, channel: string, text: string) => {
    const response = await post('/sandbox/api/command', { user, channel, text });
    expect(response.status).toBe(200);
    const { responseId } = (await response.json()) as { responseId: string };
    const [answer] = await app.local.sandbox.waitForResponse(responseId);
    return String(answer?.text ?? '');
  };

  beforeAll(async () => {
    app = await startLocalApp({
      env: {
        PORT: '0',
        LOG_LEVEL: 'silent',
        MONGODB_URI: testMongoUri(),
        MONGODB_DB: uniqueDbName('sandbox_api'),
      },
      logger: createLogger('silent'),
      run: 'interactive',
    });
  }, 60_000);

  afterAll(async () => {
    await app.service.deps.db.dropDatabase().catch(() => {});
    await app.stop();
  });

  it('local mode fills in every webhook secret, points Linear at the stand-in and listens on loopback only', () => {
    const { config } = app;
    for (const value of [
      config.OTLP_TOKEN,
      config.LITELLM_TOKEN,
      config.LINEAR_WEBHOOK_SECRET,
      config.GITHUB_WEBHOOK_SECRET,
      config.OUTCOMES_API_TOKEN,
    ]) {
      expect(value).toMatch(/^local-[a-z-]+-[0-9a-f]{24}$/);
    }
    expect(config.USAGE_WEBHOOK_SECRET).toMatch(/^whsec_/);
    expect(config.LINEAR_API_URL).toBe(app.local.linear.url);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it('serves the viewer, its script and styles, and the state of the fake Slack API', async () => {
    const page = await get('/sandbox');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<script src="/sandbox/app.js"');
    expect((await get('/sandbox/app.js')).headers.get('content-type')).toMatch(/javascript/);
    expect((await get('/sandbox/app.css')).headers.get('content-type')).toMatch(/text\/css/);
    const snapshot = await state(DANA);
    expect(snapshot.users.map((u) => u.name)).toEqual([
      'maya',
      'tom',
      'priya',
      'leo',
      'sam',
      'jonas',
      'dana',
    ]);
    expect(snapshot.conversations.filter((c) => c.kind === 'channel').map((c) => c.name)).toEqual([
      'leadership',
      'payments-eng',
      'random',
    ]);
    expect(snapshot.raw?.messages).toEqual([]);
    const compact = (await (await get(`/sandbox/api/state?user=${DANA}&raw=0`)).json()) as SandboxSnapshot;
    expect(compact.raw).toBeUndefined();
  });

  it('a typed command is a signed slash command; its private answer shows only to its author, where it was typed', async () => {
    expect(await command(DANA, LEADERSHIP, '/ai-roi team create Payments')).toMatch(/^Created \*Payments\*/);
    // "@maya" becomes a Slack mention, as the client's autocomplete does.
    expect(await command(DANA, LEADERSHIP, 'team add @maya Payments')).toMatch(/Added <@UMAYA00001>/);
    const team = await app.service.deps.collections.teams.findOne({ name: 'Payments' });
    expect(team?.members).toEqual([MAYA]);

    const danas = (await state(DANA)).items[LEADERSHIP] ?? [];
    expect(danas.map((i) => i.kind)).toEqual(['command', 'response', 'command', 'response']);
    expect(danas[0]).toMatchObject({
      visibility: 'only-you',
      html: expect.stringContaining('team create Payments'),
    });
    expect(danas[1]?.html).toContain('<b>Payments</b>');
    expect((await state(MAYA)).items[LEADERSHIP]).toEqual([]);
  });

  it('channel mentions typed as #name reach the app as channel links (subscribe, then unsubscribe)', async () => {
    expect(await command(DANA, 'CPAYMENTS1', 'subscribe #payments-eng weekly fri 16:00 org')).toMatch(
      /^Subscribed <#CPAYMENTS1>/,
    );
    expect(await app.service.deps.collections.subscriptions.countDocuments({ channel: 'CPAYMENTS1' })).toBe(
      1,
    );
    expect(await command(DANA, 'CPAYMENTS1', 'unsubscribe #payments-eng')).toMatch(
      /^Stopped .* in <#CPAYMENTS1>/,
    );
    expect(await app.service.deps.collections.subscriptions.countDocuments({ channel: 'CPAYMENTS1' })).toBe(
      0,
    );
  });

  it('refuses bad requests with a clear message', async () => {
    const cases: [string, unknown, number, RegExp][] = [
      ['/sandbox/api/command', 'not json', 400, /must be JSON/],
      [
        '/sandbox/api/command',
        { user: 'nobody', channel: LEADERSHIP, text: 'help' },
        400,
        /user - must be a sandbox user id/,
      ],
      ['/sandbox/api/command', { user: DANA, channel: 'CNOPE', text: 'help' }, 404, /Unknown channel CNOPE/],
      [
        '/sandbox/api/command',
        { user: 'UNOBODY01', channel: LEADERSHIP, text: 'help' },
        400,
        /Unknown sandbox user/,
      ],
      [
        '/sandbox/api/action',
        { user: DANA, surface: { kind: 'home' }, blockIndex: 0, actionId: 'x' },
        404,
        /no App Home yet/,
      ],
      [
        '/sandbox/api/action',
        {
          user: DANA,
          surface: { kind: 'message', channel: LEADERSHIP, ts: '1.2' },
          blockIndex: 0,
          actionId: 'x',
        },
        404,
        /is gone/,
      ],
      ['/sandbox/api/view-submission', { user: DANA, viewId: 'VM99' }, 404, /No open modal VM99/],
    ];
    for (const [path, body, status, message] of cases) {
      const response = await post(path, body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    }
    expect((await get('/sandbox/files?id=F404')).status).toBe(404);
  });

  it('opening App Home sends app_home_opened; the published Home is rendered for that user', async () => {
    const response = await post('/sandbox/api/home-opened', { user: MAYA });
    expect(response.status).toBe(200);
    const home = await eventually(async () => (await state(MAYA)).home, { message: 'Home published' });
    expect(home.viewId).toMatch(/^V\d+$/);
    expect(home.html).toContain('bk-header');
  });

  describe('a prompt, a click, a modal', () => {
    let sessionId = '';
    let prompt: { channel: string; ts: string; blocks: unknown[] };

    beforeAll(async () => {
      const { deps, config } = { deps: app.service.deps, config: app.config };
      expect(await command(MAYA, app.local.sandbox.dmChannel(MAYA), 'prefs immediate')).toMatch(/^Saved/);
      const started = Date.now() - 3 * 3_600_000;
      const body = claudeCodeLogsRequest({
        sessionId: 'sandbox-api-1',
        email: 'maya@example.com',
        resource: { branch: 'maya/pay-142-refund-retries' },
        vcs: { url: 'https://github.com/acme/payments-api' },
        requests: [
          { at: started, costUsd: 1.2, input: 1000, output: 400 },
          { at: started + 20 * 60_000, costUsd: 2.3, input: 2000, output: 900 },
        ],
        commits: [{ at: started + 25 * 60_000, commitId: 'abcdef1234567' }],
      });
      const ingest = await fetch(`${app.appUrl}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${config.OTLP_TOKEN}` },
        body: JSON.stringify(body),
      });
      expect(ingest.status).toBe(200);
      await deps.agenda.now(RESOLVE_IDENTITIES_JOB);
      await eventually(() => deps.collections.sessions.findOne({ slackUserId: MAYA }), {
        timeoutMs: 15_000,
        message: 'session mapped to Maya',
      });
      await closeIdleSessions(deps, SESSION_CLOSED_HOOKS);
      const message = await eventually(
        () =>
          app.local.api
            .messagesIn(app.local.api.dmChannelFor(MAYA))
            .find((m) => JSON.stringify(m.blocks ?? []).includes('classify_productive')),
        { message: 'classify DM' },
      );
      prompt = { channel: message.channel, ts: message.ts, blocks: message.blocks ?? [] };
      const session = await deps.collections.sessions.findOne({ slackUserId: MAYA });
      sessionId = session!._id.toHexString();
    }, 60_000);

    const findElement = (blocks: unknown[], actionId: string) => {
      const index = blocks.findIndex((b) => JSON.stringify(b).includes(`"action_id":"${actionId}"`));
      return {
        index,
        block: blocks[index] as {
          elements?: { action_id: string; value?: string; options?: { value: string }[] }[];
        },
      };
    };

    it('renders the DM with its buttons, and a click is a block_actions the app records', async () => {
      const items = (await state(MAYA)).items[app.local.api.dmChannelFor(MAYA)] ?? [];
      const dm = items.find((i) => i.kind === 'message' && i.html.includes('data-aid="classify_productive"'));
      expect(dm?.surface).toEqual({ kind: 'message', channel: prompt.channel, ts: prompt.ts });

      const { index, block } = findElement(prompt.blocks, 'classify_productive');
      const button = block.elements?.find((e) => e.action_id === 'classify_productive');
      expect(decodeSessionAction(button?.value)?.sessionId).toBe(sessionId);
      const response = await post('/sandbox/api/action', {
        user: MAYA,
        surface: { kind: 'message', channel: prompt.channel, ts: prompt.ts },
        blockIndex: index,
        actionId: 'classify_productive',
      });
      expect(response.status).toBe(200);
      const stored = await eventually(async () => {
        const doc = await app.service.deps.collections.sessions.findOne({ _id: new ObjectId(sessionId) });
        return doc?.classification;
      });
      expect(stored).toMatchObject({ class: 'productive', by: 'self', userId: MAYA });
      // The app updated the message in place (chat.update), and the viewer shows the new blocks.
      await eventually(async () => {
        const dm = ((await state(MAYA)).items[prompt.channel] ?? []).find((i) => i.key === `m:${prompt.ts}`);
        return dm?.edited;
      });
    });

    it('someone else clicking Maya’s button is told privately, in that conversation, and nothing changes', async () => {
      const current = app.local.api.messages.find((m) => m.ts === prompt.ts)!;
      const { index } = findElement(current.blocks ?? [], 'classify_wasteful');
      expect(index).toBeGreaterThanOrEqual(0);
      const response = await post('/sandbox/api/action', {
        user: DANA,
        surface: { kind: 'message', channel: prompt.channel, ts: prompt.ts },
        blockIndex: index,
        actionId: 'classify_wasteful',
      });
      expect(response.status).toBe(200);
      const said = await eventually(async () =>
        (
          ((await state(DANA)).raw?.responses ?? []) as {
            target?: { userId: string };
            body: { text?: string };
          }[]
        ).find((r) => r.target?.userId === DANA && /belongs to someone else/.test(r.body.text ?? '')),
      );
      expect(said).toBeDefined();
      const doc = await app.service.deps.collections.sessions.findOne({ _id: new ObjectId(sessionId) });
      expect(doc?.classification?.class).toBe('productive');
    });

    it('the overflow opens the classify modal; Linear search answers; submitting records class, note and issue', async () => {
      const current = app.local.api.messages.find((m) => m.ts === prompt.ts)!;
      const { index, block } = findElement(current.blocks ?? [], 'session_overflow');
      const note = block.elements
        ?.find((e) => e.action_id === 'session_overflow')
        ?.options?.find((o) => decodeSessionAction(o.value)?.op === 'note');
      expect(note).toBeDefined();
      const opened = await post('/sandbox/api/action', {
        user: MAYA,
        surface: { kind: 'message', channel: prompt.channel, ts: prompt.ts },
        blockIndex: index,
        actionId: 'session_overflow',
        option: note!.value,
      });
      expect(opened.status).toBe(200);
      const modal = await eventually(async () => (await state(MAYA)).modals[0]);
      expect(modal.title).toBe('Classify session');
      expect(modal.html).toContain('type="radio"');
      expect((await state(DANA)).modals).toEqual([]);

      const view = app.local.sandbox.modalStack(MAYA)[0]!.view as { blocks: { block_id?: string }[] };
      const at = (id: string) => view.blocks.findIndex((b) => b.block_id === id);
      const search = await post('/sandbox/api/options', {
        user: MAYA,
        viewId: modal.viewId,
        blockIndex: at('issue_block'),
        actionId: 'issue_input',
        query: 'refund',
      });
      const { options } = (await search.json()) as { options: { value: string; label: string }[] };
      expect(options.map((o) => o.value)).toContain('PAY-142');

      // A required input left empty is refused before anything is sent, as Slack's client does.
      const empty = await post('/sandbox/api/view-submission', {
        user: MAYA,
        viewId: modal.viewId,
        inputs: { [at('class_block')]: { class_input: { value: null } } },
      });
      expect(await empty.json()).toMatchObject({
        closed: false,
        errors: { class_block: expect.any(String) },
      });

      const submitted = await post('/sandbox/api/view-submission', {
        user: MAYA,
        viewId: modal.viewId,
        inputs: {
          [at('class_block')]: { class_input: { value: 'exploratory' } },
          [at('note_block')]: { note_input: { value: 'Spiked the retry design first' } },
          [at('issue_block')]: { issue_input: { value: 'PAY-142', label: 'PAY-142 Retry failed refunds' } },
        },
      });
      expect(await submitted.json()).toMatchObject({ status: 200, closed: true });
      expect((await state(MAYA)).modals).toEqual([]);
      const doc = await eventually(async () => {
        const found = await app.service.deps.collections.sessions.findOne({ _id: new ObjectId(sessionId) });
        return found?.classification?.class === 'exploratory' ? found : undefined;
      });
      expect(doc.classification).toMatchObject({ note: 'Spiked the retry design first', by: 'self' });
      expect(doc.links?.map((l) => l.identifier)).toContain('PAY-142');
    });
  });
});
