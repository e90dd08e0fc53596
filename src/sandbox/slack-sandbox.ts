/**
 * The sandbox's side of Slack: it holds the fake Slack Web API (what the bot posted) and plays the Slack
 * client and platform for the people in the sample workspace — slash commands, clicks, modal submissions,
 * option searches and App Home opens become real requests, signed with the app's signing secret and POSTed
 * to the app's own /slack/events, exactly as Slack would send them. The web page and the seeder both use it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { isObject } from './block-kit-json.ts';
import type { FakeChannel, FakeSlackApi, FakeUser } from './fake-slack-api.ts';
import {
  type ActionContainer,
  buildBlockActionsPayload,
  buildBlockSuggestionPayload,
  buildEventCallback,
  buildSlashCommandForm,
  buildViewSubmissionPayload,
  escapeCommandText,
  InteractionError,
  type RawInputValues,
  type SandboxActor,
  type SandboxWorkspace,
} from './interactions.ts';

export const SLASH_COMMAND = '/ai-roi';

/** Where a respond() answer belongs: the conversation the command was typed in, seen by whom. */
export interface ResponseTarget {
  channel: string;
  userId: string;
}

export interface TypedCommand {
  id: string;
  userId: string;
  channel: string;
  /** As typed in the box. */
  text: string;
  at: Date;
  responseId: string;
  /** HTTP status of the signed request (200 = Bolt acked). */
  status?: number;
  error?: string;
}

export type SurfaceRef =
  | { kind: 'message'; channel: string; ts: string }
  | { kind: 'response'; id: string }
  | { kind: 'home' }
  | { kind: 'modal'; viewId: string };

export interface ClickRequest {
  userId: string;
  surface: SurfaceRef;
  blockIndex: number;
  actionId: string;
  option?: string;
  externalOption?: { value: string; label: string };
  inputs?: RawInputValues;
  /** When the person clicked (Slack's action_ts); now by default. The request is still signed with now. */
  at?: Date;
}

export interface SignedResult {
  status: number;
  /** The app's HTTP answer (Bolt's ack body: empty, or JSON such as response_action / options). */
  body: string;
}

export interface OpenModal {
  viewId: string;
  view: Record<string, unknown>;
  errors?: Record<string, string>;
}

