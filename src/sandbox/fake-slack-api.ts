import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that plays the Slack Web API for tests and for local mode (the sandbox).
 * It checks what it receives the way Slack does — method names, bot token, channel membership,
 * Block Kit limits — records every call, and can be told to fail the next calls (ok:false, 429, 500).
 */

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  tz?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  isIm?: boolean;
  /** Whether the bot is a member (posting to a channel it is not in fails with not_in_channel). */
  botIsMember: boolean;
  tz?: string;
  user?: string;
}

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  at: Date;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  threadTs?: string;
  updatedAt?: Date;
  metadata?: unknown;
  /** When it was posted (the sandbox viewer orders conversations by it). */
  at?: Date;
}

export interface PublishedView {
  userId: string;
  view: Record<string, unknown>;
  at: Date;
}

export interface UploadedFile {
  id: string;
  filename: string;
  title?: string;
  bytes: Buffer;
  channel?: string;
  initialComment?: string;
  at?: Date;
}

export type Failure =
  | { kind: 'error'; error: string }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'http'; status: number };

/** A validator for Block Kit payloads (block list or whole view); returns violations (empty = valid). */
export type BlockValidator = (payload: unknown, surface: 'message' | 'modal' | 'home') => string[];

export interface FakeSlackOptions {
  botToken: string;
  botUserId?: string;
  teamId?: string;
  users?: FakeUser[];
  channels?: FakeChannel[];
  validateBlocks?: BlockValidator;
}

