/**
 * The request bodies Slack sends to an app, built from what the sandbox holds: slash commands (form fields),
 * block_actions, view_submission and block_suggestion (a form field `payload` with JSON), and Events API
 * callbacks (JSON). Pure: no clock reads except through arguments, no I/O.
 *
 * Shapes follow api.slack.com's interaction payload reference: the clicked element is found in the stored
 * blocks by block index and action_id, so `value`, `selected_option`, `block_id` and `text` are what the app
 * itself put there (as with Slack, a page cannot forge them).
 */
import { isObject, type Json, optionList, str } from './block-kit-json.ts';

export interface SandboxWorkspace {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
}

export interface SandboxActor {
  id: string;
  name: string;
}

/** What a clicked element lives in. */
export type ActionContainer =
  | { kind: 'message'; channel: string; channelName: string; ts: string; text?: string; blocks: unknown[] }
  /** A respond() answer (ephemeral or in_channel) that has blocks: Slack sends no message body for these. */
  | { kind: 'ephemeral'; channel: string; channelName: string; ts: string; blocks: unknown[] }
  | { kind: 'view'; viewId: string; view: Json };

/** Raw input values from the page, keyed by block index then action_id. */
export type RawInputValues = Record<string, Record<string, RawInputValue>>;

export interface RawInputValue {
  /** Text inputs; the chosen option's value for single selects and radio buttons. */
  value?: string | null;
  /** external_select: the label of the chosen option (the page got it from block_suggestion). */
  label?: string;
  /** Checkboxes and multi-selects. */
  values?: string[];
}

export class InteractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InteractionError';
  }
}

/** Slack gives every block a block_id (random when the app set none); ours are stable per position. */
export function blockIdOf(block: unknown, index: number): string {
  return (isObject(block) && str(block.block_id)) || `sbx_${index}`;
}

/** The blocks as Slack echoes them in payloads: every block with its block_id. */
export function withBlockIds(blocks: readonly unknown[]): unknown[] {
  return blocks.map((block, index) =>
    isObject(block) ? { ...block, block_id: blockIdOf(block, index) } : block,
  );
}

/** The interactive element with this action_id in a block (actions elements, accessory or input element). */
export function findElement(
  blocks: readonly unknown[],
  blockIndex: number,
  actionId: string,
): Json | undefined {
  const block = blocks[blockIndex];
  if (!isObject(block)) return undefined;
  const candidates: unknown[] = [
    ...(Array.isArray(block.elements) ? block.elements : []),
    block.accessory,
    block.element,
  ];
  return candidates.find((el): el is Json => isObject(el) && el.action_id === actionId);
}

/** Slack's action_ts: seconds with microseconds, as a string. */
export function actionTs(at: Date): string {
  return (at.getTime() / 1000).toFixed(6);
}

/** The `actions[0]` entry for a click on an element (and the chosen option for menus). */
export function buildAction(
  element: Json,
  blockId: string,
  at: Date,
  option?: string,
  externalOption?: { value: string; label: string },
): Json {
  const base: Json = {
    type: element.type,
    action_id: element.action_id,
    block_id: blockId,
    action_ts: actionTs(at),
  };
  switch (element.type) {
    case 'button':
      return {
        ...base,
        text: element.text,
        ...(element.value !== undefined ? { value: element.value } : {}),
        ...(element.style !== undefined ? { style: element.style } : {}),
      };
    case 'overflow':
    case 'static_select':
    case 'radio_buttons': {
      const chosen = optionList(element).find((o) => o.value === option);
      if (!chosen) throw new InteractionError(`"${option ?? ''}" is not one of this menu's options`);
      return {
        ...base,
        selected_option: chosen,
        ...(element.placeholder !== undefined ? { placeholder: element.placeholder } : {}),
      };
    }
    case 'external_select': {
      if (!externalOption) throw new InteractionError('external_select needs the chosen option');
      return {
        ...base,
        selected_option: {
          text: { type: 'plain_text', text: externalOption.label },
          value: externalOption.value,
        },
      };
    }
    default:
      throw new InteractionError(
        `Clicking a ${String(element.type)} element is not supported by the sandbox`,
      );
  }
}

