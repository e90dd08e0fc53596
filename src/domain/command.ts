/**
 * The `/ai-roi` command: slash-command text → a typed, zod-validated command.
 *
 * Text arrives the way Slack sends it with "Escape channels, users, and links" on
 * (manifest `should_escape: true`): users `<@U123|name>`, channels `<#C123|name>`,
 * user groups `<!subteam^S123|@name>`, emails `<mailto:a@b.c|a@b.c>`, and `&`, `<`, `>`
 * as `&amp;`, `&lt;`, `&gt;`. Team names are one word or "quoted"; in the last position
 * (team create/add/remove) the remaining words form the name.
 *
 * Anything not understood returns `{ ok: false, understood, problem, usage }`: the part
 * that was read, what is wrong with the rest, and the closest valid usage (typos of
 * subcommands and keywords are matched by edit distance).
 */
import { z } from 'zod';
import { COMMAND_HELP, usageOf } from './command-help.ts';
import {
  amountSchema,
  COMMAND_NAMES,
  type Command,
  type CommandName,
  CommandSchema,
  MAX_COMMAND_LENGTH,
  type ParseResult,
  parsePercent,
  parseTime,
  type SummarySubject,
  sessionRefSchema,
  teamNameSchema,
  thresholdsSchema,
  timeSchema,
} from './command-schema.ts';
import { closest } from './edit-distance.ts';
import { parseIssueIdentifier } from './identifiers.ts';
import type { PeriodSpec } from './periods.ts';
import { isPeriodSpec } from './periods.ts';
import { TEMPLATE_KEYS, type TemplateKey, validateTemplate } from './templates.ts';
import type { PromptMode, SessionClass } from './types.ts';
import { SESSION_CLASSES } from './types.ts';

export type { Command, CommandProblem, ParseResult } from './command-schema.ts';

// ── tokens ─────────────────────────────────────────────────────────────────────────────

interface Token {
  /** Unescaped text (quotes removed). */
  value: string;
  raw: string;
  quoted: boolean;
  start: number;
  end: number;
}

class CommandError extends Error {
  constructor(
    readonly problem: string,
    readonly usage?: string,
  ) {
    super(problem);
  }
}

function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

const TOKEN = /<[^<>\s][^<>]*>|"([^"]*)"|“([^”]*)”|\S+/g;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    const quotedValue = match[1] ?? match[2];
    if (quotedValue === undefined && /^["“”]/.test(raw)) {
      throw new CommandError(`the quote before \`${raw}\` is never closed`);
    }
    tokens.push({
      value:
        quotedValue !== undefined
          ? unescapeSlack(quotedValue)
          : raw.startsWith('<')
            ? raw
            : unescapeSlack(raw),
      raw,
      quoted: quotedValue !== undefined,
      start: match.index,
      end: match.index + raw.length,
    });
  }
  return tokens;
}

const USER = /^<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const CHANNEL = /^<#([CG][A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const USERGROUP = /^<!subteam\^(S[A-Z0-9]{2,})(?:\|[^>]*)?>$/;
const MAILTO = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/;

function userIdOf(token: Token): string | undefined {
  return token.quoted ? undefined : USER.exec(token.value)?.[1];
}

function channelIdOf(token: Token): string | undefined {
  return token.quoted ? undefined : CHANNEL.exec(token.value)?.[1];
}

