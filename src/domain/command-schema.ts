/**
 * The typed shape of every `/ai-roi` command, as zod schemas, plus the schemas for the
 * values inside commands (amounts, thresholds, times, team names). command.ts turns text
 * into these; handlers may re-validate with CommandSchema (e.g. commands queued for a job).
 */
import { z } from 'zod';
import { formatUsd } from './money.ts';
import type { PeriodSpec } from './periods.ts';
import { isPeriodSpec } from './periods.ts';
import { TEMPLATE_KEYS } from './templates.ts';
import { SESSION_CLASSES } from './types.ts';

export const MAX_BUDGET_USD = 10_000_000;
export const MAX_ALERT_THRESHOLDS = 6;
export const MAX_ALERT_PCT = 200;
export const MAX_COMMAND_LENGTH = 4000;
export const RESERVED_TEAM_NAMES: readonly string[] = ['org', 'me', 'other', 'all', 'unmapped'];

// ── token-level schemas ────────────────────────────────────────────────────────────────

function custom<T>(parse: (input: string) => T | { error: string }) {
  return z.string().transform((input, ctx) => {
    const result = parse(input);
    if (typeof result === 'object' && result !== null && 'error' in result) {
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    }
    return result as T;
  });
}

function parseAmount(raw: string): number | { error: string } {
  const text = raw.trim();
  if (/^(\$\s*)?[-−]|^[-−]\s*\$/.test(text))
    return { error: `${raw} is negative; a budget must be more than $0` };
  const body = text.replace(/^\$\s*/, '');
  if (/^\d*\.?\d+e[+-]?\d+$/i.test(body)) {
    return {
      error: `write the amount in plain digits, like $2,000 (exponents such as ${raw} are not accepted)`,
    };
  }
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?([km])?$/i.exec(body);
  if (!match) {
    if (/^[\d,]+(\.\d+)?$/.test(body)) return { error: `${raw} has misplaced commas; write it like $2,000` };
    return { error: `\`${raw}\` is not an amount; write it like $2,000` };
  }
  const [, whole = '', cents, suffix] = match;
  if (cents !== undefined && cents.length > 2 && !suffix)
    return { error: `${raw} has more than two decimals` };
  const multiplier = suffix ? (suffix.toLowerCase() === 'k' ? 1_000 : 1_000_000) : 1;
  const value =
    Math.round(Number(`${whole.replace(/,/g, '')}${cents ? `.${cents}` : ''}`) * multiplier * 100) / 100;
  if (value <= 0) return { error: 'a budget must be more than $0' };
  if (value > MAX_BUDGET_USD)
    return { error: `${formatUsd(value)} is above the ${formatUsd(MAX_BUDGET_USD)} cap` };
  return value;
}

/** "$2,000", "2000", "2.5k", "$1.2m" → dollars; negative, zero, exponent and over-cap amounts rejected. */
export const amountSchema = custom(parseAmount);

const TEAM_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._&'+-]*$/u;

export const teamNameSchema = z
  .string()
  .trim()
  .min(1, 'the team name is empty')
  .max(50, 'team names are at most 50 characters')
  .regex(
    TEAM_NAME,
    "team names use letters, digits, spaces and . _ & ' + - (starting with a letter or digit)",
  )
  .refine((name) => !RESERVED_TEAM_NAMES.includes(name.toLowerCase()), {
    message: `${RESERVED_TEAM_NAMES.join(', ')} are reserved and cannot be team names`,
  });

export function parsePercent(raw: string, what: string, max: number): number | { error: string } {
  const match = /^(\d{1,3})%?$/.exec(raw);
  if (!match) return { error: `${what} must be a whole percent, got \`${raw}\`` };
  const value = Number(match[1]);
  if (value > max) return { error: `${what} must be at most ${max}%, got ${value}%` };
  return value;
}

function parseThresholds(raw: string): number[] | { error: string } {
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return { error: 'give thresholds like 50,80,100' };
  const values: number[] = [];
  for (const part of parts) {
    const value = parsePercent(part, 'each threshold', MAX_ALERT_PCT);
    if (typeof value !== 'number') return value;
    if (value < 1) return { error: 'thresholds must be at least 1%' };
    if (values.includes(value)) return { error: `threshold ${value}% is listed twice` };
    values.push(value);
  }
  if (values.length > MAX_ALERT_THRESHOLDS) return { error: `at most ${MAX_ALERT_THRESHOLDS} thresholds` };
  return values.sort((a, b) => a - b);
}

/** "50,80,100" / "50 80 100" / "50%,80%" → ascending unique percents (1-200, at most 6). */
export const thresholdsSchema = custom(parseThresholds);

export function parseTime(raw: string): string | { error: string } {
  const match = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(raw);
  if (!match || (match[2] === undefined && match[3] === undefined)) {
    return { error: `\`${raw}\` is not a time; write it like 09:00 or 9am` };
  }
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  const meridiem = match[3]?.toLowerCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return { error: `\`${raw}\`: hours go from 1 to 12 with am/pm` };
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || minute > 59) return { error: `\`${raw}\` is not a time of day` };
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** "09:00", "9:30", "9am", "5:30pm" → "HH:MM" (24 h). */
export const timeSchema = custom(parseTime);

