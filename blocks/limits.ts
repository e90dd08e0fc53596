/**
 * Block Kit limits (see /work/shared/reference/platform-rules.md) and a structural validator.
 * The validator walks any payload (message `{ text, blocks }`, a bare block list, or a view) so unit tests
 * and the fake Slack API can both reject what real Slack would reject — or silently truncate.
 */

export const LIMITS = {
  blocks: { message: 50, modal: 100, home: 100 },
  /** chat.postMessage `text`: longer messages are truncated by Slack. */
  messageText: 40_000,
  /** Any plain_text / mrkdwn object, unless a tighter limit applies. */
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  blockId: 255,
  actionId: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  accessibilityLabel: 75,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  optionGroupLabel: 75,
  selectOptions: 100,
  optionGroups: 100,
  overflowOptions: { min: 2, max: 5 },
  radioOptions: 10,
  checkboxOptions: 10,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputLength: 3000,
  imageAltText: 2000,
  imageTitle: 2000,
  confirm: { title: 100, text: 300, confirm: 30, deny: 30 },
  view: { title: 24, submit: 24, close: 24, privateMetadata: 3000, callbackId: 255, externalId: 255 },
  /** views.* reject views above 250 kB (`view_too_large`). */
  viewBytes: 250_000,
} as const;

export type Surface = 'message' | 'modal' | 'home';

export interface Violation {
  /** JSON-ish path of the offending node, e.g. `blocks[3].elements[1].text.text`. */
  path: string;
  /** Stable rule name, e.g. `button.text.max`, `block_id.duplicate`. */
  rule: string;
  message: string;
  limit?: number;
  actual?: number;
}

const ELLIPSIS = '…';

/**
 * Shortens `text` to at most `max` UTF-16 units (Slack's own counting unit or stricter), ending with an
 * ellipsis when something was cut. Never splits a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return `${prefix(text, max - ELLIPSIS.length).trimEnd()}${ELLIPSIS}`;
}

/**
 * Like `truncate`, for mrkdwn that is already escaped: never leaves half an entity (`&am`) or half a
 * link/mention (`<https://…`) behind, and drops a dangling inline-code backtick.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let out = prefix(text, max - ELLIPSIS.length)
    .replace(/&[a-z]*$/i, '')
    .replace(/<[^>]*$/, '');
  if ((out.match(/`/g)?.length ?? 0) % 2 === 1) out = out.replace(/`([^`]*)$/, '$1');
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/** The longest prefix of at most `max` UTF-16 units that does not split a surrogate pair. */
function prefix(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Validator

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const INTERACTIVE_TYPES = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'number_input',
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'url_text_input',
  'workflow_button',
]);

const VIEW_TYPES = new Set(['modal', 'home', 'workflow_step']);

class Checker {
  readonly violations: Violation[] = [];

  add(path: string, rule: string, message: string, limit?: number, actual?: number): void {
    const v: Violation = { path, rule, message };
    if (limit !== undefined) v.limit = limit;
    if (actual !== undefined) v.actual = actual;
    this.violations.push(v);
  }

  max(path: string, rule: string, value: unknown, limit: number): void {
    if (typeof value === 'string' && value.length > limit) {
      this.add(
        path,
        rule,
        `${path} is ${value.length} characters; the limit is ${limit}`,
        limit,
        value.length,
      );
    }
  }

  count(path: string, rule: string, value: unknown, limit: number, min = 0): void {
    if (!Array.isArray(value)) return;
    if (value.length > limit) {
      this.add(path, rule, `${path} has ${value.length} items; the limit is ${limit}`, limit, value.length);
    } else if (value.length < min) {
      this.add(
        path,
        `${rule.replace(/\.max$/, '')}.min`,
        `${path} needs at least ${min} items`,
        min,
        value.length,
      );
    }
  }

  /** A text object: `{ type: plain_text|mrkdwn, text }`, 1..limit characters. */
  text(path: string, rule: string, value: unknown, limit: number, plainOnly = false): void {
    if (value === undefined) return;
    if (!isObject(value) || typeof value.text !== 'string') {
      this.add(path, `${rule}.shape`, `${path} must be a text object`);
      return;
    }
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
      this.add(path, `${rule}.type`, `${path}.type must be plain_text or mrkdwn`);
    } else if (plainOnly && value.type !== 'plain_text') {
      this.add(path, `${rule}.type`, `${path} must be plain_text`);
    }
    if (value.text.length === 0)
      this.add(`${path}.text`, `${rule}.empty`, `${path}.text must not be empty`, 1, 0);
    this.max(`${path}.text`, `${rule}.max`, value.text, limit);
  }
}