class Cursor {
  /** Token 0 is the subcommand itself. */
  private index = 1;
  readonly accepted: string[];

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    readonly command: CommandName,
  ) {
    this.accepted = [tokens[0]!.raw];
  }

  get usage(): string {
    return usageOf(this.command);
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  done(): boolean {
    return this.index >= this.tokens.length;
  }

  next(): Token | undefined {
    const token = this.tokens[this.index];
    if (token) this.index += 1;
    return token;
  }

  accept(token: Token): void {
    this.accepted.push(token.raw);
  }

  /** Everything after the current position, as typed. */
  restText(): string {
    const token = this.peek();
    return token ? this.text.slice(token.start).trim() : '';
  }

  remaining(): Token[] {
    const rest = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return rest;
  }

  fail(problem: string, usage?: string): never {
    throw new CommandError(problem, usage ?? this.usage);
  }

  expectEnd(): void {
    const extra = this.peek();
    if (extra) this.fail(`unexpected \`${extra.raw}\` after \`${this.accepted.join(' ')}\``);
  }

  /** A keyword from a list, or a precise error with the closest one. */
  keyword<T extends string>(token: Token | undefined, options: readonly T[], what: string): T {
    if (!token) this.fail(`${what} is missing; expected one of ${options.join(', ')}`);
    const value = token.value.toLowerCase();
    if (!token.quoted && (options as readonly string[]).includes(value)) {
      this.accept(token);
      return value as T;
    }
    const guess = closest(value, options);
    this.fail(
      `\`${token.raw}\` is not ${what}${guess ? `; did you mean \`${guess}\`?` : `; expected one of ${options.join(', ')}`}`,
    );
  }

  userId(token: Token | undefined, what = 'a person'): string {
    if (!token) this.fail(`${what} is missing; mention them like @ana`);
    const id = userIdOf(token);
    if (!id) {
      if (token.value.startsWith('@')) {
        this.fail(
          `\`${token.raw}\` did not arrive as a Slack mention; pick the person from the autocomplete list`,
        );
      }
      this.fail(`\`${token.raw}\` is not a person; mention them like @ana`);
    }
    this.accept(token);
    return id;
  }

  channelId(token: Token | undefined): string {
    if (!token) this.fail('the channel is missing; name it like #eng-leads');
    const id = channelIdOf(token);
    if (!id) {
      if (token.value.startsWith('#')) {
        this.fail(
          `\`${token.raw}\` did not arrive as a Slack channel link; pick the channel from the autocomplete list`,
        );
      }
      this.fail(`\`${token.raw}\` is not a channel; name it like #eng-leads`);
    }
    this.accept(token);
    return id;
  }

  teamName(tokens: Token[]): string {
    if (tokens.length === 0) this.fail('the team name is missing');
    const name = tokens.map((t) => t.value).join(' ');
    const result = teamNameSchema.safeParse(name);
    if (!result.success) this.fail(`\`${name}\`: ${result.error.issues[0]!.message}`);
    for (const token of tokens) this.accept(token);
    return result.data;
  }

  parse<T>(schema: z.ZodType<T>, token: Token, tokens: Token[] = [token]): T {
    const result = schema.safeParse(tokens.map((t) => t.value).join(' '));
    if (!result.success) this.fail(result.error.issues[0]!.message);
    for (const t of tokens) this.accept(t);
    return result.data;
  }
}

// ── subcommands ────────────────────────────────────────────────────────────────────────

function isKeyword(token: Token | undefined, word: string): boolean {
  return token !== undefined && !token.quoted && token.value.toLowerCase() === word;
}

/** Removes `team NAME` (NAME = one word or "quoted") from anywhere in the remaining tokens. */
function takeTeamOption(cursor: Cursor, tokens: Token[]): { team?: string; rest: Token[] } {
  const at = tokens.findIndex((t) => isKeyword(t, 'team'));
  if (at < 0) return { rest: tokens };
  const keyword = tokens[at]!;
  const nameToken = tokens[at + 1];
  if (!nameToken || userIdOf(nameToken) || channelIdOf(nameToken)) {
    cursor.accept(keyword);
    cursor.fail('`team` needs a team name, e.g. `team Payments`');
  }
  cursor.accept(keyword);
  const team = cursor.teamName([nameToken]);
  const rest = [...tokens.slice(0, at), ...tokens.slice(at + 2)];
  if (rest.some((t) => isKeyword(t, 'team'))) cursor.fail('name one team only');
  return { team, rest };
}

