/**
 * What the sandbox page shows, as JSON: the raw records of the fake Slack API, and — for the person the
 * page is acting as — every conversation, their App Home and their open modals, rendered to HTML here (so
 * the Block Kit renderer is TypeScript with unit tests, and the page stays a small viewer).
 */
import type { PostedMessage } from './fake-slack-api.ts';
import { blocksToHtml, textObjectToText } from './render/blocks.ts';
import { escapeHtml, type MentionNames, mrkdwnToHtml } from './render/mrkdwn.ts';
import type { SlackSandbox, SurfaceRef } from './slack-sandbox.ts';

export const FILES_PATH = '/sandbox/files';

export type ItemKind = 'message' | 'ephemeral' | 'response' | 'command' | 'file';

export interface ConversationItem {
  kind: ItemKind;
  key: string;
  at: string;
  /** Who sees it: everyone in the conversation, or only the acting user (ephemeral answers, typed commands). */
  visibility: 'everyone' | 'only-you';
  author: string;
  html: string;
  /** Where a click inside it goes (messages and respond() answers with blocks). */
  surface?: SurfaceRef;
  edited?: boolean;
  thread?: boolean;
}

export interface ConversationSummary {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  /** For DMs: whose conversation with the bot it is. */
  userId?: string;
  botIsMember: boolean;
  count: number;
}

export interface SandboxSnapshot {
  actingUser: string;
  workspace: { team: string; bot: string };
  users: { id: string; name: string; realName: string; isAdmin: boolean; dm: string; hasHome: boolean }[];
  conversations: ConversationSummary[];
  /** Items per conversation id, for the acting user. */
  items: Record<string, ConversationItem[]>;
  home: { viewId: string; at: string; html: string } | null;
  modals: {
    viewId: string;
    title: string;
    submit?: string;
    close: string;
    html: string;
    errors?: Record<string, string>;
  }[];
  /** Everything the fake Slack API holds (left out with ?raw=0, which the page uses). */
  raw?: {
    messages: PostedMessage[];
    ephemerals: unknown[];
    views: { userId: string; at: Date; view: Record<string, unknown> }[];
    modals: unknown[];
    files: { id: string; filename: string; title?: string; channel?: string; bytes: number; url: string }[];
    responses: unknown[];
    commands: unknown[];
  };
}

function namesOf(sandbox: SlackSandbox): MentionNames {
  return {
    userName: (id) => sandbox.slack.users.get(id)?.name,
    channelName: (id) => {
      const channel = sandbox.slack.channels.get(id);
      return channel && !channel.isIm ? channel.name : undefined;
    },
  };
}

export function fileUrl(id: string): string {
  return `${FILES_PATH}?id=${encodeURIComponent(id)}`;
}

/** A message: its blocks when it has any (Slack then shows only them), else its text as mrkdwn. */
function messageHtml(text: string | undefined, blocks: unknown[] | undefined, names: MentionNames): string {
  if (blocks && blocks.length > 0) return blocksToHtml(blocks, { names, fileUrl });
  return `<div class="bk bk-section"><div class="bk-section-main"><div class="bk-text-body">${mrkdwnToHtml(text ?? '', names)}</div></div></div>`;
}

function timeOfTs(ts: string): Date {
  return new Date(Math.round(Number(ts.split('.')[0]) * 1000));
}