export interface LimitOptions {
  /**
   * Also require every action_id to be unique across the whole surface (Slack itself only requires
   * uniqueness within a block; our listeners tell blocks apart by block_id).
   */
  uniqueActionIdsAcrossSurface?: boolean;
}

/**
 * Returns every Block Kit limit the payload breaks (empty when it is valid as far as we check).
 * Accepts a bare block list, a message (`{ text?, blocks }`) or a view (`{ type: 'modal'|'home', … }`).
 */
export function assertBlockKitLimits(
  input: unknown,
  surface: Surface,
  options: LimitOptions = {},
): Violation[] {
  const c = new Checker();
  // Web API clients send `blocks` and `view` as JSON strings inside form bodies; accept them as they arrive.
  const payload = parseJsonString(c, '', input);
  let blocks: unknown;
  if (Array.isArray(payload)) {
    blocks = payload;
  } else if (isObject(payload)) {
    blocks = parseJsonString(c, 'blocks', payload.blocks);
    const normalised = { ...payload, blocks };
    if (typeof payload.type === 'string' && VIEW_TYPES.has(payload.type)) checkView(c, normalised, surface);
    else if (surface === 'message') checkMessage(c, normalised);
  } else {
    if (c.violations.length === 0)
      c.add('', 'payload.shape', 'payload must be a block list, a message or a view');
    return c.violations;
  }
  if (c.violations.some((v) => v.rule === 'json.invalid')) return c.violations;
  if (blocks === undefined && surface === 'message') return c.violations;
  if (!Array.isArray(blocks)) {
    c.add('blocks', 'blocks.shape', 'blocks must be an array');
    return c.violations;
  }
  c.count('blocks', 'blocks.max', blocks, LIMITS.blocks[surface]);

  const blockIds = new Map<string, number>();
  /** action_id → indexes of the blocks that use it. */
  const actionIdBlocks = new Map<string, number[]>();
  /** The same, for blocks without a block_id (a listener cannot tell such blocks apart). */
  const anonymousActionIds = new Map<string, number[]>();

  blocks.forEach((block, i) => {
    const path = `blocks[${i}]`;
    if (!isObject(block) || typeof block.type !== 'string') {
      c.add(path, 'block.shape', `${path} must be an object with a type`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length === 0) {
        c.add(`${path}.block_id`, 'block_id.shape', `${path}.block_id must be a non-empty string`);
      } else {
        c.max(`${path}.block_id`, 'block_id.max', block.block_id, LIMITS.blockId);
        const seen = blockIds.get(block.block_id);
        if (seen !== undefined) {
          c.add(
            `${path}.block_id`,
            'block_id.duplicate',
            `block_id "${block.block_id}" repeats blocks[${seen}]`,
          );
        } else blockIds.set(block.block_id, i);
      }
    }
    const actionIds = checkBlock(c, block, path, surface);
    const seenInBlock = new Set<string>();
    for (const id of actionIds) {
      if (seenInBlock.has(id)) {
        c.add(path, 'action_id.duplicate_in_block', `action_id "${id}" appears twice in ${path}`);
      }
      seenInBlock.add(id);
      const list = actionIdBlocks.get(id) ?? [];
      list.push(i);
      actionIdBlocks.set(id, list);
      if (block.block_id === undefined) {
        const anon = anonymousActionIds.get(id) ?? [];
        anon.push(i);
        anonymousActionIds.set(id, anon);
      }
    }
  });

  for (const [id, where] of anonymousActionIds) {
    const all = new Set(actionIdBlocks.get(id));
    if (all.size > 1 && where.length > 0) {
      c.add(
        `blocks[${where[0]}]`,
        'action_id.ambiguous',
        `action_id "${id}" is used in ${all.size} blocks and blocks[${where[0]}] has no block_id to tell them apart`,
      );
    }
  }
  if (options.uniqueActionIdsAcrossSurface) {
    for (const [id, where] of actionIdBlocks) {
      const distinct = [...new Set(where)];
      if (distinct.length > 1) {
        c.add(
          `blocks[${distinct[1]}]`,
          'action_id.duplicate_in_surface',
          `action_id "${id}" is used in blocks ${distinct.join(', ')}`,
        );
      }
    }
  }
  return c.violations;
}

function parseJsonString(c: Checker, path: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    c.add(path, 'json.invalid', `${path || 'payload'} is a string but not valid JSON`);
    return undefined;
  }
}