function parseSummary(c: Cursor): Command {
  let subject: SummarySubject | undefined;
  let period: PeriodSpec | undefined;
  let share = false;
  const setSubject = (next: SummarySubject, token: Token) => {
    if (subject)
      c.fail(`name one subject only (me, @user, team NAME or org); \`${token.raw}\` is a second one`);
    subject = next;
  };
  while (!c.done()) {
    const token = c.next()!;
    const word = token.value.toLowerCase();
    if (isKeyword(token, 'me') || isKeyword(token, 'org')) {
      setSubject(word === 'me' ? { kind: 'me' } : { kind: 'org' }, token);
      c.accept(token);
    } else if (isKeyword(token, 'team')) {
      const name = c.next();
      if (!name) c.fail('`team` needs a team name, e.g. `team Payments`');
      setSubject({ kind: 'team', team: '' }, token);
      c.accept(token);
      subject = { kind: 'team', team: c.teamName([name]) };
    } else if (userIdOf(token)) {
      setSubject({ kind: 'user', userId: userIdOf(token)! }, token);
      c.accept(token);
    } else if (!token.quoted && isPeriodSpec(word)) {
      if (period) c.fail(`name one period only; \`${token.raw}\` is a second one`);
      period = word;
      c.accept(token);
    } else if (isKeyword(token, 'share')) {
      share = true;
      c.accept(token);
    } else if (/^\d{4}-\d{1,2}$/.test(word)) {
      c.fail(`\`${token.raw}\` is not a month; write it as YYYY-MM, e.g. 2025-11`);
    } else if (token.value.startsWith('@')) {
      c.userId(token);
    } else {
      const guess = closest(word, ['me', 'org', 'team', 'week', 'month', '30d', 'share']);
      c.fail(`\`${token.raw}\` is not a subject or period${guess ? `; did you mean \`${guess}\`?` : ''}`);
    }
  }
  return { kind: 'summary', subject: subject ?? { kind: 'me' }, period: period ?? 'week', share };
}

const CLASS_ALIASES: Record<string, SessionClass> = { p: 'productive', e: 'exploratory', w: 'wasteful' };

function parseSplit(c: Cursor, tokens: Token[]): Record<SessionClass, number> | null {
  if (tokens.length === 1 && ['off', 'none', 'clear'].includes(tokens[0]!.value.toLowerCase())) {
    c.accept(tokens[0]!);
    return null;
  }
  if (tokens.length === 0) c.fail('give the split, e.g. `split productive=60 exploratory=30 wasteful=10`');
  const split: Record<SessionClass, number> = { productive: 0, exploratory: 0, wasteful: 0 };
  const slash = tokens.length === 1 ? /^(\d{1,3})%?\/(\d{1,3})%?\/(\d{1,3})%?$/.exec(tokens[0]!.value) : null;
  if (slash) {
    SESSION_CLASSES.forEach((cls, i) => {
      split[cls] = Number(slash[i + 1]);
    });
    if (SESSION_CLASSES.some((cls) => split[cls] > 100)) c.fail('each share must be at most 100%');
    c.accept(tokens[0]!);
  } else {
    const seen = new Set<SessionClass>();
    // Accept "productive=60", "productive 60" and "productive: 60".
    const words = tokens.flatMap((t) =>
      t.value
        .split(/[=:]/)
        .filter(Boolean)
        .map((value) => ({ value, token: t })),
    );
    for (let i = 0; i < words.length; i += 2) {
      const name = words[i]!.value.toLowerCase();
      const cls = (SESSION_CLASSES as readonly string[]).includes(name)
        ? (name as SessionClass)
        : CLASS_ALIASES[name];
      if (!cls) {
        const guess = closest(name, SESSION_CLASSES);
        c.fail(
          `\`${words[i]!.value}\` is not a class${guess ? `; did you mean \`${guess}\`?` : `; use ${SESSION_CLASSES.join(', ')}`}`,
        );
      }
      if (seen.has(cls)) c.fail(`${cls} is given twice`);
      seen.add(cls);
      const amount = words[i + 1];
      if (!amount) c.fail(`${cls} needs a percent, e.g. ${cls}=30`);
      const value = parsePercent(amount.value, cls, 100);
      if (typeof value !== 'number') c.fail(value.error);
      split[cls] = value;
    }
    for (const token of tokens) c.accept(token);
  }
  const sum = split.productive + split.exploratory + split.wasteful;
  if (sum !== 100) {
    const parts = SESSION_CLASSES.map((cls) => `${cls} ${split[cls]}`).join(' + ');
    c.fail(`the split adds up to ${sum}% (${parts}); it must add up to 100%`);
  }
  return split;
}

function parseBudget(c: Cursor): Command {
  const { team, rest } = takeTeamOption(c, c.remaining());
  const actions = ['show', 'set', 'split', 'alerts'] as const;
  const [first, ...args] = rest;
  const base = team === undefined ? {} : { team };
  if (!first) return { kind: 'budget', ...base, action: { type: 'show' } };
  const action = c.keyword(first, actions, 'a budget action');
  if (action === 'show') {
    if (args[0]) c.fail(`unexpected \`${args[0].raw}\` after \`show\``);
    return { kind: 'budget', ...base, action: { type: 'show' } };
  }
  if (action === 'set') {
    let amountTokens = args.slice(0, 1);
    // "$ 2,000" arrives as two words.
    if (args[0]?.value === '$' && args[1]) amountTokens = args.slice(0, 2);
    const amount = amountTokens[0];
    if (!amount) c.fail('the amount is missing, e.g. `set $2,000 monthly`');
    const amountUsd = c.parse(amountSchema, amount, amountTokens.length === 2 ? amountTokens : [amount]);
    const after = args.slice(amountTokens.length);
    const period = after[0]
      ? c.keyword(after[0], ['monthly', 'weekly'] as const, 'a budget period')
      : 'monthly';
    if (after[1]) c.fail(`unexpected \`${after[1].raw}\` after \`${after[0]!.raw}\``);
    return { kind: 'budget', ...base, action: { type: 'set', amountUsd, period } };
  }
  if (action === 'split')
    return { kind: 'budget', ...base, action: { type: 'split', split: parseSplit(c, args) } };
  if (args.length === 1 && ['off', 'none'].includes(args[0]!.value.toLowerCase())) {
    c.accept(args[0]!);
    return { kind: 'budget', ...base, action: { type: 'alerts', thresholds: [] } };
  }
  if (args.length === 0) c.fail('give thresholds, e.g. `alerts 50,80,100` (or `alerts off`)');
  const thresholds = c.parse(thresholdsSchema, args[0]!, args);
  return { kind: 'budget', ...base, action: { type: 'alerts', thresholds } };
}

