/** Small text helpers shared by the builders. Pure and locale-fixed (en-US) so output is testable. */
import { formatShare, formatUsd } from '../src/domain/money.ts';
import type { ClassOrUnclassified, SessionClass } from '../src/domain/types.ts';
import { truncate, truncateMrkdwn } from './limits.ts';

/**
 * Money, percent, change and duration formatting live in the domain (one implementation for templates and
 * blocks); re-exported here so builders import their text helpers from one place.
 */
export { formatChange, formatDuration, formatShare, formatUsd } from '../src/domain/money.ts';

/** `1 session`, `3 sessions`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : pluralForm}`;
}

/** Escapes the three characters Slack treats as control sequences in mrkdwn. Use on any user data. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * User data as inline code (keeps `_` and `*` in branch names from turning into formatting), escaped and
 * shortened to `max` visible characters.
 */
export function code(text: string, max = 80): string {
  return `\`${escapeMrkdwn(truncate(text.replace(/`/g, "'").replace(/\s+/g, ' '), max))}\``;
}

/** User data as plain mrkdwn text, escaped and shortened. */
export function userText(text: string, max = 200): string {
  return escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').trim(), max));
}

/** A mrkdwn link with escaped label; only http(s) URLs are linked. */
export function link(url: string | undefined, label: string): string {
  if (!url || !/^https?:\/\//.test(url) || /[<>|\s]/.test(url)) return label;
  return `<${url}|${label.replace(/\|/g, '¦')}>`;
}

/**
 * A Slack date token that renders in the reader's own timezone, with a UTC fallback for clients and
 * notifications that cannot render it. `format` uses Slack tokens such as `{date_short_pretty} {time}`.
 */
export function slackDate(date: Date, format = '{date_short_pretty} {time}'): string {
  const unix = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${unix}^${format}|${fallback}>`;
}

export const CLASS_LABEL: Record<ClassOrUnclassified, string> = {
  productive: 'Productive',
  exploratory: 'Exploratory',
  wasteful: 'Wasteful',
  unclassified: 'Unclassified',
};

export const CLASS_EMOJI: Record<ClassOrUnclassified, string> = {
  productive: ':white_check_mark:',
  exploratory: ':compass:',
  wasteful: ':wastebasket:',
  unclassified: ':grey_question:',
};

/** The taxonomy from DESIGN.md, one line each: shown wherever people are asked to classify. */
export const CLASS_DEFINITION: Record<ClassOrUnclassified, string> = {
  productive:
    'the session moved a deliverable: code that shipped or will, a ticket advanced, a decision made.',
  exploratory:
    'deliberate learning, prototyping or investigation; valuable when bounded, expected to be thrown away.',
  wasteful:
    'spend that produced nothing or created cleanup: retry loops, wrong context, abandoned or reverted output.',
  unclassified: 'not yet answered. Never silently counted as any of the three.',
};

/** ≤ 75 characters each: fits option descriptions. */
export const CLASS_SHORT_DEFINITION: Record<SessionClass, string> = {
  productive: 'Moved a deliverable: shipped code, a ticket advanced, a decision made',
  exploratory: 'Deliberate learning or prototyping, expected to be thrown away',
  wasteful: 'Produced nothing or made cleanup: retry loops, wrong context, reverted',
};

/** The three definitions in one mrkdwn line, as every prompt shows them. */
export function definitionsLine(): string {
  return (['productive', 'exploratory', 'wasteful'] as const)
    .map((c) => `*${CLASS_LABEL[c]}* — ${CLASS_DEFINITION[c].replace(/\.$/, '')}`)
    .join(' · ');
}

export type ClassMixUsd = Record<ClassOrUnclassified, number>;

export function mixTotal(mix: ClassMixUsd): number {
  return mix.productive + mix.exploratory + mix.wasteful + mix.unclassified;
}

/** Share of spend that has an answer (0..1); 0 when there is no spend. */
export function coverageOf(mix: ClassMixUsd): number {
  const total = mixTotal(mix);
  return total > 0 ? (total - mix.unclassified) / total : 0;
}

/** `Productive $3,000 (71%) · Exploratory $800 (19%) · Wasteful $210 (5%) · Unclassified $200 (5%)`. */
export function formatMix(mix: ClassMixUsd): string {
  const total = mixTotal(mix);
  return (['productive', 'exploratory', 'wasteful', 'unclassified'] as const)
    .map(
      (c) => `${CLASS_LABEL[c]} ${formatUsd(mix[c])}${total > 0 ? ` (${formatShare(mix[c] / total)})` : ''}`,
    )
    .join(' · ');
}

/** A ten-cell text bar for a ratio, e.g. budget use: `▓▓▓▓▓▓▓░░░`. Ratios above 1 fill the bar. */
export function bar(ratio: number, cells = 10): string {
  const filled = Math.max(0, Math.min(cells, Math.round((Number.isFinite(ratio) ? ratio : 0) * cells)));
  return '▓'.repeat(filled) + '░'.repeat(cells - filled);
}

/**
 * Packs lines into as few chunks as possible, each at most `max` characters (a line longer than `max` is
 * truncated). Used to keep long lists inside section text limits without spending one block per line.
 */
export function packLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, max);
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      chunks.push(current);
      current = line;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}
