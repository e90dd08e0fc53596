/**
 * Typed constructors for the few block shapes the builders use. Each one clamps its text to the Block Kit
 * limit, so a long team name or branch shortens with an ellipsis instead of making Slack reject the post.
 */
import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  PlainTextElement,
  PlainTextOption,
  SectionBlock,
  SectionBlockAccessory,
} from '@slack/types';
import { LIMITS, truncate, truncateMrkdwn } from './limits.ts';

export function plain(text: string, max: number = LIMITS.textObject): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max) || ' ', emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.textObject): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text, max) || ' ' };
}

export function header(text: string, blockId?: string): HeaderBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText), ...(blockId ? { block_id: blockId } : {}) };
}

export function section(
  text: string,
  options: { blockId?: string; accessory?: SectionBlockAccessory; fields?: string[] } = {},
): SectionBlock {
  const block: SectionBlock = { type: 'section', text: mrkdwn(text, LIMITS.sectionText) };
  if (options.fields && options.fields.length > 0) {
    block.fields = options.fields
      .slice(0, LIMITS.sectionFields)
      .map((f) => mrkdwn(f, LIMITS.sectionFieldText));
  }
  if (options.accessory) block.accessory = options.accessory;
  if (options.blockId) block.block_id = options.blockId;
  return block;
}

export function fieldsSection(fields: string[], blockId?: string): SectionBlock {
  const block: SectionBlock = {
    type: 'section',
    fields: fields.slice(0, LIMITS.sectionFields).map((f) => mrkdwn(f, LIMITS.sectionFieldText)),
  };
  if (blockId) block.block_id = blockId;
  return block;
}

export function context(texts: string[], blockId?: string): ContextBlock {
  const block: ContextBlock = {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)),
  };
  if (blockId) block.block_id = blockId;
  return block;
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function actions(elements: ActionsBlockElement[], blockId?: string): ActionsBlock {
  const block: ActionsBlock = { type: 'actions', elements: elements.slice(0, LIMITS.actionsElements) };
  if (blockId) block.block_id = blockId;
  return block;
}

export function button(
  text: string,
  actionId: string,
  options: { value?: string; style?: 'primary' | 'danger'; url?: string; confirm?: ConfirmationDialog } = {},
): Button {
  const b: Button = { type: 'button', text: plain(text, LIMITS.buttonText), action_id: actionId };
  if (options.value !== undefined) b.value = options.value;
  if (options.style) b.style = options.style;
  if (options.url) b.url = options.url;
  if (options.confirm) b.confirm = options.confirm;
  return b;
}

export function option(text: string, value: string, description?: string): PlainTextOption {
  const o: PlainTextOption = { text: plain(text, LIMITS.optionText), value };
  if (description) o.description = plain(description, LIMITS.optionDescription);
  return o;
}

export function confirmDialog(
  title: string,
  text: string,
  confirm: string,
  deny = 'Cancel',
  style?: 'primary' | 'danger',
): ConfirmationDialog {
  const dialog: ConfirmationDialog = {
    title: plain(title, LIMITS.confirm.title),
    text: mrkdwn(text, LIMITS.confirm.text),
    confirm: plain(confirm, LIMITS.confirm.confirm),
    deny: plain(deny, LIMITS.confirm.deny),
  };
  if (style) dialog.style = style;
  return dialog;
}

/** What chat.postMessage / chat.update / respond take from a builder: blocks plus the notification text. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}