function parseTeam(c: Cursor): Command {
  const first = c.next();
  if (!first) return { kind: 'team', action: { type: 'list' } };
  const action = c.keyword(
    first,
    ['create', 'add', 'remove', 'list', 'sync', 'managers'] as const,
    'a team action',
  );
  if (action === 'list') {
    c.expectEnd();
    return { kind: 'team', action: { type: 'list' } };
  }
  if (action === 'create') {
    const team = c.teamName(c.remaining());
    return { kind: 'team', action: { type: 'create', team } };
  }
  if (action === 'sync') {
    const rest = c.remaining();
    const groupAt = rest.findIndex((t) => !t.quoted && USERGROUP.test(t.value));
    if (groupAt < 0) {
      const loose = rest.find((t) => t.value.startsWith('@'));
      c.fail(
        loose
          ? `\`${loose.raw}\` did not arrive as a Slack user group; pick the group from the autocomplete list`
          : 'the user group is missing, e.g. `team sync Payments @payments-eng`',
      );
    }
    if (groupAt !== rest.length - 1) c.fail('put the user group last: `team sync NAME @usergroup`');
    const team = c.teamName(rest.slice(0, groupAt));
    const group = rest[groupAt]!;
    c.accept(group);
    return { kind: 'team', action: { type: 'sync', team, usergroupId: USERGROUP.exec(group.value)![1]! } };
  }
  if (action === 'managers') {
    const change = c.keyword(c.next(), ['add', 'remove'] as const, '`add` or `remove` after `team managers`');
    const { userIds, team } = parsePeopleThenTeam(c, `managers ${change}`);
    return {
      kind: 'team',
      action: { type: change === 'add' ? 'add-managers' : 'remove-managers', userIds, team },
    };
  }
  const { userIds, team } = parsePeopleThenTeam(c, action);
  return { kind: 'team', action: { type: action, userIds, team } };
}

