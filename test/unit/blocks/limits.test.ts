import { describe, expect, it } from 'vitest';
import { assertBlockKitLimits, LIMITS, truncate, truncateMrkdwn } from '../../../blocks/limits.ts';

const s = (n: number, ch = 'x') => ch.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const button = (id: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Go'),
  action_id: id,
  ...extra,
});
const opt = (text: string, value: string) => ({ text: plain(text), value });

const rules = (payload: unknown, surface: 'message' | 'modal' | 'home' = 'message', opts = {}) =>
  assertBlockKitLimits(payload, surface, opts).map((v) => v.rule);

const msg = (blocks: unknown[]) => ({ text: 'fallback', blocks });

describe('truncate', () => {
  it('leaves short text alone and cuts long text to the limit with an ellipsis', () => {
    expect(truncate('hello', 5)).toBe('hello');
    expect(truncate('hello world', 8)).toBe('hello w…');
    expect(truncate('hello world', 8).length).toBeLessThanOrEqual(8);
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('never splits a surrogate pair', () => {
    const out = truncate('😀😀😀😀', 4);
    expect(out.length).toBeLessThanOrEqual(4);
    expect(out).toBe('😀…');
  });

  it('truncateMrkdwn drops half entities, half links and dangling backticks', () => {
    expect(truncateMrkdwn('a &amp; b', 5)).toBe('a…');
    expect(truncateMrkdwn('see <https://example.com|here> now', 12)).toBe('see…');
    expect(truncateMrkdwn('on `feat/a-very-long-branch`', 15)).toBe('on feat/a-ver…');
    expect(truncateMrkdwn('short', 10)).toBe('short');
  });
});

describe('assertBlockKitLimits', () => {
  it('accepts a valid message, a bare block list and a text-only message', () => {
    expect(rules(msg([{ type: 'section', text: md('hi') }]))).toEqual([]);
    expect(rules([{ type: 'divider' }])).toEqual([]);
    expect(rules({ text: 'only text' })).toEqual([]);
  });

  it('counts blocks per surface: 50 / 100 / 100', () => {
    const blocks = (n: number) => Array.from({ length: n }, () => ({ type: 'divider' }));
    expect(rules(msg(blocks(50)))).toEqual([]);
    expect(rules(msg(blocks(51)))).toEqual(['blocks.max']);
    expect(rules({ type: 'home', blocks: blocks(100) }, 'home')).toEqual([]);
    expect(rules({ type: 'home', blocks: blocks(101) }, 'home')).toEqual(['blocks.max']);
    const modal = { type: 'modal', title: plain('T'), blocks: blocks(101) };
    expect(rules(modal, 'modal')).toEqual(['blocks.max']);
  });

  it('requires a text fallback on messages with blocks, and caps it at 40,000', () => {
    expect(rules({ blocks: [{ type: 'divider' }] })).toEqual(['text.missing']);
    expect(rules({ text: s(40_001), blocks: [] })).toEqual(['text.max']);
  });

  it('section: text 3000, fields ≤ 10 of ≤ 2000, text or fields required, empty text rejected', () => {
    expect(rules(msg([{ type: 'section', text: md(s(3000)) }]))).toEqual([]);
    expect(rules(msg([{ type: 'section', text: md(s(3001)) }]))).toEqual(['section.text.max']);
    expect(rules(msg([{ type: 'section', text: md('') }]))).toEqual(['section.text.empty']);
    expect(rules(msg([{ type: 'section' }]))).toEqual(['section.empty']);
    const fields = (n: number, len = 5) => Array.from({ length: n }, () => md(s(len)));
    expect(rules(msg([{ type: 'section', fields: fields(10) }]))).toEqual([]);
    expect(rules(msg([{ type: 'section', fields: fields(11) }]))).toEqual(['section.fields.max']);
    expect(rules(msg([{ type: 'section', fields: [md(s(2001))] }]))).toEqual(['section.field.max']);
  });

  it('header: plain text, 150', () => {
    expect(rules(msg([{ type: 'header', text: plain(s(150)) }]))).toEqual([]);
    expect(rules(msg([{ type: 'header', text: plain(s(151)) }]))).toEqual(['header.text.max']);
    expect(rules(msg([{ type: 'header', text: md('x') }]))).toEqual(['header.text.type']);
  });

  it('context: 1..10 elements', () => {
    const els = (n: number) => Array.from({ length: n }, () => md('x'));
    expect(rules(msg([{ type: 'context', elements: els(10) }]))).toEqual([]);
    expect(rules(msg([{ type: 'context', elements: els(11) }]))).toEqual(['context.elements.max']);
    expect(rules(msg([{ type: 'context', elements: [] }]))).toEqual(['context.elements.min']);
  });

  it('actions: ≤ 25 elements, unique action_ids within the block', () => {
    const els = (n: number) => Array.from({ length: n }, (_, i) => button(`b${i}`));
    expect(rules(msg([{ type: 'actions', elements: els(25) }]))).toEqual([]);
    expect(rules(msg([{ type: 'actions', elements: els(26) }]))).toEqual(['actions.elements.max']);
    expect(rules(msg([{ type: 'actions', elements: [button('a'), button('a')] }]))).toEqual([
      'action_id.duplicate_in_block',
    ]);
  });

  it('block_id: ≤ 255 and unique across the surface', () => {
    expect(rules(msg([{ type: 'divider', block_id: s(256) }]))).toEqual(['block_id.max']);
    expect(
      rules(
        msg([
          { type: 'divider', block_id: 'x' },
          { type: 'divider', block_id: 'x' },
        ]),
      ),
    ).toEqual(['block_id.duplicate']);
  });

  it('action_ids across the surface: ambiguous without block ids; strict mode rejects any repeat', () => {
    const twice = msg([
      { type: 'actions', elements: [button('same')] },
      { type: 'actions', elements: [button('same')] },
    ]);
    expect(rules(twice)).toContain('action_id.ambiguous');
    const distinguished = msg([
      { type: 'actions', block_id: 'a', elements: [button('same')] },
      { type: 'actions', block_id: 'b', elements: [button('same')] },
    ]);
    expect(rules(distinguished)).toEqual([]);
    expect(rules(distinguished, 'message', { uniqueActionIdsAcrossSurface: true })).toEqual([
      'action_id.duplicate_in_surface',
    ]);
  });

  it('button: text 75, action_id 255, value 2000, url 3000, style', () => {
    const one = (b: unknown) => rules(msg([{ type: 'actions', elements: [b] }]));
    expect(one(button('a', { text: plain(s(75)), value: s(2000), url: `https://${s(2990)}` }))).toEqual([]);
    expect(one(button('a', { text: plain(s(76)) }))).toEqual(['button.text.max']);
    expect(one(button(s(256)))).toEqual(['action_id.max']);
    expect(one(button('a', { value: s(2001) }))).toEqual(['button.value.max']);
    expect(one(button('a', { url: s(3001) }))).toEqual(['button.url.max']);
    expect(one(button('a', { style: 'green' }))).toEqual(['button.style']);
    expect(one(button('a', { text: md('x') }))).toEqual(['button.text.type']);
  });

  it('options: text 75, value 150, unique values, ≤ 100 per select, initial option must match', () => {
    const select = (options: unknown[], extra: Record<string, unknown> = {}) =>
      rules(
        msg([
          {
            type: 'section',
            text: md('x'),
            accessory: { type: 'static_select', action_id: 's', options, ...extra },
          },
        ]),
      );
    expect(select([opt('a', 'a'), opt('b', 'b')], { initial_option: opt('b', 'b') })).toEqual([]);
    expect(select([opt(s(76), 'a')])).toEqual(['option.text.max']);
    expect(select([opt('a', s(151))])).toEqual(['option.value.max']);
    expect(select([opt('a', 'v'), opt('b', 'v')])).toEqual(['option.value.duplicate']);
    expect(select(Array.from({ length: 101 }, (_, i) => opt(`o${i}`, `v${i}`)))).toEqual([
      'select.options.max',
    ]);
    expect(select([opt('a', 'a')], { initial_option: opt('z', 'z') })).toEqual([
      'select.initial_option.unknown',
    ]);
    expect(select([opt('a', 'a')], { option_groups: [] })).toContain('select.options.exclusive');
  });

  it('overflow: 2..5 options, urls allowed there only', () => {
    const overflow = (n: number) => ({
      type: 'overflow',
      action_id: 'o',
      options: Array.from({ length: n }, (_, i) => ({ ...opt(`o${i}`, `v${i}`), url: 'https://x.test' })),
    });
    const one = (el: unknown) => rules(msg([{ type: 'actions', elements: [el] }]));
    expect(one(overflow(2))).toEqual([]);
    expect(one(overflow(6))).toEqual(['overflow.options.max']);
    expect(one(overflow(1))).toEqual(['overflow.options.min']);
    const radio = {
      type: 'radio_buttons',
      action_id: 'r',
      options: [{ ...opt('a', 'a'), url: 'https://x.test' }],
    };
    expect(one(radio)).toEqual(['option.url.context']);
  });

  it('radio buttons ≤ 10 options', () => {
    const radio = {
      type: 'radio_buttons',
      action_id: 'r',
      options: Array.from({ length: 11 }, (_, i) => opt(`o${i}`, `v${i}`)),
    };
    expect(rules(msg([{ type: 'actions', elements: [radio] }]))).toEqual(['radio_buttons.options.max']);
  });

  it('confirm dialog: title 100, text 300, buttons 30', () => {
    const confirm = { title: plain(s(101)), text: md(s(301)), confirm: plain(s(31)), deny: plain(s(31)) };
    expect(rules(msg([{ type: 'actions', elements: [button('a', { confirm })] }]))).toEqual([
      'confirm.title.max',
      'confirm.text.max',
      'confirm.confirm.max',
      'confirm.deny.max',
    ]);
  });

  it('placeholder 150', () => {
    const el = { type: 'external_select', action_id: 'e', placeholder: plain(s(151)) };
    expect(rules(msg([{ type: 'actions', elements: [el] }]))).toEqual(['placeholder.max']);
  });

  it('modal: title/submit/close 24, private_metadata 3000, submit required with inputs', () => {
    const input = {
      type: 'input',
      label: plain('L'),
      element: { type: 'plain_text_input', action_id: 'i', max_length: 10 },
    };
    const ok = { type: 'modal', title: plain('T'), submit: plain('Save'), blocks: [input] };
    expect(rules(ok, 'modal')).toEqual([]);
    expect(
      rules(
        {
          ...ok,
          title: plain(s(25)),
          submit: plain(s(25)),
          close: plain(s(25)),
          private_metadata: s(3001),
        },
        'modal',
      ),
    ).toEqual(['view.title.max', 'view.submit.max', 'view.close.max', 'view.private_metadata.max']);
    expect(rules({ type: 'modal', title: plain('T'), blocks: [input] }, 'modal')).toEqual([
      'view.submit.missing',
    ]);
    expect(rules({ type: 'modal', blocks: [] }, 'modal')).toEqual(['view.title.missing']);
  });

  it('inputs: label 2000, plain_text_input lengths, no inputs on Home', () => {
    const input = (element: Record<string, unknown>, label = 'L') => ({
      type: 'modal',
      title: plain('T'),
      submit: plain('S'),
      blocks: [
        {
          type: 'input',
          label: plain(label),
          element: { type: 'plain_text_input', action_id: 'i', ...element },
        },
      ],
    });
    expect(rules(input({}, s(2001)), 'modal')).toEqual(['input.label.max']);
    expect(rules(input({ max_length: 3001 }), 'modal')).toEqual(['plain_text_input.max_length']);
    expect(rules(input({ min_length: 5, max_length: 2 }), 'modal')).toEqual(['plain_text_input.range']);
    expect(rules(input({ max_length: 3, initial_value: 'abcd' }), 'modal')).toEqual([
      'plain_text_input.initial_value.max',
    ]);
    const home = {
      type: 'home',
      blocks: [{ type: 'input', label: plain('L'), element: { type: 'plain_text_input', action_id: 'i' } }],
    };
    expect(rules(home, 'home')).toEqual(['input.surface']);
  });

  it('images: alt text required and ≤ 2000', () => {
    expect(rules(msg([{ type: 'image', image_url: 'https://x.test/a.png', alt_text: 'chart' }]))).toEqual([]);
    expect(rules(msg([{ type: 'image', image_url: 'https://x.test/a.png', alt_text: '' }]))).toEqual([
      'image.alt_text.missing',
    ]);
    expect(rules(msg([{ type: 'image', image_url: 'https://x.test/a.png', alt_text: s(2001) }]))).toEqual([
      'image.alt_text.max',
    ]);
  });

  it('reports malformed payloads instead of throwing', () => {
    expect(rules(42)).toEqual(['payload.shape']);
    expect(rules({ type: 'home', blocks: 5 }, 'home')).toEqual(['blocks.shape']);
    expect(rules({ type: 'home', blocks: 'nope' }, 'home')).toEqual(['json.invalid']);
    expect(rules(msg([null, { type: 'actions', elements: [{}] }]))).toEqual(['block.shape', 'element.shape']);
  });

  it('accepts blocks and views as the JSON strings Web API clients send', () => {
    const blocks = JSON.stringify(Array.from({ length: 51 }, () => ({ type: 'divider' })));
    expect(rules({ text: 't', blocks })).toEqual(['blocks.max']);
    expect(rules(JSON.stringify({ type: 'home', blocks: [{ type: 'divider' }] }), 'home')).toEqual([]);
    expect(rules({ text: 't', blocks: '[oops' })).toEqual(['json.invalid']);
  });

  it('exposes the limits table', () => {
    expect(LIMITS.blocks).toEqual({ message: 50, modal: 100, home: 100 });
    expect(LIMITS.optionValue).toBe(150);
  });
});