export const sessionRefSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{6,24}$/, 'a session id is 6 to 24 hex characters, as shown in Slack')
  .transform((s) => s.toLowerCase());

// ── commands ───────────────────────────────────────────────────────────────────────────

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const slackChannelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/);
const teamName = z.string().min(1).max(50);
const sessionClass = z.enum(SESSION_CLASSES);
const periodSpec = z.custom<PeriodSpec>((v) => typeof v === 'string' && isPeriodSpec(v), 'not a period');

const budgetAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('show') }),
  z.object({
    type: z.literal('set'),
    amountUsd: z.number().positive().max(MAX_BUDGET_USD),
    period: z.enum(['monthly', 'weekly']),
  }),
  z.object({
    type: z.literal('split'),
    split: z
      .record(sessionClass, z.number().int().min(0).max(100))
      .refine((s) => Object.values(s).reduce((a, b) => a + b, 0) === 100, 'the split must add up to 100')
      .nullable(),
  }),
  z.object({
    type: z.literal('alerts'),
    thresholds: z.array(z.number().int().min(1).max(MAX_ALERT_PCT)).max(MAX_ALERT_THRESHOLDS),
  }),
]);

const teamAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('list') }),
  z.object({ type: z.literal('create'), team: teamName }),
  z.object({ type: z.literal('add'), team: teamName, userIds: z.array(slackUserId).min(1) }),
  z.object({ type: z.literal('remove'), team: teamName, userIds: z.array(slackUserId).min(1) }),
  z.object({ type: z.literal('sync'), team: teamName, usergroupId: z.string().regex(/^S[A-Z0-9]{2,}$/) }),
  z.object({
    type: z.enum(['add-managers', 'remove-managers']),
    team: teamName,
    userIds: z.array(slackUserId).min(1),
  }),
]);

const subject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('me') }),
  z.object({ kind: z.literal('org') }),
  z.object({ kind: z.literal('team'), team: teamName }),
  z.object({ kind: z.literal('user'), userId: slackUserId }),
]);

const templatesAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('list') }),
  z.object({ type: z.enum(['show', 'preview', 'reset']), key: z.enum(TEMPLATE_KEYS) }),
  z.object({ type: z.literal('set'), key: z.enum(TEMPLATE_KEYS), text: z.string().min(1) }),
]);

export const COMMAND_NAMES = [
  'help',
  'summary',
  'budget',
  'forecast',
  'team',
  'map',
  'unmapped',
  'link',
  'classify',
  'reclassify',
  'digest',
  'subscribe',
  'unsubscribe',
  'templates',
  'export',
  'prefs',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export const CommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('help'), topic: z.enum(COMMAND_NAMES).optional() }),
  z.object({ kind: z.literal('summary'), subject, period: periodSpec, share: z.boolean() }),
  z.object({ kind: z.literal('budget'), team: teamName.optional(), action: budgetAction }),
  z.object({ kind: z.literal('forecast'), team: teamName.optional() }),
  z.object({ kind: z.literal('team'), action: teamAction }),
  z.object({ kind: z.literal('map'), userId: slackUserId, email: z.email() }),
  z.object({ kind: z.literal('unmapped') }),
  z.object({ kind: z.literal('link'), session: z.string(), issue: z.string() }),
  z.object({ kind: z.literal('classify') }),
  z.object({ kind: z.literal('reclassify'), session: z.string(), class: sessionClass }),
  z.object({
    kind: z.literal('digest'),
    action: z.enum(['preview', 'now']),
    channelId: slackChannelId.optional(),
  }),
  z.object({
    kind: z.literal('subscribe'),
    channelId: slackChannelId,
    cadence: z.enum(['daily', 'weekly', 'monthly']),
    weekday: z.number().int().min(0).max(6).optional(),
    dayOfMonth: z.number().int().min(1).max(31).optional(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    scope: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('org') }),
      z.object({ kind: z.literal('team'), team: teamName }),
    ]),
    audience: z.enum(['leadership', 'team']),
  }),
  z.object({ kind: z.literal('unsubscribe'), channelId: slackChannelId }),
  z.object({ kind: z.literal('templates'), action: templatesAction }),
  z.object({ kind: z.literal('export'), period: z.string(), team: teamName.optional() }),
  z.object({ kind: z.literal('prefs'), mode: z.enum(['immediate', 'daily', 'weekly', 'off']).optional() }),
]);

export type Command = z.infer<typeof CommandSchema>;
export type BudgetAction = z.infer<typeof budgetAction>;
export type TeamAction = z.infer<typeof teamAction>;
export type SummarySubject = z.infer<typeof subject>;
export type TemplatesAction = z.infer<typeof templatesAction>;

export interface CommandProblem {
  ok: false;
  /** The part that was read, e.g. "/ai-roi budget team Payments set". Empty when nothing was. */
  understood: string;
  problem: string;
  /** The closest valid usage line(s). */
  usage: string;
}

export type ParseResult = { ok: true; command: Command } | CommandProblem;