/** `@user… NAME`: one or more people first, then the team name. */
function parsePeopleThenTeam(c: Cursor, action: string): { userIds: string[]; team: string } {
  const rest = c.remaining();
  const userIds: string[] = [];
  let i = 0;
  while (i < rest.length && (userIdOf(rest[i]!) || rest[i]!.value.startsWith('@'))) {
    const id = c.userId(rest[i]);
    if (!userIds.includes(id)) userIds.push(id);
    i += 1;
  }
  if (userIds.length === 0) {
    const later = rest.findIndex((t) => userIdOf(t));
    c.fail(
      later > 0
        ? `put the people first: \`team ${action} @user… NAME\``
        : `mention who to ${action}, e.g. @ana`,
    );
  }
  const nameTokens = rest.slice(i);
  if (nameTokens.some((t) => userIdOf(t))) c.fail(`put the people first: \`team ${action} @user… NAME\``);
  return { userIds, team: c.teamName(nameTokens) };
}

function parseMap(c: Cursor): Command {
  const userId = c.userId(c.next());
  const token = c.next();
  if (!token) c.fail('the email is missing, e.g. `map @ana ana@example.com`');
  const email = MAILTO.exec(token.value)?.[1] ?? token.value;
  const result = z.email().safeParse(email);
  if (!result.success) c.fail(`\`${email}\` is not an email address`);
  c.accept(token);
  c.expectEnd();
  return { kind: 'map', userId, email: result.data.toLowerCase() };
}

function parseLink(c: Cursor): Command {
  const a = c.next();
  const b = c.next();
  if (!a || !b) c.fail('give a session and an issue, e.g. `link 65f0c2 ENG-123`');
  // Either order: an identifier has a dash, a session id never does.
  const [sessionToken, issueToken] = a.value.includes('-') ? [b, a] : [a, b];
  const session = c.parse(sessionRefSchema, sessionToken);
  const issue = parseIssueIdentifier(issueToken.value);
  if (!issue) c.fail(`\`${issueToken.raw}\` is not a Linear issue identifier like ENG-123`);
  c.accept(issueToken);
  c.expectEnd();
  return { kind: 'link', session, issue };
}

function parseReclassify(c: Cursor): Command {
  const sessionToken = c.next();
  if (!sessionToken) c.fail('the session is missing, e.g. `reclassify 65f0c2 exploratory`');
  const session = c.parse(sessionRefSchema, sessionToken);
  const cls = c.keyword(c.next(), SESSION_CLASSES, 'a class');
  c.expectEnd();
  return { kind: 'reclassify', session, class: cls };
}

function parseDigest(c: Cursor): Command {
  const action = c.keyword(c.next(), ['preview', 'now'] as const, 'a digest action');
  const channel = c.peek();
  const channelId = channel ? c.channelId(c.next()) : undefined;
  c.expectEnd();
  return { kind: 'digest', action, ...(channelId !== undefined && { channelId }) };
}

const WEEKDAYS: Record<string, number> = {
  sun: 0,
  sunday: 0,
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
};
const CADENCES = ['daily', 'weekly', 'monthly'] as const;
const SUBSCRIBE_WORDS = [...CADENCES, 'org', 'team', 'leadership', ...Object.keys(WEEKDAYS)];