const KNOWN_METHODS = new Set([
  'api.test',
  'auth.test',
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.update',
  'chat.delete',
  'chat.getPermalink',
  'conversations.open',
  'conversations.info',
  'conversations.history',
  'conversations.members',
  'conversations.join',
  'users.info',
  'users.lookupByEmail',
  'users.list',
  'usergroups.users.list',
  'views.publish',
  'views.open',
  'views.update',
  'views.push',
  'files.getUploadURLExternal',
  'files.completeUploadExternal',
]);

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly ephemerals: { channel: string; user: string; text?: string; blocks?: unknown[]; at?: Date }[] = [];
  readonly views: PublishedView[] = [];
  readonly modals: {
    viewId: string;
    triggerId?: string;
    view: Record<string, unknown>;
    userId?: string;
    /** views.push stacks on the modal that is open; views.open starts a new stack. */
    pushed?: boolean;
    at?: Date;
    updatedAt?: Date;
  }[] = [];
  readonly files: UploadedFile[] = [];
  /** Bodies posted to response_url (commands and actions answer through them). */
  readonly responses: { id: string; body: Record<string, unknown>; at?: Date }[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly usergroups = new Map<string, string[]>();
  readonly botUserId: string;
  readonly teamId: string;
  private readonly failures = new Map<string, Failure[]>();
  private readonly pendingUploads = new Map<string, { filename: string; bytes?: Buffer }>();
  private server?: Server;
  private tsCounter = 0;
  baseUrl = '';

  constructor(private readonly options: FakeSlackOptions) {
    this.botUserId = options.botUserId ?? 'UBOT000001';
    this.teamId = options.teamId ?? 'T0000TEST';
    for (const user of options.users ?? []) this.users.set(user.id, user);
    for (const channel of options.channels ?? []) this.channels.set(channel.id, channel);
  }

  /** Slack Web API base URL for WebClient's slackApiUrl. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** A response_url the app can post to, as Slack includes in commands and actions. */
  responseUrl(id: string = randomUUID()): string {
    return `${this.baseUrl}/response/${id}`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Make the next call(s) of a method fail; each call consumes one failure. */
  failNext(method: string, failure: Failure, times = 1): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(failure);
    this.failures.set(method, queue);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  messagesIn(channel: string): PostedMessage[] {
    return this.messages.filter((message) => message.channel === channel);
  }

  /** The DM channel id the fake hands out for a user (stable, so tests can predict it). */
  dmChannelFor(userId: string): string {
    return `D${userId.slice(1)}`;
  }

  lastViewFor(userId: string): PublishedView | undefined {
    return this.views.filter((view) => view.userId === userId).at(-1);
  }

  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.ephemerals.length = 0;
    this.views.length = 0;
    this.modals.length = 0;
    this.files.length = 0;
    this.responses.length = 0;
    this.failures.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readAll(req);
    if (url.pathname.startsWith('/response/')) {
      const body = parseBody(raw, req.headers['content-type']);
      this.responses.push({ id: url.pathname.slice('/response/'.length), body, at: new Date() });
      return json(res, 200, { ok: true });
    }
    if (url.pathname.startsWith('/upload/')) {
      const pending = this.pendingUploads.get(url.pathname.slice('/upload/'.length));
      if (!pending) return json(res, 404, { ok: false, error: 'unknown_upload' });
      pending.bytes = extractUploadBytes(raw, req.headers['content-type']);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK - uploaded');
      return;
    }
    if (!url.pathname.startsWith('/api/')) return json(res, 404, { ok: false, error: 'unknown_path' });
    const method = url.pathname.slice('/api/'.length);
    const args = parseBody(raw, req.headers['content-type']);
    const token =
      bearer(req.headers.authorization) ?? (typeof args.token === 'string' ? args.token : undefined);
    this.calls.push({ method, args, token, at: new Date() });

    const failure = this.failures.get(method)?.shift();
    if (failure?.kind === 'rate_limited') {
      res.writeHead(429, {
        'retry-after': String(failure.retryAfterSeconds),
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (failure?.kind === 'http') {
      res.writeHead(failure.status, { 'content-type': 'text/plain' });
      res.end('upstream failure');
      return;
    }
    if (failure?.kind === 'error') return json(res, 200, { ok: false, error: failure.error });
    if (!KNOWN_METHODS.has(method)) return json(res, 200, { ok: false, error: 'unknown_method' });
    if (!token) return json(res, 200, { ok: false, error: 'not_authed' });
    if (token !== this.options.botToken) return json(res, 200, { ok: false, error: 'invalid_auth' });
    return json(res, 200, this.dispatch(method, args));
  }

  private dispatch(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'api.test':
        return { ok: true, args };
      case 'auth.test':
        return {
          ok: true,
          url: 'https://sandbox.slack.local/',
          team: 'Sandbox',
          user: 'ai-roi',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: 'B0000TEST',
        };
      case 'chat.postMessage':
        return this.postMessage(args);
      case 'chat.update':
        return this.updateMessage(args);
      case 'chat.delete': {
        const index = this.messages.findIndex((m) => m.channel === args.channel && m.ts === args.ts);
        if (index < 0) return { ok: false, error: 'message_not_found' };
        this.messages.splice(index, 1);
        return { ok: true, channel: args.channel, ts: args.ts };
      }
      case 'chat.postEphemeral': {
        const problem = this.checkMessage(args, true);
        if (problem) return problem;
        this.ephemerals.push({
          channel: String(args.channel),
          user: String(args.user),
          text: args.text as string | undefined,
          blocks: asBlocks(args.blocks),
          at: new Date(),
        });
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'chat.getPermalink':
        return {
          ok: true,
          permalink: `https://sandbox.slack.local/archives/${args.channel}/p${args.message_ts}`,
        };
      case 'conversations.open': {
        const userId = String(args.users ?? '').split(',')[0] ?? '';
        if (!this.users.has(userId)) return { ok: false, error: 'user_not_found' };
        const id = this.dmChannelFor(userId);
        if (!this.channels.has(id))
          this.channels.set(id, { id, name: id, isIm: true, botIsMember: true, user: userId });
        return { ok: true, channel: { id } };
      }
      case 'conversations.info': {
        const channel = this.channels.get(String(args.channel));
        if (!channel) return { ok: false, error: 'channel_not_found' };
        return {
          ok: true,
          channel: {
            id: channel.id,
            name: channel.name,
            is_im: !!channel.isIm,
            is_member: channel.botIsMember,
          },
        };
      }
      case 'conversations.join': {
        const channel = this.channels.get(String(args.channel));
        if (!channel) return { ok: false, error: 'channel_not_found' };
        channel.botIsMember = true;
        return { ok: true, channel: { id: channel.id } };
      }
      case 'conversations.members': {
        const channel = this.channels.get(String(args.channel));
        if (!channel) return { ok: false, error: 'channel_not_found' };
        return { ok: true, members: channel.botIsMember ? [this.botUserId] : [] };
      }
      case 'conversations.history': {
        const channel = String(args.channel);
        if (!this.channels.has(channel)) return { ok: false, error: 'channel_not_found' };
        const found = this.messagesIn(channel)
          .slice()
          .reverse()
          .map((m) => ({ ts: m.ts, text: m.text, metadata: m.metadata, user: this.botUserId }));
        return { ok: true, messages: found.slice(0, Number(args.limit ?? 100)), has_more: false };
      }
      case 'users.info': {
        const user = this.users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: userPayload(user) };
      }
      case 'users.lookupByEmail': {
        const email = String(args.email ?? '').toLowerCase();
        const user = [...this.users.values()].find((u) => u.email?.toLowerCase() === email);
        if (!user) return { ok: false, error: 'users_not_found' };
        return { ok: true, user: userPayload(user) };
      }
      case 'users.list':
        return { ok: true, members: [...this.users.values()].map(userPayload) };
      case 'usergroups.users.list': {
        const members = this.usergroups.get(String(args.usergroup));
        if (!members) return { ok: false, error: 'no_such_subteam' };
        return { ok: true, users: members };
      }
      case 'views.publish':
        return this.publishView(args);
      case 'views.open':
      case 'views.push':
        return this.openModal(args, method === 'views.push');
      case 'views.update':
        return this.updateModal(args);
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(this.files.length + this.pendingUploads.size + 1).padStart(8, '0')}`;
        this.pendingUploads.set(fileId, { filename: String(args.filename ?? 'file') });
        return { ok: true, upload_url: `${this.baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal':
        return this.completeUpload(args);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private checkMessage(
    args: Record<string, unknown>,
    ephemeral = false,
  ): Record<string, unknown> | undefined {
    const channelId = String(args.channel ?? '');
    const channel = this.channels.get(channelId);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!channel.botIsMember && !ephemeral) return { ok: false, error: 'not_in_channel' };
    const blocks = asBlocks(args.blocks);
    if (!args.text && !blocks?.length) return { ok: false, error: 'no_text' };
    if (blocks) {
      const violations = this.validate(blocks, 'message');
      if (violations.length) return { ok: false, error: 'invalid_blocks', errors: violations };
    }
    return undefined;
  }

  private postMessage(args: Record<string, unknown>): Record<string, unknown> {
    // Posting to a user id opens the DM, as Slack does.
    let channel = String(args.channel ?? '');
    if (this.users.has(channel)) {
      const opened = this.dispatch('conversations.open', { users: channel });
      channel = (opened.channel as { id: string }).id;
    }
    const problem = this.checkMessage({ ...args, channel });
    if (problem) return problem;
    const message: PostedMessage = {
      channel,
      ts: this.nextTs(),
      text: args.text as string | undefined,
      blocks: asBlocks(args.blocks),
      threadTs: args.thread_ts as string | undefined,
      metadata: parseMaybeJson(args.metadata),
      at: new Date(),
    };
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: { text: message.text, blocks: message.blocks } };
  }

  private updateMessage(args: Record<string, unknown>): Record<string, unknown> {
    const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
    if (!message) return { ok: false, error: 'message_not_found' };
    const blocks = asBlocks(args.blocks);
    if (blocks) {
      const violations = this.validate(blocks, 'message');
      if (violations.length) return { ok: false, error: 'invalid_blocks', errors: violations };
      message.blocks = blocks;
    }
    if (typeof args.text === 'string') message.text = args.text;
    message.updatedAt = new Date();
    return { ok: true, channel: message.channel, ts: message.ts };
  }

  private publishView(args: Record<string, unknown>): Record<string, unknown> {
    const userId = String(args.user_id ?? '');
    if (!this.users.has(userId)) return { ok: false, error: 'user_not_found' };
    const view = parseMaybeJson(args.view) as Record<string, unknown> | undefined;
    if (view?.type !== 'home') return { ok: false, error: 'invalid_arguments' };
    const violations = this.validate(view, 'home');
    if (violations.length)
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: violations } };
    this.views.push({ userId, view, at: new Date() });
    return { ok: true, view: { id: `V${this.views.length}`, ...view } };
  }

  private openModal(args: Record<string, unknown>, pushed = false): Record<string, unknown> {
    if (!args.trigger_id) return { ok: false, error: 'invalid_trigger_id' };
    const view = parseMaybeJson(args.view) as Record<string, unknown> | undefined;
    if (view?.type !== 'modal') return { ok: false, error: 'invalid_arguments' };
    const violations = this.validate(view, 'modal');
    if (violations.length)
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: violations } };
    const viewId = `VM${this.modals.length + 1}`;
    this.modals.push({ viewId, triggerId: String(args.trigger_id), view, pushed, at: new Date() });
    return { ok: true, view: { id: viewId, ...view } };
  }

  private updateModal(args: Record<string, unknown>): Record<string, unknown> {
    const modal = this.modals.find((m) => m.viewId === args.view_id);
    if (!modal) return { ok: false, error: 'not_found' };
    const view = parseMaybeJson(args.view) as Record<string, unknown> | undefined;
    if (!view) return { ok: false, error: 'invalid_arguments' };
    modal.view = view;
    modal.updatedAt = new Date();
    return { ok: true, view: { id: modal.viewId, ...view } };
  }

  private completeUpload(args: Record<string, unknown>): Record<string, unknown> {
    const entries = (parseMaybeJson(args.files) as { id: string; title?: string }[] | undefined) ?? [];
    const channel = args.channel_id as string | undefined;
    if (channel && !this.channels.get(channel)) return { ok: false, error: 'channel_not_found' };
    if (channel && !this.channels.get(channel)?.botIsMember) return { ok: false, error: 'not_in_channel' };
    const completed: UploadedFile[] = [];
    for (const entry of entries) {
      const pending = this.pendingUploads.get(entry.id);
      if (!pending?.bytes) return { ok: false, error: 'file_upload_not_complete' };
      this.pendingUploads.delete(entry.id);
      const file: UploadedFile = {
        id: entry.id,
        filename: pending.filename,
        title: entry.title,
        bytes: pending.bytes,
        channel,
        initialComment: args.initial_comment as string | undefined,
        at: new Date(),
      };
      this.files.push(file);
      completed.push(file);
    }
    return { ok: true, files: completed.map((f) => ({ id: f.id, name: f.filename, title: f.title })) };
  }

  private validate(payload: unknown, surface: 'message' | 'modal' | 'home'): string[] {
    return this.options.validateBlocks ? this.options.validateBlocks(payload, surface) : [];
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.tsCounter).padStart(6, '0')}`;
  }
}

function userPayload(user: FakeUser): Record<string, unknown> {
  return {
    id: user.id,
    name: user.name,
    real_name: user.realName ?? user.name,
    tz: user.tz ?? 'UTC',
    is_admin: !!user.isAdmin,
    is_owner: !!user.isOwner,
    profile: { email: user.email, real_name: user.realName ?? user.name, display_name: user.name },
  };
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** WebClient sends form-encoded bodies with nested values as JSON strings; some callers send JSON. */
function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (!text) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function asBlocks(value: unknown): unknown[] | undefined {
  const parsed = parseMaybeJson(value);
  return Array.isArray(parsed) ? parsed : undefined;
}

function bearer(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

/** files.uploadV2 posts the bytes either raw or as multipart form data; keep only the file's bytes. */
function extractUploadBytes(raw: Buffer, contentType: string | undefined): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!boundary) return raw;
  const marker = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = raw.indexOf(marker);
  const headerEnd = raw.indexOf('\r\n\r\n', start);
  const end = raw.indexOf(marker, headerEnd);
  if (start < 0 || headerEnd < 0 || end < 0) return raw;
  return raw.subarray(headerEnd + 4, end - 2);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