function typedValue(element: Json, raw: RawInputValue | undefined): Json {
  const type = element.type;
  const options = optionList(element);
  if (type === 'plain_text_input') {
    const value = raw ? raw.value : str(element.initial_value);
    return { type, value: value === undefined || value === '' ? null : value };
  }
  if (type === 'radio_buttons' || type === 'static_select') {
    const chosen = raw
      ? options.find((o) => o.value === raw.value)
      : isObject(element.initial_option)
        ? element.initial_option
        : undefined;
    return { type, selected_option: chosen ?? null };
  }
  if (type === 'external_select') {
    if (raw?.value) {
      return {
        type,
        selected_option: {
          text: { type: 'plain_text', text: raw.label ?? raw.value, emoji: true },
          value: raw.value,
        },
      };
    }
    const initial = !raw && isObject(element.initial_option) ? element.initial_option : null;
    return { type, selected_option: initial };
  }
  if (type === 'checkboxes' || type === 'multi_static_select') {
    const chosen = raw?.values
      ? options.filter((o) => raw.values?.includes(String(o.value)))
      : Array.isArray(element.initial_options)
        ? element.initial_options
        : [];
    return { type, selected_options: chosen };
  }
  return { type, value: raw?.value ?? null };
}

const isEmpty = (typed: Json) =>
  typed.value === null ||
  typed.selected_option === null ||
  (Array.isArray(typed.selected_options) && typed.selected_options.length === 0);

/**
 * `view.state.values` from the page's inputs; elements the page did not send keep their initial value.
 * Returns the required inputs left empty too (Slack's client refuses to submit those, so the sandbox does).
 */
export function buildStateValues(
  blocks: readonly unknown[],
  raw: RawInputValues = {},
): { values: Record<string, Record<string, Json>>; missing: Record<string, string> } {
  const values: Record<string, Record<string, Json>> = {};
  const missing: Record<string, string> = {};
  blocks.forEach((block, index) => {
    if (!isObject(block) || block.type !== 'input' || !isObject(block.element)) return;
    const element = block.element;
    const actionId = str(element.action_id) ?? `sbx_action_${index}`;
    const blockId = blockIdOf(block, index);
    const typed = typedValue(element, raw[String(index)]?.[actionId]);
    values[blockId] = { [actionId]: typed };
    if (block.optional !== true && isEmpty(typed)) missing[blockId] = 'Please fill out this required field.';
  });
  return { values, missing };
}

function userObject(actor: SandboxActor, workspace: SandboxWorkspace): Json {
  return { id: actor.id, username: actor.name, name: actor.name, team_id: workspace.teamId };
}

/** A view as Slack echoes it in payloads (ids, state, hash and the app's own fields). */
export function viewPayload(
  viewId: string,
  view: Json,
  workspace: SandboxWorkspace,
  state: Json = { values: {} },
): Json {
  return {
    id: viewId,
    team_id: workspace.teamId,
    type: view.type,
    blocks: withBlockIds(Array.isArray(view.blocks) ? view.blocks : []),
    private_metadata: str(view.private_metadata) ?? '',
    callback_id: str(view.callback_id) ?? '',
    state,
    hash: `${viewId}.sandbox`,
    title: view.title ?? { type: 'plain_text', text: 'ai-roi' },
    clear_on_close: view.clear_on_close === true,
    notify_on_close: view.notify_on_close === true,
    close: view.close ?? null,
    submit: view.submit ?? null,
    previous_view_id: null,
    root_view_id: viewId,
    app_id: workspace.appId,
    external_id: str(view.external_id) ?? '',
    app_installed_team_id: workspace.teamId,
    bot_id: workspace.botId,
  };
}

export interface BlockActionsInput {
  workspace: SandboxWorkspace;
  actor: SandboxActor;
  container: ActionContainer;
  blockIndex: number;
  actionId: string;
  option?: string;
  externalOption?: { value: string; label: string };
  /** Current inputs of a modal (Slack sends view.state with every action in a view). */
  inputs?: RawInputValues;
  triggerId: string;
  /** Only message containers get one, as in Slack. */
  responseUrl?: string;
  at: Date;
}

