/**
 * Block Kit → HTML for the sandbox viewer. It renders the blocks and elements this bot uses (section with
 * text, fields and accessory; header; divider; context; actions with buttons, overflow menus and selects;
 * image; input with text, radio buttons, selects and checkboxes) and shows anything else as a labelled
 * placeholder instead of failing. Interactive elements carry their block index and action_id in data
 * attributes; the page sends those back and the server rebuilds the real payload from the stored blocks.
 */
import { isObject, type Json, optionList, str } from '../block-kit-json.ts';
import { escapeHtml, type MentionNames, mrkdwnToHtml, mrkdwnToText, plainTextToHtml } from './mrkdwn.ts';

export interface RenderOptions {
  names?: MentionNames;
  /** URL of an uploaded file's bytes (images with slack_file). */
  fileUrl?: (id: string) => string;
}

const attr = (value: string) => escapeHtml(value);

/** A text object (plain_text or mrkdwn) as HTML. */
export function textObjectToHtml(text: unknown, options: RenderOptions = {}): string {
  if (!isObject(text)) return '';
  const value = str(text.text) ?? '';
  if (text.type === 'mrkdwn') return mrkdwnToHtml(value, options.names);
  return plainTextToHtml(value, text.emoji !== false);
}

/** A text object as plain text (confirm dialogs, option labels in native selects). */
export function textObjectToText(text: unknown): string {
  if (!isObject(text)) return '';
  const value = str(text.text) ?? '';
  return text.type === 'mrkdwn' ? mrkdwnToText(value) : value;
}

function interactiveAttributes(element: Json, blockIndex: number): string {
  const parts = [
    `data-bi="${blockIndex}"`,
    `data-aid="${attr(str(element.action_id) ?? '')}"`,
    `data-type="${attr(str(element.type) ?? '')}"`,
  ];
  if (isObject(element.confirm)) {
    const confirm = element.confirm;
    const dialog = {
      title: textObjectToText(confirm.title),
      text: textObjectToText(confirm.text),
      confirm: textObjectToText(confirm.confirm) || 'Yes',
      deny: textObjectToText(confirm.deny) || 'Cancel',
    };
    parts.push(`data-confirm="${attr(JSON.stringify(dialog))}"`);
  }
  return parts.join(' ');
}

function button(element: Json, blockIndex: number, options: RenderOptions): string {
  const style = str(element.style);
  const url = str(element.url);
  return `<button type="button" class="bk-button${style ? ` bk-${attr(style)}` : ''}" ${interactiveAttributes(element, blockIndex)}${
    url ? ` data-url="${attr(url)}"` : ''
  }>${textObjectToHtml(element.text, options)}</button>`;
}

function overflow(element: Json, blockIndex: number): string {
  const items = optionList(element)
    .map(
      (option) =>
        `<button type="button" class="bk-overflow-option" ${interactiveAttributes(element, blockIndex)} data-option="${attr(str(option.value) ?? '')}"${
          str(option.url) ? ` data-url="${attr(str(option.url)!)}"` : ''
        }>${plainTextToHtml(textObjectToText(option.text))}</button>`,
    )
    .join('');
  return `<details class="bk-overflow"><summary title="More actions">⋯</summary><div class="bk-overflow-menu">${items}</div></details>`;
}

function staticSelect(element: Json, blockIndex: number, inInput: boolean): string {
  const initial = isObject(element.initial_option) ? str(element.initial_option.value) : undefined;
  const placeholder = textObjectToText(element.placeholder) || 'Select an option';
  const choices = optionList(element)
    .map((option) => {
      const value = str(option.value) ?? '';
      return `<option value="${attr(value)}"${value === initial ? ' selected' : ''}>${escapeHtml(textObjectToText(option.text))}</option>`;
    })
    .join('');
  const role = inInput ? 'data-input' : 'data-select';
  return `<select class="bk-select" ${role} ${interactiveAttributes(element, blockIndex)}><option value=""${
    initial ? '' : ' selected'
  } disabled>${escapeHtml(placeholder)}</option>${choices}</select>`;
}

/** external_select: a search box; the page asks the app for options (block_suggestion) as Slack does. */
function externalSelect(element: Json, blockIndex: number): string {
  const initial = isObject(element.initial_option) ? element.initial_option : undefined;
  const min = typeof element.min_query_length === 'number' ? element.min_query_length : 3;
  const chosen = initial
    ? `<option value="${attr(str(initial.value) ?? '')}" selected>${escapeHtml(textObjectToText(initial.text))}</option>`
    : '';
  return `<div class="bk-external" data-min="${min}"><input type="search" class="bk-text" data-search ${interactiveAttributes(
    element,
    blockIndex,
  )} placeholder="${attr(textObjectToText(element.placeholder) || 'Search')}" autocomplete="off"><select class="bk-select" data-input ${interactiveAttributes(
    element,
    blockIndex,
  )}><option value="">${initial ? 'No issue' : 'Type to search…'}</option>${chosen}</select></div>`;
}

function radioButtons(element: Json, blockIndex: number, options: RenderOptions): string {
  const initial = isObject(element.initial_option) ? str(element.initial_option.value) : undefined;
  const name = `r${blockIndex}_${str(element.action_id) ?? ''}`;
  return `<div class="bk-radios" data-input ${interactiveAttributes(element, blockIndex)}>${optionList(
    element,
  )
    .map((option) => {
      const value = str(option.value) ?? '';
      const description = isObject(option.description)
        ? `<span class="bk-hint">${textObjectToHtml(option.description, options)}</span>`
        : '';
      return `<label class="bk-radio"><input type="radio" name="${attr(name)}" value="${attr(value)}"${
        value === initial ? ' checked' : ''
      }><span>${textObjectToHtml(option.text, options)}${description}</span></label>`;
    })
    .join('')}</div>`;
}