export class SandboxError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"). */
export function signSlackRequest(secret: string, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${signature}` };
}

export class SlackSandbox {
  readonly workspace: SandboxWorkspace;
  readonly commands: TypedCommand[] = [];
  private appUrl = '';
  private readonly triggers = new Map<string, string>();
  private readonly responseTargets = new Map<string, ResponseTarget>();
  private readonly closedModals = new Set<string>();
  private readonly modalErrors = new Map<string, Record<string, string>>();

  constructor(
    readonly slack: FakeSlackApi,
    private readonly signingSecret: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.workspace = {
      teamId: slack.teamId,
      teamDomain: 'sandbox',
      appId: 'A0SANDBOX01',
      botUserId: slack.botUserId,
      botId: 'B0000TEST',
    };
  }

  /** The app's base URL (known once its server listens). */
  attach(appUrl: string): void {
    this.appUrl = appUrl.replace(/\/$/, '');
  }

  // ── the workspace ─────────────────────────────────────────────────────────────────────

  users(): FakeUser[] {
    return [...this.slack.users.values()];
  }

  user(userId: string): FakeUser {
    const user = this.slack.users.get(userId);
    if (!user) throw new SandboxError(`Unknown sandbox user ${userId}`);
    return user;
  }

  userByName(name: string): FakeUser | undefined {
    const wanted = name.toLowerCase();
    return this.users().find((u) => u.name.toLowerCase() === wanted || u.id === name);
  }

  channelByName(name: string): FakeChannel | undefined {
    const wanted = name.replace(/^#/, '').toLowerCase();
    return [...this.slack.channels.values()].find((c) => !c.isIm && c.name.toLowerCase() === wanted);
  }

  /** The DM between the bot and a user (created as conversations.open would). */
  dmChannel(userId: string): string {
    this.user(userId);
    const id = this.slack.dmChannelFor(userId);
    if (!this.slack.channels.has(id)) {
      this.slack.channels.set(id, { id, name: id, isIm: true, botIsMember: true, user: userId });
    }
    return id;
  }

  channelName(channelId: string): string {
    const channel = this.slack.channels.get(channelId);
    if (!channel) throw new SandboxError(`Unknown channel ${channelId}`);
    return channel.isIm ? 'directmessage' : channel.name;
  }

  private actor(userId: string): SandboxActor {
    const user = this.user(userId);
    return { id: user.id, name: user.name };
  }

  /** A trigger_id for this user; modals opened with it are theirs. */
  trigger(userId: string): string {
    const id = `${Date.now()}.${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    this.triggers.set(id, userId);
    return id;
  }

  /** A response_url on the fake Slack API; what the app posts there shows up in this conversation. */
  responseUrl(target: ResponseTarget): { id: string; url: string } {
    const id = randomUUID();
    this.responseTargets.set(id, target);
    return { id, url: this.slack.responseUrl(id) };
  }

  responseTarget(id: string): ResponseTarget | undefined {
    return this.responseTargets.get(id);
  }

  ownerOfTrigger(triggerId: string | undefined): string | undefined {
    return triggerId ? this.triggers.get(triggerId) : undefined;
  }

  // ── modals ────────────────────────────────────────────────────────────────────────────

  /** The user's open modal stack, bottom first: the last views.open and what was pushed on it since. */
  modalStack(userId: string): OpenModal[] {
    const mine = this.slack.modals.filter((m) => this.ownerOfTrigger(m.triggerId) === userId);
    const lastOpen = mine.map((m) => !m.pushed).lastIndexOf(true);
    if (lastOpen < 0) return [];
    return mine
      .slice(lastOpen)
      .filter((m) => !this.closedModals.has(m.viewId))
      .map((m) => ({
        viewId: m.viewId,
        view: m.view,
        ...(this.modalErrors.has(m.viewId) ? { errors: this.modalErrors.get(m.viewId) } : {}),
      }));
  }

  closeModal(userId: string, viewId: string, all = false): void {
    const stack = this.modalStack(userId);
    if (!stack.some((m) => m.viewId === viewId))
      throw new SandboxError(`No open modal ${viewId} for ${userId}`);
    for (const modal of all ? stack : stack.filter((m) => m.viewId === viewId))
      this.closedModals.add(modal.viewId);
  }

  private openModal(userId: string, viewId: string): OpenModal {
    const modal = this.modalStack(userId).find((m) => m.viewId === viewId);
    if (!modal) throw new SandboxError(`No open modal ${viewId} for this user`, 404);
    return modal;
  }

  // ── requests to the app ───────────────────────────────────────────────────────────────

  /** POST a body to the app's /slack/events, signed as Slack signs it. */
  async postSigned(body: string, contentType: string): Promise<SignedResult> {
    if (!this.appUrl) throw new SandboxError('The sandbox is not attached to the app yet', 503);
    const response = await fetch(`${this.appUrl}/slack/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': contentType, ...signSlackRequest(this.signingSecret, body, this.clock()) },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.text() };
  }

  private postPayload(payload: Record<string, unknown>): Promise<SignedResult> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.postSigned(body, 'application/x-www-form-urlencoded');
  }

  /** `/ai-roi …` typed by a user in a channel or their DM with the bot. */
  async command(userId: string, channel: string, text: string): Promise<TypedCommand> {
    const actor = this.actor(userId);
    const channelName = this.channelName(channel);
    const response = this.responseUrl({ channel, userId });
    const escaped = escapeCommandText(text, {
      userByName: (name) => this.userByName(name)?.id,
      channelByName: (name) => this.channelByName(name)?.id,
    });
    const typed: TypedCommand = {
      id: randomUUID(),
      userId,
      channel,
      text,
      at: this.clock(),
      responseId: response.id,
    };
    this.commands.push(typed);
    const form = buildSlashCommandForm({
      workspace: this.workspace,
      actor,
      command: SLASH_COMMAND,
      text: escaped,
      channel,
      channelName,
      responseUrl: response.url,
      triggerId: this.trigger(userId),
    });
    try {
      const result = await this.postSigned(form.toString(), 'application/x-www-form-urlencoded');
      typed.status = result.status;
      if (result.status !== 200) typed.error = result.body.slice(0, 300) || `HTTP ${result.status}`;
    } catch (error) {
      typed.error = (error as Error).message;
    }
    return typed;
  }

  /** Every respond() answer received for a response_url, oldest first. */
  responsesFor(responseId: string): Record<string, unknown>[] {
    return this.slack.responses.filter((r) => r.id === responseId).map((r) => r.body);
  }

  /** Wait for the first (or n-th) respond() answer to a command or action. */
  async waitForResponse(
    responseId: string,
    { timeoutMs = 10_000, count = 1 } = {},
  ): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const bodies = this.responsesFor(responseId);
      if (bodies.length >= count) return bodies;
      if (Date.now() > deadline) {
        throw new SandboxError(`No answer on response_url ${responseId} within ${timeoutMs} ms`, 504);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private container(request: ClickRequest): { container: ActionContainer; responseUrl?: string } {
    const { surface, userId } = request;
    if (surface.kind === 'message') {
      const message = this.slack.messages.find((m) => m.channel === surface.channel && m.ts === surface.ts);
      if (!message) throw new SandboxError(`Message ${surface.ts} in ${surface.channel} is gone`, 404);
      return {
        container: {
          kind: 'message',
          channel: message.channel,
          channelName: this.channelName(message.channel),
          ts: message.ts,
          ...(message.text !== undefined ? { text: message.text } : {}),
          blocks: message.blocks ?? [],
        },
        responseUrl: this.responseUrl({ channel: message.channel, userId }).url,
      };
    }
    if (surface.kind === 'response') {
      const index = this.slack.responses.findIndex((r) => r.id === surface.id);
      const response = this.slack.responses[index];
      const target = this.responseTargets.get(surface.id);
      if (!response || !target) throw new SandboxError('That answer is gone', 404);
      const blocks = Array.isArray(response.body.blocks) ? response.body.blocks : [];
      const at = response.at ?? this.clock();
      return {
        container: {
          kind: 'ephemeral',
          channel: target.channel,
          channelName: this.channelName(target.channel),
          ts: `${Math.floor(at.getTime() / 1000)}.${String(index).padStart(6, '0')}`,
          blocks,
        },
        responseUrl: this.responseUrl(target).url,
      };
    }
    if (surface.kind === 'home') {
      const published = this.slack.lastViewFor(userId);
      if (!published) throw new SandboxError('This user has no App Home yet', 404);
      const viewId = `V${this.slack.views.lastIndexOf(published) + 1}`;
      return { container: { kind: 'view', viewId, view: published.view } };
    }
    const modal = this.openModal(userId, surface.viewId);
    return { container: { kind: 'view', viewId: modal.viewId, view: modal.view } };
  }

  /** A click on a button, overflow option or menu option: a signed block_actions request. */
  async click(request: ClickRequest): Promise<SignedResult> {
    const { container, responseUrl } = this.container(request);
    const payload = buildBlockActionsPayload({
      workspace: this.workspace,
      actor: this.actor(request.userId),
      container,
      blockIndex: request.blockIndex,
      actionId: request.actionId,
      ...(request.option !== undefined ? { option: request.option } : {}),
      ...(request.externalOption ? { externalOption: request.externalOption } : {}),
      ...(request.inputs ? { inputs: request.inputs } : {}),
      triggerId: this.trigger(request.userId),
      ...(responseUrl ? { responseUrl } : {}),
      at: request.at ?? this.clock(),
    });
    return this.postPayload(payload);
  }

  /**
   * Submit a modal: a signed view_submission. The app's answer decides what happens, as in Slack:
   * response_action errors → shown on the inputs; update → the view is replaced; push → a view is stacked;
   * clear → the whole stack closes; no response_action → this view closes.
   */
  async submitView(
    userId: string,
    viewId: string,
    inputs: RawInputValues = {},
  ): Promise<{ status: number; closed: boolean; errors?: Record<string, string> }> {
    const modal = this.openModal(userId, viewId);
    const { payload, missing } = buildViewSubmissionPayload({
      workspace: this.workspace,
      actor: this.actor(userId),
      viewId,
      view: modal.view,
      inputs,
      triggerId: this.trigger(userId),
    });
    if (Object.keys(missing).length > 0) {
      this.modalErrors.set(viewId, missing);
      return { status: 400, closed: false, errors: missing };
    }
    const result = await this.postPayload(payload);
    if (result.status !== 200) {
      throw new SandboxError(`The app answered HTTP ${result.status}: ${result.body.slice(0, 300)}`, 502);
    }
    const answer = parseJsonObject(result.body);
    const action = answer?.response_action;
    if (action === 'errors' && isObject(answer?.errors)) {
      const errors = Object.fromEntries(Object.entries(answer.errors).map(([k, v]) => [k, String(v)]));
      this.modalErrors.set(viewId, errors);
      return { status: 200, closed: false, errors };
    }
    this.modalErrors.delete(viewId);
    const stored = this.slack.modals.find((m) => m.viewId === viewId);
    if (action === 'update' && isObject(answer?.view) && stored) {
      stored.view = answer.view;
      stored.updatedAt = this.clock();
      return { status: 200, closed: false };
    }
    if (action === 'push' && isObject(answer?.view) && stored) {
      this.slack.modals.push({
        viewId: `VM${this.slack.modals.length + 1}`,
        triggerId: stored.triggerId,
        view: answer.view,
        pushed: true,
        at: this.clock(),
      });
      return { status: 200, closed: false };
    }
    this.closeModal(userId, viewId, action === 'clear');
    return { status: 200, closed: true };
  }

  /** Options for an external_select: a signed block_suggestion; the app answers with options in the body. */
  async suggest(
    userId: string,
    viewId: string,
    blockIndex: number,
    actionId: string,
    query: string,
  ): Promise<{ label: string; value: string }[]> {
    const modal = this.openModal(userId, viewId);
    const payload = buildBlockSuggestionPayload({
      workspace: this.workspace,
      actor: this.actor(userId),
      viewId,
      view: modal.view,
      blockIndex,
      actionId,
      query,
    });
    const result = await this.postPayload(payload);
    if (result.status !== 200) throw new SandboxError(`The app answered HTTP ${result.status}`, 502);
    const answer = parseJsonObject(result.body);
    const options = Array.isArray(answer?.options) ? answer.options : [];
    return options.filter(isObject).map((option) => ({
      value: String(option.value ?? ''),
      label: isObject(option.text) ? String(option.text.text ?? option.value) : String(option.value ?? ''),
    }));
  }

  /** The user opened the bot's Home tab: a signed app_home_opened event. */
  async openHome(userId: string): Promise<SignedResult> {
    this.user(userId);
    const published = this.slack.lastViewFor(userId);
    const event = {
      type: 'app_home_opened',
      user: userId,
      channel: this.dmChannel(userId),
      tab: 'home',
      ...(published
        ? { view: { id: `V${this.slack.views.lastIndexOf(published) + 1}`, ...published.view } }
        : {}),
    };
    const at = this.clock();
    const body = JSON.stringify(
      buildEventCallback(
        this.workspace,
        event,
        `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
        at,
      ),
    );
    return this.postSigned(body, 'application/json');
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  if (!text.trim()) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export { InteractionError };