/** One line per violation, for assertion messages and logs. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.rule} at ${v.path || '(root)'}: ${v.message}`).join('\n');
}

function checkMessage(c: Checker, message: Json): void {
  const text = message.text;
  if (text !== undefined && typeof text !== 'string') c.add('text', 'text.shape', 'text must be a string');
  c.max('text', 'text.max', text, LIMITS.messageText);
  if (Array.isArray(message.blocks) && (typeof text !== 'string' || text.trim() === '')) {
    c.add(
      'text',
      'text.missing',
      'messages with blocks need a text fallback (notifications, screen readers)',
    );
  }
}

function checkView(c: Checker, view: Json, surface: Surface): void {
  if (view.type === 'modal' && surface !== 'modal') {
    c.add('type', 'view.surface', `a modal view was checked as ${surface}`);
  }
  if (view.type === 'home' && surface !== 'home')
    c.add('type', 'view.surface', `a home view was checked as ${surface}`);
  if (view.type === 'modal') {
    if (view.title === undefined) c.add('title', 'view.title.missing', 'modals need a title');
    c.text('title', 'view.title', view.title, LIMITS.view.title, true);
    c.text('submit', 'view.submit', view.submit, LIMITS.view.submit, true);
    c.text('close', 'view.close', view.close, LIMITS.view.close, true);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      c.add('submit', 'view.submit.missing', 'modals with input blocks need a submit button');
    }
  }
  if (view.private_metadata !== undefined && typeof view.private_metadata !== 'string') {
    c.add('private_metadata', 'view.private_metadata.shape', 'private_metadata must be a string');
  }
  c.max('private_metadata', 'view.private_metadata.max', view.private_metadata, LIMITS.view.privateMetadata);
  c.max('callback_id', 'view.callback_id.max', view.callback_id, LIMITS.view.callbackId);
  c.max('external_id', 'view.external_id.max', view.external_id, LIMITS.view.externalId);
  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > LIMITS.viewBytes) {
    c.add(
      '',
      'view.size.max',
      `view is ${bytes} bytes; the limit is ${LIMITS.viewBytes}`,
      LIMITS.viewBytes,
      bytes,
    );
  }
}

/** Validates one block and returns the action_ids of the interactive elements it holds. */
function checkBlock(c: Checker, block: Json, path: string, surface: Surface): string[] {
  const ids: string[] = [];
  const element = (value: unknown, p: string) => {
    const id = checkElement(c, value, p);
    if (id !== undefined) ids.push(id);
  };
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        c.add(path, 'section.empty', `${path} needs text or fields`);
      }
      c.text(`${path}.text`, 'section.text', block.text, LIMITS.sectionText);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields))
          c.add(`${path}.fields`, 'section.fields.shape', 'fields must be an array');
        else {
          c.count(`${path}.fields`, 'section.fields.max', block.fields, LIMITS.sectionFields, 1);
          block.fields.forEach((f, j) => {
            c.text(`${path}.fields[${j}]`, 'section.field', f, LIMITS.sectionFieldText);
          });
        }
      }
      if (block.accessory !== undefined) element(block.accessory, `${path}.accessory`);
      break;
    }
    case 'header':
      if (block.text === undefined) c.add(path, 'header.text.missing', `${path} needs text`);
      c.text(`${path}.text`, 'header.text', block.text, LIMITS.headerText, true);
      break;
    case 'context': {
      if (!Array.isArray(block.elements)) {
        c.add(`${path}.elements`, 'context.elements.shape', 'context elements must be an array');
        break;
      }
      c.count(`${path}.elements`, 'context.elements.max', block.elements, LIMITS.contextElements, 1);
      block.elements.forEach((e, j) => {
        const p = `${path}.elements[${j}]`;
        if (isObject(e) && e.type === 'image') checkImageElement(c, e, p);
        else c.text(p, 'context.element', e, LIMITS.textObject);
      });
      break;
    }
    case 'actions': {
      if (!Array.isArray(block.elements)) {
        c.add(`${path}.elements`, 'actions.elements.shape', 'actions elements must be an array');
        break;
      }
      c.count(`${path}.elements`, 'actions.elements.max', block.elements, LIMITS.actionsElements, 1);
      block.elements.forEach((e, j) => {
        element(e, `${path}.elements[${j}]`);
      });
      break;
    }
    case 'input': {
      if (block.label === undefined) c.add(path, 'input.label.missing', `${path} needs a label`);
      c.text(`${path}.label`, 'input.label', block.label, LIMITS.inputLabel, true);
      c.text(`${path}.hint`, 'input.hint', block.hint, LIMITS.inputHint, true);
      if (block.element === undefined) c.add(path, 'input.element.missing', `${path} needs an element`);
      else element(block.element, `${path}.element`);
      if (surface === 'home') c.add(path, 'input.surface', 'input blocks are for modals and messages');
      break;
    }
    case 'image':
      checkImageElement(c, block, path);
      c.text(`${path}.title`, 'image.title', block.title, LIMITS.imageTitle, true);
      break;
    case 'divider':
    case 'rich_text':
    case 'markdown':
    case 'file':
    case 'video':
    case 'table':
      break;
    default:
      break;
  }
  return ids;
}