function conversationItems(sandbox: SlackSandbox, channel: string, userId: string): ConversationItem[] {
  const { slack } = sandbox;
  const names = namesOf(sandbox);
  const items: ConversationItem[] = [];
  for (const message of slack.messagesIn(channel)) {
    items.push({
      kind: 'message',
      key: `m:${message.ts}`,
      at: (message.at ?? timeOfTs(message.ts)).toISOString(),
      visibility: 'everyone',
      author: 'ai-roi',
      html: messageHtml(message.text, message.blocks, names),
      surface: { kind: 'message', channel, ts: message.ts },
      ...(message.updatedAt ? { edited: true } : {}),
      ...(message.threadTs ? { thread: true } : {}),
    });
  }
  slack.ephemerals.forEach((ephemeral, index) => {
    if (ephemeral.channel !== channel || ephemeral.user !== userId) return;
    items.push({
      kind: 'ephemeral',
      key: `e:${index}`,
      at: (ephemeral.at ?? new Date(0)).toISOString(),
      visibility: 'only-you',
      author: 'ai-roi',
      html: messageHtml(ephemeral.text, ephemeral.blocks, names),
    });
  });
  slack.responses.forEach((response, index) => {
    const target = sandbox.responseTarget(response.id);
    if (!target || target.channel !== channel) return;
    const body = response.body;
    const inChannel = body.response_type === 'in_channel';
    if (!inChannel && target.userId !== userId) return;
    if (body.delete_original === true || body.delete_original === 'true') return;
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    items.push({
      kind: 'response',
      key: `r:${index}`,
      at: (response.at ?? new Date(0)).toISOString(),
      visibility: inChannel ? 'everyone' : 'only-you',
      author: 'ai-roi',
      html: messageHtml(typeof body.text === 'string' ? body.text : undefined, blocks, names),
      ...(blocks ? { surface: { kind: 'response', id: response.id } } : {}),
    });
  });
  for (const file of slack.files) {
    if (file.channel !== channel) continue;
    const isImage = /\.(png|jpe?g|gif|svg)$/i.test(file.filename);
    const title = escapeHtml(file.title ?? file.filename);
    const comment = file.initialComment
      ? `<div class="bk-text-body">${mrkdwnToHtml(file.initialComment, names)}</div>`
      : '';
    items.push({
      kind: 'file',
      key: `f:${file.id}`,
      at: (file.at ?? new Date(0)).toISOString(),
      visibility: 'everyone',
      author: 'ai-roi',
      html: `${comment}<figure class="file"><figcaption>${title}</figcaption>${
        isImage
          ? `<a href="${fileUrl(file.id)}" target="_blank"><img src="${fileUrl(file.id)}" alt="${title}"></a>`
          : `<a href="${fileUrl(file.id)}" download="${escapeHtml(file.filename)}">${escapeHtml(file.filename)}</a>`
      }</figure>`,
    });
  }
  for (const command of sandbox.commands) {
    if (command.channel !== channel || command.userId !== userId) continue;
    const failure = command.error
      ? `<div class="command-error">Slack could not deliver this command: ${escapeHtml(command.error)}</div>`
      : '';
    items.push({
      kind: 'command',
      key: `c:${command.id}`,
      at: command.at.toISOString(),
      visibility: 'only-you',
      author: slack.users.get(userId)?.realName ?? userId,
      html: `<code class="typed">/ai-roi ${escapeHtml(command.text)}</code>${failure}`,
    });
  }
  const order: Record<ItemKind, number> = { command: 0, message: 1, file: 2, ephemeral: 3, response: 4 };
  return items.sort((a, b) => a.at.localeCompare(b.at) || order[a.kind] - order[b.kind]);
}

export function buildSnapshot(sandbox: SlackSandbox, actingUser: string, withRaw = true): SandboxSnapshot {
  const { slack } = sandbox;
  sandbox.user(actingUser);
  const names = namesOf(sandbox);
  const users = sandbox.users().map((user) => ({
    id: user.id,
    name: user.name,
    realName: user.realName ?? user.name,
    isAdmin: user.isAdmin === true,
    dm: slack.dmChannelFor(user.id),
    hasHome: slack.lastViewFor(user.id) !== undefined,
  }));
  const channels = [...slack.channels.values()].filter((c) => !c.isIm);
  const conversations: ConversationSummary[] = [
    ...channels.map((c) => ({
      id: c.id,
      name: c.name,
      kind: 'channel' as const,
      botIsMember: c.botIsMember,
      count: slack.messagesIn(c.id).length,
    })),
    ...users.map((u) => ({
      id: u.dm,
      name: u.realName,
      kind: 'dm' as const,
      userId: u.id,
      botIsMember: true,
      count: slack.messagesIn(u.dm).length,
    })),
  ];
  const visible = [...channels.map((c) => c.id), slack.dmChannelFor(actingUser)];
  const items = Object.fromEntries(visible.map((id) => [id, conversationItems(sandbox, id, actingUser)]));

  const published = slack.lastViewFor(actingUser);
  const home = published
    ? {
        viewId: `V${slack.views.lastIndexOf(published) + 1}`,
        at: published.at.toISOString(),
        html: blocksToHtml(Array.isArray(published.view.blocks) ? published.view.blocks : [], {
          names,
          fileUrl,
        }),
      }
    : null;

  const modals = sandbox.modalStack(actingUser).map((modal) => ({
    viewId: modal.viewId,
    title: textObjectToText(modal.view.title) || 'ai-roi',
    ...(modal.view.submit ? { submit: textObjectToText(modal.view.submit) } : {}),
    close: textObjectToText(modal.view.close) || (modal.view.submit ? 'Cancel' : 'Close'),
    html: blocksToHtml(Array.isArray(modal.view.blocks) ? modal.view.blocks : [], { names, fileUrl }),
    ...(modal.errors ? { errors: modal.errors } : {}),
  }));

  const latestViews = users.flatMap((u) => {
    const view = slack.lastViewFor(u.id);
    return view ? [view] : [];
  });
  const snapshot: SandboxSnapshot = {
    actingUser,
    workspace: { team: 'Sandbox', bot: 'ai-roi' },
    users,
    conversations,
    items,
    home,
    modals,
  };
  if (!withRaw) return snapshot;
  snapshot.raw = {
    messages: slack.messages,
    ephemerals: slack.ephemerals,
    views: latestViews,
    modals: slack.modals,
    files: slack.files.map((f) => ({
      id: f.id,
      filename: f.filename,
      ...(f.title ? { title: f.title } : {}),
      ...(f.channel ? { channel: f.channel } : {}),
      bytes: f.bytes.length,
      url: fileUrl(f.id),
    })),
    responses: slack.responses.map((r) => ({ ...r, target: sandbox.responseTarget(r.id) })),
    commands: sandbox.commands,
  };
  return snapshot;
}