function parseSubscribe(c: Cursor): Command {
  const channelId = c.channelId(c.next());
  let cadence: (typeof CADENCES)[number] | undefined;
  let weekday: number | undefined;
  let dayOfMonth: number | undefined;
  let time: string | undefined;
  let scope: { kind: 'org' } | { kind: 'team'; team: string } | undefined;
  let audience: 'leadership' | 'team' | undefined;
  const once = (taken: unknown, what: string, token: Token) => {
    if (taken !== undefined) c.fail(`name one ${what} only; \`${token.raw}\` is a second one`);
  };
  while (!c.done()) {
    const token = c.next()!;
    const word = token.quoted ? '' : token.value.toLowerCase();
    if ((CADENCES as readonly string[]).includes(word)) {
      once(cadence, 'cadence', token);
      cadence = word as (typeof CADENCES)[number];
      c.accept(token);
    } else if (word in WEEKDAYS) {
      once(weekday, 'weekday', token);
      weekday = WEEKDAYS[word];
      c.accept(token);
    } else if (/^\d{1,2}(st|nd|rd|th)?$/.test(word)) {
      once(dayOfMonth, 'day of the month', token);
      dayOfMonth = Number.parseInt(word, 10);
      if (dayOfMonth < 1 || dayOfMonth > 31) c.fail(`\`${token.raw}\` is not a day of the month (1-31)`);
      c.accept(token);
    } else if (/^\d{1,2}(:\d{2})?\s*(am|pm)?$/.test(word) || /^\d{1,2}:/.test(word)) {
      once(time, 'time', token);
      time = c.parse(timeSchema, token);
    } else if (word === 'org') {
      once(scope, 'scope (team NAME or org)', token);
      scope = { kind: 'org' };
      c.accept(token);
    } else if (word === 'team') {
      const name = c.peek();
      // "team NAME" is a scope; a bare "team" (last, or before a keyword) is the audience.
      const isScope =
        name !== undefined &&
        (name.quoted || !SUBSCRIBE_WORDS.includes(name.value.toLowerCase())) &&
        !parseTimeOk(name);
      if (isScope) {
        once(scope, 'scope (team NAME or org)', token);
        c.accept(token);
        scope = { kind: 'team', team: c.teamName([c.next()!]) };
      } else {
        once(audience, 'audience (leadership or team)', token);
        audience = 'team';
        c.accept(token);
      }
    } else if (word === 'leadership') {
      once(audience, 'audience (leadership or team)', token);
      audience = 'leadership';
      c.accept(token);
    } else {
      const guess = closest(word || token.value, SUBSCRIBE_WORDS);
      c.fail(`\`${token.raw}\` is not a subscription option${guess ? `; did you mean \`${guess}\`?` : ''}`);
    }
  }
  const chosen = cadence ?? 'weekly';
  if (weekday !== undefined && chosen !== 'weekly') {
    c.fail(
      `${chosen} digests do not take a weekday${chosen === 'monthly' ? '; give a day of the month, like 1st' : ''}`,
    );
  }
  if (dayOfMonth !== undefined && chosen !== 'monthly') {
    c.fail(
      `only monthly digests take a day of the month; for ${chosen} digests give ${chosen === 'weekly' ? 'a weekday, like mon' : 'just a time'}`,
    );
  }
  const finalScope = scope ?? { kind: 'org' as const };
  return {
    kind: 'subscribe',
    channelId,
    cadence: chosen,
    ...(chosen === 'weekly' && { weekday: weekday ?? 1 }),
    ...(chosen === 'monthly' && { dayOfMonth: dayOfMonth ?? 1 }),
    time: time ?? '09:00',
    scope: finalScope,
    audience: audience ?? (finalScope.kind === 'org' ? 'leadership' : 'team'),
  };
}

function parseTimeOk(token: Token): boolean {
  return typeof parseTime(token.value) === 'string';
}

function parseTemplates(c: Cursor): Command {
  const first = c.next();
  if (!first) return { kind: 'templates', action: { type: 'list' } };
  const action = c.keyword(first, ['list', 'show', 'set', 'preview', 'reset'] as const, 'a templates action');
  if (action === 'list') {
    c.expectEnd();
    return { kind: 'templates', action: { type: 'list' } };
  }
  const keyToken = c.next();
  if (!keyToken) c.fail(`the template key is missing; keys: ${TEMPLATE_KEYS.join(', ')}`);
  const key: TemplateKey = c.keyword(keyToken, TEMPLATE_KEYS, 'a template key');
  if (action !== 'set') {
    c.expectEnd();
    return { kind: 'templates', action: { type: action, key } };
  }
  const text = unescapeSlack(c.restText());
  c.remaining();
  if (!text) c.fail(`the template text is missing, e.g. \`templates set ${key} {{spend}} of AI spend\``);
  const check = validateTemplate(text);
  if (!check.ok) c.fail(check.problem);
  return { kind: 'templates', action: { type: 'set', key, text } };
}

function parseExport(c: Cursor): Command {
  const { team, rest } = takeTeamOption(c, c.remaining());
  let period = 'month';
  const [first, second] = rest;
  if (first) {
    const word = first.value.toLowerCase();
    if (word !== 'month' && !/^\d{4}-(0[1-9]|1[0-2])$/.test(word)) {
      c.fail(`\`${first.raw}\` is not a period; use \`month\` or YYYY-MM, e.g. 2025-11`);
    }
    period = word;
    c.accept(first);
  }
  if (second) c.fail(`unexpected \`${second.raw}\` after \`${first!.raw}\``);
  return { kind: 'export', period, ...(team !== undefined && { team }) };
}

function parseSimple(c: Cursor, command: Command): Command {
  c.expectEnd();
  return command;
}

function parseBody(c: Cursor): Command {
  switch (c.command) {
    case 'help': {
      const topic = c.next();
      const name = topic ? c.keyword(topic, COMMAND_NAMES, 'a command') : undefined;
      c.expectEnd();
      return { kind: 'help', ...(name !== undefined && { topic: name }) };
    }
    case 'summary':
      return parseSummary(c);
    case 'budget':
      return parseBudget(c);
    case 'forecast': {
      const { team, rest } = takeTeamOption(c, c.remaining());
      if (rest[0]) c.fail(`unexpected \`${rest[0].raw}\`; forecast only takes \`team NAME\``);
      return { kind: 'forecast', ...(team !== undefined && { team }) };
    }
    case 'team':
      return parseTeam(c);
    case 'map':
      return parseMap(c);
    case 'unmapped':
      return parseSimple(c, { kind: 'unmapped' });
    case 'link':
      return parseLink(c);
    case 'classify':
      return parseSimple(c, { kind: 'classify' });
    case 'reclassify':
      return parseReclassify(c);
    case 'digest':
      return parseDigest(c);
    case 'subscribe':
      return parseSubscribe(c);
    case 'unsubscribe': {
      const channelId = c.channelId(c.next());
      c.expectEnd();
      return { kind: 'unsubscribe', channelId };
    }
    case 'templates':
      return parseTemplates(c);
    case 'export':
      return parseExport(c);
    case 'prefs': {
      const token = c.next();
      if (!token) return { kind: 'prefs' };
      const mode: PromptMode = c.keyword(
        token,
        ['immediate', 'daily', 'weekly', 'off'] as const,
        'a prompt mode',
      );
      c.expectEnd();
      return { kind: 'prefs', mode };
    }
  }
}

const ALIASES: Record<string, CommandName> = {
  '?': 'help',
  template: 'templates',
  pref: 'prefs',
  teams: 'team',
};

export function parseCommand(text: string): ParseResult {
  if (text.length > MAX_COMMAND_LENGTH) {
    return {
      ok: false,
      understood: '',
      problem: `the command is ${text.length} characters; the limit is ${MAX_COMMAND_LENGTH}`,
      usage: '/ai-roi help',
    };
  }
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    const problem = error instanceof CommandError ? error.problem : String(error);
    return { ok: false, understood: '', problem, usage: '/ai-roi help' };
  }
  const first = tokens[0];
  if (!first) return { ok: true, command: { kind: 'help' } };
  const word = first.value.toLowerCase();
  const name = (COMMAND_NAMES as readonly string[]).includes(word) ? (word as CommandName) : ALIASES[word];
  if (!name) {
    const guess = closest(word, COMMAND_NAMES) as CommandName | undefined;
    return {
      ok: false,
      understood: '',
      problem: `\`${first.raw}\` is not an /ai-roi command${guess ? `; did you mean \`${guess}\`?` : ''}`,
      usage: guess ? usageOf(guess) : COMMAND_HELP.map((h) => h.usage).join('\n'),
    };
  }
  const cursor = new Cursor(tokens, text, name);
  try {
    const command = parseBody(cursor);
    const checked = CommandSchema.safeParse(command);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      return {
        ok: false,
        understood: `/ai-roi ${cursor.accepted.join(' ')}`,
        problem: `${issue.path.join('.') || 'command'}: ${issue.message}`,
        usage: cursor.usage,
      };
    }
    return { ok: true, command: checked.data };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return {
      ok: false,
      understood: `/ai-roi ${cursor.accepted.join(' ')}`,
      problem: error.problem,
      usage: error.usage ?? cursor.usage,
    };
  }
}