function checkImageElement(c: Checker, image: Json, path: string): void {
  if (typeof image.alt_text !== 'string' || image.alt_text.length === 0) {
    c.add(`${path}.alt_text`, 'image.alt_text.missing', `${path} needs alt_text`);
  }
  c.max(`${path}.alt_text`, 'image.alt_text.max', image.alt_text, LIMITS.imageAltText);
  c.max(`${path}.image_url`, 'image.url.max', image.image_url, LIMITS.url);
  if (image.image_url === undefined && image.slack_file === undefined) {
    c.add(path, 'image.source.missing', `${path} needs image_url or slack_file`);
  }
}

/** Validates an interactive element (or an image accessory) and returns its action_id. */
function checkElement(c: Checker, el: unknown, path: string): string | undefined {
  if (!isObject(el) || typeof el.type !== 'string') {
    c.add(path, 'element.shape', `${path} must be an object with a type`);
    return undefined;
  }
  if (el.type === 'image') {
    checkImageElement(c, el, path);
    return undefined;
  }
  if (!INTERACTIVE_TYPES.has(el.type)) return undefined;
  let actionId: string | undefined;
  if (el.action_id !== undefined) {
    if (typeof el.action_id !== 'string' || el.action_id.length === 0) {
      c.add(`${path}.action_id`, 'action_id.shape', `${path}.action_id must be a non-empty string`);
    } else {
      c.max(`${path}.action_id`, 'action_id.max', el.action_id, LIMITS.actionId);
      actionId = el.action_id;
    }
  }
  if (el.confirm !== undefined) checkConfirm(c, el.confirm, `${path}.confirm`);
  c.text(`${path}.placeholder`, 'placeholder', el.placeholder, LIMITS.placeholder, true);

  switch (el.type) {
    case 'button':
    case 'workflow_button':
      if (el.text === undefined) c.add(path, 'button.text.missing', `${path} needs text`);
      c.text(`${path}.text`, 'button.text', el.text, LIMITS.buttonText, true);
      c.max(`${path}.value`, 'button.value.max', el.value, LIMITS.buttonValue);
      c.max(`${path}.url`, 'button.url.max', el.url, LIMITS.url);
      c.max(`${path}.accessibility_label`, 'button.accessibility_label.max', el.accessibility_label, 75);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
        c.add(`${path}.style`, 'button.style', `${path}.style must be primary or danger`);
      }
      break;
    case 'static_select':
    case 'multi_static_select': {
      const hasOptions = el.options !== undefined;
      const hasGroups = el.option_groups !== undefined;
      if (hasOptions === hasGroups) {
        c.add(path, 'select.options.exclusive', `${path} needs exactly one of options or option_groups`);
      }
      const all: Json[] = [];
      if (Array.isArray(el.options)) {
        c.count(`${path}.options`, 'select.options.max', el.options, LIMITS.selectOptions, 1);
        checkOptions(c, el.options, `${path}.options`, all);
      }
      if (Array.isArray(el.option_groups)) {
        c.count(
          `${path}.option_groups`,
          'select.option_groups.max',
          el.option_groups,
          LIMITS.optionGroups,
          1,
        );
        el.option_groups.forEach((g, j) => {
          const gp = `${path}.option_groups[${j}]`;
          if (!isObject(g)) return;
          c.text(`${gp}.label`, 'option_group.label', g.label, LIMITS.optionGroupLabel, true);
          c.count(`${gp}.options`, 'select.options.max', g.options, LIMITS.selectOptions, 1);
          if (Array.isArray(g.options)) checkOptions(c, g.options, `${gp}.options`, all);
        });
      }
      checkInitialOptions(c, el, path, all);
      break;
    }
    case 'external_select':
    case 'multi_external_select':
      if (el.initial_option !== undefined) checkOptions(c, [el.initial_option], `${path}.initial_option`, []);
      if (
        el.min_query_length !== undefined &&
        (typeof el.min_query_length !== 'number' || el.min_query_length < 0)
      ) {
        c.add(`${path}.min_query_length`, 'external_select.min_query_length', 'min_query_length must be ≥ 0');
      }
      break;
    case 'overflow': {
      const { min, max } = LIMITS.overflowOptions;
      c.count(`${path}.options`, 'overflow.options.max', el.options, max, min);
      if (Array.isArray(el.options)) checkOptions(c, el.options, `${path}.options`, [], true);
      else c.add(`${path}.options`, 'overflow.options.shape', 'overflow needs options');
      break;
    }
    case 'radio_buttons':
    case 'checkboxes': {
      const limit = el.type === 'radio_buttons' ? LIMITS.radioOptions : LIMITS.checkboxOptions;
      const all: Json[] = [];
      c.count(`${path}.options`, `${el.type}.options.max`, el.options, limit, 1);
      if (Array.isArray(el.options)) checkOptions(c, el.options, `${path}.options`, all, false, true);
      checkInitialOptions(c, el, path, all);
      break;
    }
    case 'plain_text_input': {
      const maxLen = el.max_length;
      const minLen = el.min_length;
      if (typeof maxLen === 'number' && (maxLen < 1 || maxLen > LIMITS.plainTextInputLength)) {
        c.add(
          `${path}.max_length`,
          'plain_text_input.max_length',
          `max_length must be 1..3000`,
          3000,
          maxLen,
        );
      }
      if (typeof minLen === 'number' && (minLen < 0 || minLen > LIMITS.plainTextInputLength)) {
        c.add(
          `${path}.min_length`,
          'plain_text_input.min_length',
          `min_length must be 0..3000`,
          3000,
          minLen,
        );
      }
      if (typeof minLen === 'number' && typeof maxLen === 'number' && minLen > maxLen) {
        c.add(path, 'plain_text_input.range', 'min_length exceeds max_length');
      }
      if (typeof el.initial_value === 'string') {
        c.max(
          `${path}.initial_value`,
          'plain_text_input.initial_value.max',
          el.initial_value,
          typeof maxLen === 'number' ? maxLen : LIMITS.plainTextInputLength,
        );
      }
      break;
    }
    default:
      break;
  }
  return actionId;
}