export function buildBlockActionsPayload(input: BlockActionsInput): Json {
  const { workspace, actor, container } = input;
  const blocks =
    container.kind === 'view'
      ? Array.isArray(container.view.blocks)
        ? container.view.blocks
        : []
      : container.blocks;
  const element = findElement(blocks, input.blockIndex, input.actionId);
  if (!element) {
    throw new InteractionError(
      `No element with action_id "${input.actionId}" in block ${input.blockIndex}; the surface may have changed`,
    );
  }
  const blockId = blockIdOf(blocks[input.blockIndex], input.blockIndex);
  const payload: Json = {
    type: 'block_actions',
    user: userObject(actor, workspace),
    api_app_id: workspace.appId,
    token: 'sandbox-verification-token',
    trigger_id: input.triggerId,
    team: { id: workspace.teamId, domain: workspace.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    actions: [buildAction(element, blockId, input.at, input.option, input.externalOption)],
  };
  if (container.kind === 'view') {
    const state = { values: buildStateValues(blocks, input.inputs).values };
    payload.container = { type: 'view', view_id: container.viewId };
    payload.view = viewPayload(container.viewId, container.view, workspace, state);
    return payload;
  }
  payload.container = {
    type: 'message',
    message_ts: container.ts,
    channel_id: container.channel,
    is_ephemeral: container.kind === 'ephemeral',
  };
  payload.channel = { id: container.channel, name: container.channelName };
  payload.state = { values: {} };
  if (container.kind === 'message') {
    payload.message = {
      type: 'message',
      subtype: 'bot_message',
      user: workspace.botUserId,
      bot_id: workspace.botId,
      ts: container.ts,
      text: container.text ?? '',
      blocks: withBlockIds(container.blocks),
    };
  }
  if (input.responseUrl) payload.response_url = input.responseUrl;
  return payload;
}

export interface ViewSubmissionInput {
  workspace: SandboxWorkspace;
  actor: SandboxActor;
  viewId: string;
  view: Json;
  inputs?: RawInputValues;
  triggerId: string;
}

export function buildViewSubmissionPayload(input: ViewSubmissionInput): {
  payload: Json;
  missing: Record<string, string>;
} {
  const blocks = Array.isArray(input.view.blocks) ? input.view.blocks : [];
  const { values, missing } = buildStateValues(blocks, input.inputs);
  return {
    missing,
    payload: {
      type: 'view_submission',
      team: { id: input.workspace.teamId, domain: input.workspace.teamDomain },
      user: userObject(input.actor, input.workspace),
      api_app_id: input.workspace.appId,
      token: 'sandbox-verification-token',
      trigger_id: input.triggerId,
      view: viewPayload(input.viewId, input.view, input.workspace, { values }),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    },
  };
}

export function buildBlockSuggestionPayload(input: {
  workspace: SandboxWorkspace;
  actor: SandboxActor;
  viewId: string;
  view: Json;
  blockIndex: number;
  actionId: string;
  query: string;
}): Json {
  const blocks = Array.isArray(input.view.blocks) ? input.view.blocks : [];
  if (!findElement(blocks, input.blockIndex, input.actionId)) {
    throw new InteractionError(`No element with action_id "${input.actionId}" in block ${input.blockIndex}`);
  }
  return {
    type: 'block_suggestion',
    user: userObject(input.actor, input.workspace),
    container: { type: 'view', view_id: input.viewId },
    api_app_id: input.workspace.appId,
    token: 'sandbox-verification-token',
    action_id: input.actionId,
    block_id: blockIdOf(blocks[input.blockIndex], input.blockIndex),
    value: input.query,
    team: { id: input.workspace.teamId, domain: input.workspace.teamDomain },
    view: viewPayload(input.viewId, input.view, input.workspace),
  };
}

/** Slash command form fields, as Slack posts them. */
export function buildSlashCommandForm(input: {
  workspace: SandboxWorkspace;
  actor: SandboxActor;
  command: string;
  text: string;
  channel: string;
  channelName: string;
  responseUrl: string;
  triggerId: string;
}): URLSearchParams {
  return new URLSearchParams({
    token: 'sandbox-verification-token',
    team_id: input.workspace.teamId,
    team_domain: input.workspace.teamDomain,
    channel_id: input.channel,
    channel_name: input.channelName,
    user_id: input.actor.id,
    user_name: input.actor.name,
    command: input.command,
    text: input.text,
    api_app_id: input.workspace.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  });
}

/** An Events API callback wrapping one event. */
export function buildEventCallback(
  workspace: SandboxWorkspace,
  event: Json,
  eventId: string,
  at: Date,
): Json {
  return {
    token: 'sandbox-verification-token',
    team_id: workspace.teamId,
    api_app_id: workspace.appId,
    event: { ...event, event_ts: actionTs(at) },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(at.getTime() / 1000),
    authorizations: [
      { team_id: workspace.teamId, user_id: workspace.botUserId, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  };
}

/**
 * Slash-command text as Slack delivers it with "Escape channels, users, and links" on: & < > escaped, and
 * `@name` / `#channel` typed in the box turned into `<@U…|name>` / `<#C…|name>` (Slack's autocomplete does
 * that in a real client).
 */
export function escapeCommandText(
  text: string,
  lookup: { userByName(name: string): string | undefined; channelByName(name: string): string | undefined },
): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(
    /(^|\s)([@#])([a-z0-9][\w.-]*)/gi,
    (match, lead: string, sigil: string, name: string) => {
      const id = sigil === '@' ? lookup.userByName(name) : lookup.channelByName(name);
      if (!id) return match;
      return `${lead}<${sigil}${id}|${name}>`;
    },
  );
}