function checkboxes(element: Json, blockIndex: number, options: RenderOptions): string {
  const initial = new Set(
    (Array.isArray(element.initial_options) ? element.initial_options.filter(isObject) : []).map((o) =>
      str(o.value),
    ),
  );
  return `<div class="bk-radios" data-input ${interactiveAttributes(element, blockIndex)}>${optionList(
    element,
  )
    .map((option) => {
      const value = str(option.value) ?? '';
      return `<label class="bk-radio"><input type="checkbox" value="${attr(value)}"${
        initial.has(value) ? ' checked' : ''
      }><span>${textObjectToHtml(option.text, options)}</span></label>`;
    })
    .join('')}</div>`;
}

function textInput(element: Json, blockIndex: number): string {
  const initial = str(element.initial_value) ?? '';
  const placeholder = attr(textObjectToText(element.placeholder));
  const max = typeof element.max_length === 'number' ? ` maxlength="${element.max_length}"` : '';
  const common = `class="bk-text" data-input ${interactiveAttributes(element, blockIndex)} placeholder="${placeholder}"${max}`;
  return element.multiline === true
    ? `<textarea ${common} rows="3">${escapeHtml(initial)}</textarea>`
    : `<input type="text" ${common} value="${attr(initial)}">`;
}

function imageElement(element: Json, options: RenderOptions, className: string): string {
  const alt = attr(str(element.alt_text) ?? '');
  const fileId = isObject(element.slack_file) ? str(element.slack_file.id) : undefined;
  const url = str(element.image_url) ?? (fileId && options.fileUrl ? options.fileUrl(fileId) : undefined);
  if (!url || !/^(https?:\/\/|\/)/.test(url))
    return `<span class="${className} bk-missing">${alt || 'image'}</span>`;
  return `<img class="${className}" src="${attr(url)}" alt="${alt}" loading="lazy">`;
}

/** Any interactive element, in an actions block, as an accessory, or inside an input block. */
function element(el: unknown, blockIndex: number, options: RenderOptions, inInput = false): string {
  if (!isObject(el)) return '';
  switch (el.type) {
    case 'button':
      return button(el, blockIndex, options);
    case 'overflow':
      return overflow(el, blockIndex);
    case 'static_select':
      return staticSelect(el, blockIndex, inInput);
    case 'external_select':
      return externalSelect(el, blockIndex);
    case 'radio_buttons':
      return radioButtons(el, blockIndex, options);
    case 'checkboxes':
      return checkboxes(el, blockIndex, options);
    case 'plain_text_input':
      return textInput(el, blockIndex);
    case 'image':
      return imageElement(el, options, 'bk-accessory-image');
    default:
      return `<span class="bk-unsupported">[${escapeHtml(String(el.type ?? 'element'))}]</span>`;
  }
}

function block(b: unknown, index: number, options: RenderOptions): string {
  if (!isObject(b)) return '';
  const blockId = str(b.block_id);
  const open = (kind: string) =>
    `<div class="bk bk-${kind}" data-bi="${index}"${blockId ? ` data-block-id="${attr(blockId)}"` : ''}>`;
  switch (b.type) {
    case 'header':
      return `${open('header')}${textObjectToHtml(b.text, options)}</div>`;
    case 'divider':
      return `${open('divider')}<hr></div>`;
    case 'section': {
      const text = b.text ? `<div class="bk-text-body">${textObjectToHtml(b.text, options)}</div>` : '';
      const fields = Array.isArray(b.fields)
        ? `<div class="bk-fields">${b.fields.map((f) => `<div class="bk-field">${textObjectToHtml(f, options)}</div>`).join('')}</div>`
        : '';
      const accessory = b.accessory
        ? `<div class="bk-accessory">${element(b.accessory, index, options)}</div>`
        : '';
      return `${open('section')}<div class="bk-section-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context': {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      return `${open('context')}${elements
        .map((e) =>
          isObject(e) && e.type === 'image'
            ? imageElement(e, options, 'bk-context-image')
            : `<span>${textObjectToHtml(e, options)}</span>`,
        )
        .join('')}</div>`;
    }
    case 'actions': {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      return `${open('actions')}${elements.map((e) => element(e, index, options)).join('')}</div>`;
    }
    case 'image': {
      const title = isObject(b.title)
        ? `<div class="bk-image-title">${textObjectToHtml(b.title, options)}</div>`
        : '';
      return `${open('image')}${title}${imageElement(b, options, 'bk-image-img')}</div>`;
    }
    case 'input': {
      const optional = b.optional === true ? ' <span class="bk-optional">(optional)</span>' : '';
      const hint = isObject(b.hint) ? `<div class="bk-hint">${textObjectToHtml(b.hint, options)}</div>` : '';
      return `${open('input')}<label class="bk-label">${textObjectToHtml(b.label, options)}${optional}</label>${element(
        b.element,
        index,
        options,
        true,
      )}${hint}<div class="bk-error" data-error-for="${attr(blockId ?? '')}"></div></div>`;
    }
    default:
      return `${open('unsupported')}<span class="bk-unsupported">[${escapeHtml(String(b.type ?? 'block'))} block]</span></div>`;
  }
}

export function blocksToHtml(blocks: readonly unknown[] | undefined, options: RenderOptions = {}): string {
  return (blocks ?? []).map((b, index) => block(b, index, options)).join('');
}
