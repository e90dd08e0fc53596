/**
 * Slack mrkdwn → HTML for the sandbox viewer: what this bot writes, rendered the way Slack shows it.
 *
 * Covered: *bold*, _italic_, ~strike~, `code`, ```preformatted```, "> " quotes, newlines, <url|text> and
 * <url> links, <mailto:…|…>, user / channel / user-group mentions, <!here>-style specials, <!date^…|fallback>
 * and the emoji this bot uses. Slack's own escaping (&amp; &lt; &gt;) is decoded first and everything is
 * HTML-escaped again, so no text from a message can inject markup into the page.
 */

export interface MentionNames {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
}

const NO_NAMES: MentionNames = { userName: () => undefined, channelName: () => undefined };

/** The emoji this bot's messages use, plus a few common ones; anything else stays `:name:`. */
const EMOJI: Record<string, string> = {
  warning: '⚠️',
  tada: '🎉',
  rotating_light: '🚨',
  white_check_mark: '✅',
  wastebasket: '🗑️',
  link: '🔗',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  grey_question: '❔',
  question: '❓',
  compass: '🧭',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  chart_with_downwards_trend: '📉',
  money_with_wings: '💸',
  moneybag: '💰',
  heavy_check_mark: '✔️',
  x: '❌',
  bulb: '💡',
  mag: '🔍',
  memo: '📝',
  rocket: '🚀',
  wave: '👋',
  eyes: '👀',
  bell: '🔔',
  information_source: 'ℹ️',
  calendar: '📅',
  test_tube: '🧪',
  construction: '🚧',
  lock: '🔒',
  thumbsup: '👍',
  '+1': '👍',
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  red_circle: '🔴',
};

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Slack escapes only &, < and >; undo that before escaping for HTML. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function emojify(escapedHtml: string): string {
  return escapedHtml.replace(/:([a-z0-9_+-]+):/g, (match, name: string) => EMOJI[name] ?? match);
}

/** Only links a browser can follow safely; `slack://` links are handed to the viewer (App Home). */
function safeHref(url: string): string | undefined {
  if (/^(https?:|mailto:)/i.test(url)) return url;
  if (/^slack:\/\//i.test(url)) return url;
  return undefined;
}

function renderLink(url: string, label: string | undefined): string {
  const href = safeHref(url);
  const text = escapeHtml(label ?? url.replace(/^mailto:/i, ''));
  if (!href) return text;
  if (/^slack:\/\//i.test(href)) {
    return `<a href="#" class="slack-link" data-slack-url="${escapeHtml(href)}">${text}</a>`;
  }
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/** One `<…>` token: links, mentions, specials and dates. */
function renderAngle(inner: string, names: MentionNames): string {
  const [target = '', ...rest] = inner.split('|');
  const label = rest.length > 0 ? decodeSlackEntities(rest.join('|')) : undefined;
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = names.userName(id) ?? label ?? id;
    return `<span class="mention" data-user="${escapeHtml(id)}">@${escapeHtml(name.replace(/^@/, ''))}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = names.channelName(id) ?? label ?? id;
    return `<span class="mention channel" data-channel="${escapeHtml(id)}">#${escapeHtml(name.replace(/^#/, ''))}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const name = label ?? `@${target.slice('!subteam^'.length)}`;
    return `<span class="mention">${escapeHtml(name.startsWith('@') ? name : `@${name}`)}</span>`;
  }
  if (target.startsWith('!date^')) {
    const [, unix = ''] = target.split('^');
    const fallback = escapeHtml(label ?? '');
    return /^\d+$/.test(unix) ? `<time data-unix="${unix}">${fallback}</time>` : `<span>${fallback}</span>`;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    return `<span class="mention">@${escapeHtml(label ?? special)}</span>`;
  }
  return renderLink(decodeSlackEntities(target), label);
}

const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/** Bold, italic and strike, only at word boundaries as Slack does (so snake_case stays as it is). */
function emphasis(text: string): string {
  const wrap = (marker: string, tag: string) => {
    const m = marker === '*' ? '\\*' : marker;
    const pattern = new RegExp(
      `(^|[^\\w${m}])${m}(?![\\s${m}])([^${m}\\n]*?[^\\s${m}])${m}(?![\\w${m}])`,
      'g',
    );
    return (input: string) => input.replace(pattern, `$1<${tag}>$2</${tag}>`);
  };
  return [wrap('*', 'b'), wrap('_', 'i'), wrap('~', 's')].reduce((acc, apply) => apply(acc), text);
}

function renderInline(text: string, names: MentionNames): string {
  const stash: string[] = [];
  const keep = (html: string) => {
    stash.push(html);
    return `\uE000${stash.length - 1}\uE001`;
  };
  let working = text
    .replace(/`([^`\n]+)`/g, (_m, code: string) =>
      keep(`<code>${escapeHtml(decodeSlackEntities(code))}</code>`),
    )
    .replace(/<([^<>\n]+)>/g, (_m, inner: string) => keep(renderAngle(inner, names)));
  working = emojify(escapeHtml(decodeSlackEntities(working)));
  working = emphasis(working);
  return working.replace(PLACEHOLDER, (_m, index: string) => stash[Number(index)] ?? '');
}

/** Lines starting with "> " (or "&gt; " as Slack escapes it) become one quote block. */
function renderLines(text: string, names: MentionNames): string {
  const out: string[] = [];
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const quoted = /^(>|&gt;)\s?(.*)$/.exec(line);
    if (quoted) {
      quote.push(renderInline(quoted[2] ?? '', names));
      return;
    }
    flushQuote();
    out.push(renderInline(line, names) + (index < lines.length - 1 ? '<br>' : ''));
  });
  flushQuote();
  return out.join('');
}

export function mrkdwnToHtml(text: string, names: MentionNames = NO_NAMES): string {
  const parts = text.split(/```([\s\S]*?)```/);
  return parts
    .map((part, index) =>
      index % 2 === 1
        ? `<pre>${escapeHtml(decodeSlackEntities(part.replace(/^\n/, '')))}</pre>`
        : renderLines(part, names),
    )
    .join('');
}

/** plain_text objects: escaped, emoji shortcodes shown when `emoji` is on (Slack's default). */
export function plainTextToHtml(text: string, emoji = true): string {
  const escaped = escapeHtml(text);
  return emoji ? emojify(escaped) : escaped;
}

/** mrkdwn as plain text (the demo's digest printout, confirm dialogs): links and mentions as their labels. */
export function mrkdwnToText(text: string, names: MentionNames = NO_NAMES): string {
  return decodeSlackEntities(
    text
      .replace(/<([^<>\n]+)>/g, (_m, inner: string) => {
        const [target = '', ...rest] = inner.split('|');
        const label = rest.join('|');
        if (target.startsWith('@'))
          return `@${names.userName(target.slice(1)) ?? (label || target.slice(1))}`;
        if (target.startsWith('#'))
          return `#${names.channelName(target.slice(1)) ?? (label || target.slice(1))}`;
        if (target.startsWith('!')) return label || target.slice(1);
        return label || target;
      })
      .replace(/(^|[^\w*])\*(?!\s)([^*\n]*?\S)\*(?!\w)/g, '$1$2')
      .replace(/(^|[^\w_])_(?!\s)([^_\n]*?\S)_(?!\w)/g, '$1$2')
      .replace(/:([a-z0-9_+-]+):/g, (match, name: string) => EMOJI[name] ?? match),
  );
}