function checkOptions(
  c: Checker,
  options: unknown[],
  path: string,
  collect: Json[],
  allowUrl = false,
  allowMrkdwn = false,
): void {
  const values = new Set<string>();
  options.forEach((o, j) => {
    const p = `${path}[${j}]`;
    if (!isObject(o)) {
      c.add(p, 'option.shape', `${p} must be an option object`);
      return;
    }
    collect.push(o);
    c.text(`${p}.text`, 'option.text', o.text, LIMITS.optionText, !allowMrkdwn);
    c.text(`${p}.description`, 'option.description', o.description, LIMITS.optionDescription, true);
    if (typeof o.value === 'string') {
      c.max(`${p}.value`, 'option.value.max', o.value, LIMITS.optionValue);
      if (values.has(o.value))
        c.add(`${p}.value`, 'option.value.duplicate', `option value "${o.value}" repeats`);
      values.add(o.value);
    } else if (o.url === undefined) {
      c.add(`${p}.value`, 'option.value.missing', `${p} needs a value`);
    }
    if (o.url !== undefined) {
      if (!allowUrl)
        c.add(`${p}.url`, 'option.url.context', 'option urls are only allowed in overflow menus');
      c.max(`${p}.url`, 'option.url.max', o.url, LIMITS.url);
    }
  });
}

function checkInitialOptions(c: Checker, el: Json, path: string, all: Json[]): void {
  const initial = [
    ...(el.initial_option !== undefined ? [el.initial_option] : []),
    ...(Array.isArray(el.initial_options) ? el.initial_options : []),
  ];
  for (const o of initial) {
    if (!isObject(o)) continue;
    const match = all.some(
      (a) => a.value === o.value && isObject(a.text) && isObject(o.text) && a.text.text === o.text.text,
    );
    if (!match) {
      c.add(
        `${path}.initial_option`,
        'select.initial_option.unknown',
        'initial option must equal one of the options',
      );
    }
  }
}

function checkConfirm(c: Checker, confirm: unknown, path: string): void {
  if (!isObject(confirm)) {
    c.add(path, 'confirm.shape', `${path} must be an object`);
    return;
  }
  if (confirm.text === undefined) c.add(path, 'confirm.text.missing', `${path} needs text`);
  c.text(`${path}.title`, 'confirm.title', confirm.title, LIMITS.confirm.title, true);
  c.text(`${path}.text`, 'confirm.text', confirm.text, LIMITS.confirm.text);
  c.text(`${path}.confirm`, 'confirm.confirm', confirm.confirm, LIMITS.confirm.confirm, true);
  c.text(`${path}.deny`, 'confirm.deny', confirm.deny, LIMITS.confirm.deny, true);
}
