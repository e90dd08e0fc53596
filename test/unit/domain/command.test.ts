import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/domain/command.ts';
import { COMMAND_HELP, helpText } from '../../../src/domain/command-help.ts';
import {
  amountSchema,
  COMMAND_NAMES,
  CommandSchema,
  thresholdsSchema,
  timeSchema,
} from '../../../src/domain/command-schema.ts';
import { closest, editDistance } from '../../../src/domain/edit-distance.ts';

const ANA = '<@U0ANA|ana>';
const BEN = '<@U0BEN|ben>';
const CHANNEL = '<#C0LEADS|eng-leads>';
const GROUP = '<!subteam^S0PAY|@payments-eng>';
const SESSION = '65f0c2aa11bb22cc33dd44ee';

function ok(text: string) {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.problem}`);
  return result.command;
}

describe('parseCommand: valid input', () => {
  it.each([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HELP Budget', { kind: 'help', topic: 'budget' }],
    ['?', { kind: 'help' }],
    // summary
    ['summary', { kind: 'summary', subject: { kind: 'me' }, period: 'week', share: false }],
    ['summary me month', { kind: 'summary', subject: { kind: 'me' }, period: 'month', share: false }],
    [
      `summary ${ANA} 30d`,
      { kind: 'summary', subject: { kind: 'user', userId: 'U0ANA' }, period: '30d', share: false },
    ],
    [
      'summary <@U0ANA>',
      { kind: 'summary', subject: { kind: 'user', userId: 'U0ANA' }, period: 'week', share: false },
    ],
    [
      'summary team Payments 2025-11 share',
      { kind: 'summary', subject: { kind: 'team', team: 'Payments' }, period: '2025-11', share: true },
    ],
    ['summary share org', { kind: 'summary', subject: { kind: 'org' }, period: 'week', share: true }],
    [
      'summary team "R&amp;D Core" month',
      { kind: 'summary', subject: { kind: 'team', team: 'R&D Core' }, period: 'month', share: false },
    ],
    [
      'summary team “Data Platform”',
      { kind: 'summary', subject: { kind: 'team', team: 'Data Platform' }, period: 'week', share: false },
    ],
    // budget
    ['budget', { kind: 'budget', action: { type: 'show' } }],
    ['budget team Payments', { kind: 'budget', team: 'Payments', action: { type: 'show' } }],
    ['budget team Payments show', { kind: 'budget', team: 'Payments', action: { type: 'show' } }],
    [
      'budget team Payments set $2,000 monthly',
      { kind: 'budget', team: 'Payments', action: { type: 'set', amountUsd: 2000, period: 'monthly' } },
    ],
    ['budget set 2000', { kind: 'budget', action: { type: 'set', amountUsd: 2000, period: 'monthly' } }],
    [
      'budget set $ 750.50 weekly',
      { kind: 'budget', action: { type: 'set', amountUsd: 750.5, period: 'weekly' } },
    ],
    [
      'budget set 2.5k WEEKLY',
      { kind: 'budget', action: { type: 'set', amountUsd: 2500, period: 'weekly' } },
    ],
    ['budget set $1m', { kind: 'budget', action: { type: 'set', amountUsd: 1_000_000, period: 'monthly' } }],
    [
      'budget set 500 team Payments',
      { kind: 'budget', team: 'Payments', action: { type: 'set', amountUsd: 500, period: 'monthly' } },
    ],
    [
      'budget team Payments split productive=60 exploratory=30 wasteful=10',
      {
        kind: 'budget',
        team: 'Payments',
        action: { type: 'split', split: { productive: 60, exploratory: 30, wasteful: 10 } },
      },
    ],
    [
      'budget split wasteful=10% productive=90%',
      { kind: 'budget', action: { type: 'split', split: { productive: 90, exploratory: 0, wasteful: 10 } } },
    ],
    [
      'budget split productive 70 exploratory 30',
      { kind: 'budget', action: { type: 'split', split: { productive: 70, exploratory: 30, wasteful: 0 } } },
    ],
    [
      'budget split 60/25/15',
      { kind: 'budget', action: { type: 'split', split: { productive: 60, exploratory: 25, wasteful: 15 } } },
    ],
    ['budget split off', { kind: 'budget', action: { type: 'split', split: null } }],
    ['budget alerts 50,80,100', { kind: 'budget', action: { type: 'alerts', thresholds: [50, 80, 100] } }],
    [
      'budget alerts 100, 50 , 80%',
      { kind: 'budget', action: { type: 'alerts', thresholds: [50, 80, 100] } },
    ],
    ['budget alerts 90 120', { kind: 'budget', action: { type: 'alerts', thresholds: [90, 120] } }],
    ['budget alerts off', { kind: 'budget', action: { type: 'alerts', thresholds: [] } }],
    // forecast
    ['forecast', { kind: 'forecast' }],
    ['forecast team Payments', { kind: 'forecast', team: 'Payments' }],
    // team
    ['team', { kind: 'team', action: { type: 'list' } }],
    ['team list', { kind: 'team', action: { type: 'list' } }],
    [
      'team create Payments Platform',
      { kind: 'team', action: { type: 'create', team: 'Payments Platform' } },
    ],
    [
      'team create "Payments Platform"',
      { kind: 'team', action: { type: 'create', team: 'Payments Platform' } },
    ],
    [
      `team add ${ANA} ${BEN} Payments`,
      { kind: 'team', action: { type: 'add', team: 'Payments', userIds: ['U0ANA', 'U0BEN'] } },
    ],
    [
      `team add ${ANA} ${ANA} Payments`,
      { kind: 'team', action: { type: 'add', team: 'Payments', userIds: ['U0ANA'] } },
    ],
    [
      `team remove ${BEN} Payments`,
      { kind: 'team', action: { type: 'remove', team: 'Payments', userIds: ['U0BEN'] } },
    ],
    [
      `team sync Payments ${GROUP}`,
      { kind: 'team', action: { type: 'sync', team: 'Payments', usergroupId: 'S0PAY' } },
    ],
    // map / unmapped
    [
      `map ${ANA} <mailto:Ana@Example.com|Ana@Example.com>`,
      { kind: 'map', userId: 'U0ANA', email: 'ana@example.com' },
    ],
    [`map ${ANA} ana@example.com`, { kind: 'map', userId: 'U0ANA', email: 'ana@example.com' }],
    ['unmapped', { kind: 'unmapped' }],
    // link / classify / reclassify
    ['link 65f0c2 ENG-123', { kind: 'link', session: '65f0c2', issue: 'ENG-123' }],
    [`link eng-7 ${SESSION.toUpperCase()}`, { kind: 'link', session: SESSION, issue: 'ENG-7' }],
    ['classify', { kind: 'classify' }],
    [`reclassify ${SESSION} Exploratory`, { kind: 'reclassify', session: SESSION, class: 'exploratory' }],
    // digest
    ['digest preview', { kind: 'digest', action: 'preview' }],
    [`digest now ${CHANNEL}`, { kind: 'digest', action: 'now', channelId: 'C0LEADS' }],
    // subscribe
    [
      `subscribe ${CHANNEL}`,
      {
        kind: 'subscribe',
        channelId: 'C0LEADS',
        cadence: 'weekly',
        weekday: 1,
        time: '09:00',
        scope: { kind: 'org' },
        audience: 'leadership',
      },
    ],
    [
      `subscribe ${CHANNEL} weekly fri 16:00 team Payments team`,
      {
        kind: 'subscribe',
        channelId: 'C0LEADS',
        cadence: 'weekly',
        weekday: 5,
        time: '16:00',
        scope: { kind: 'team', team: 'Payments' },
        audience: 'team',
      },
    ],
    [
      `subscribe ${CHANNEL} team Payments`,
      {
        kind: 'subscribe',
        channelId: 'C0LEADS',
        cadence: 'weekly',
        weekday: 1,
        time: '09:00',
        scope: { kind: 'team', team: 'Payments' },
        audience: 'team',
      },
    ],
    [
      `subscribe ${CHANNEL} team Payments leadership`,
      expect.objectContaining({ scope: { kind: 'team', team: 'Payments' }, audience: 'leadership' }),
    ],
    [`subscribe ${CHANNEL} team`, expect.objectContaining({ scope: { kind: 'org' }, audience: 'team' })],
    [`subscribe ${CHANNEL} team 9am`, expect.objectContaining({ audience: 'team', time: '09:00' })],
    [
      `subscribe ${CHANNEL} monthly 1st 9am org leadership`,
      {
        kind: 'subscribe',
        channelId: 'C0LEADS',
        cadence: 'monthly',
        dayOfMonth: 1,
        time: '09:00',
        scope: { kind: 'org' },
        audience: 'leadership',
      },
    ],
    [`subscribe ${CHANNEL} daily 5:30pm`, expect.objectContaining({ cadence: 'daily', time: '17:30' })],
    [`subscribe ${CHANNEL} Monday 12am`, expect.objectContaining({ weekday: 1, time: '00:00' })],
    [`unsubscribe ${CHANNEL}`, { kind: 'unsubscribe', channelId: 'C0LEADS' }],
    // templates
    ['templates', { kind: 'templates', action: { type: 'list' } }],
    ['templates list', { kind: 'templates', action: { type: 'list' } }],
    [
      'templates show weekly_leadership',
      { kind: 'templates', action: { type: 'show', key: 'weekly_leadership' } },
    ],
    ['templates preview TEAM_RETRO', { kind: 'templates', action: { type: 'preview', key: 'team_retro' } }],
    ['templates reset cut_or_invest', { kind: 'templates', action: { type: 'reset', key: 'cut_or_invest' } }],
    [
      'templates set weekly_leadership {{periodIntro}}   {{spend}} &amp; {{coverage}} classified &lt;3',
      {
        kind: 'templates',
        action: {
          type: 'set',
          key: 'weekly_leadership',
          text: '{{periodIntro}}   {{spend}} & {{coverage}} classified <3',
        },
      },
    ],
    // export / prefs
    ['export', { kind: 'export', period: 'month' }],
    ['export 2025-11 team Payments', { kind: 'export', period: '2025-11', team: 'Payments' }],
    ['export team Payments month', { kind: 'export', period: 'month', team: 'Payments' }],
    ['prefs', { kind: 'prefs' }],
    ['prefs OFF', { kind: 'prefs', mode: 'off' }],
  ])('%s', (text, expected) => {
    expect(ok(text)).toEqual(expected);
  });

  it('every parsed command passes the exported schema', () => {
    expect(CommandSchema.safeParse(ok('budget team Payments set $2,000')).success).toBe(true);
  });
});

describe('parseCommand: malformed input', () => {
  it.each([
    // unknown subcommands and typos
    ['budgte', '', /`budgte` is not an \/ai-roi command; did you mean `budget`\?/, /^\/ai-roi budget /],
    ['sumary', '', /did you mean `summary`/, /^\/ai-roi summary /],
    ['subscirbe', '', /did you mean `subscribe`/, /^\/ai-roi subscribe /],
    ['tema', '', /did you mean `team`/, /^\/ai-roi team /],
    ['xyzzy', '', /`xyzzy` is not an \/ai-roi command$/, /\/ai-roi help[\s\S]*\/ai-roi prefs/],
    ['help budgte', '/ai-roi help', /did you mean `budget`/, /^\/ai-roi help/],
    // summary
    ['summary me org', '/ai-roi summary me', /one subject only .* `org` is a second one/, /summary/],
    ['summary week month', '/ai-roi summary week', /one period only/, /summary/],
    ['summary 2025-13', '/ai-roi summary', /`2025-13` is not a month; write it as YYYY-MM/, /summary/],
    ['summary wek', '/ai-roi summary', /did you mean `week`/, /summary/],
    ['summary @ana', '/ai-roi summary', /did not arrive as a Slack mention/, /summary/],
    ['summary team', '/ai-roi summary', /`team` needs a team name/, /summary/],
    // budget amounts
    ['budget set $-5', '/ai-roi budget set', /^\$-5 is negative; a budget must be more than \$0$/, /budget/],
    ['budget set -5', '/ai-roi budget set', /negative/, /budget/],
    [
      'budget set 1e9',
      '/ai-roi budget set',
      /plain digits, like \$2,000 \(exponents such as 1e9 are not accepted\)/,
      /budget/,
    ],
    ['budget set abc', '/ai-roi budget set', /^`abc` is not an amount; write it like \$2,000$/, /budget/],
    ['budget set $0', '/ai-roi budget set', /must be more than \$0/, /budget/],
    ['budget set 20000001', '/ai-roi budget set', /^\$20,000,001 is above the \$10,000,000 cap$/, /budget/],
    ['budget set 12.345', '/ai-roi budget set', /more than two decimals/, /budget/],
    ['budget set 2,00', '/ai-roi budget set', /misplaced commas/, /budget/],
    ['budget set Infinity', '/ai-roi budget set', /not an amount/, /budget/],
    ['budget set', '/ai-roi budget set', /the amount is missing/, /budget/],
    ['budget set 500 yearly', '/ai-roi budget set 500', /`yearly` is not a budget period/, /budget/],
    [
      'budget set 500 monthly please',
      '/ai-roi budget set 500 monthly',
      /unexpected `please` after `monthly`/,
      /budget/,
    ],
    ['budget sett 500', '/ai-roi budget', /`sett` is not a budget action; did you mean `set`\?/, /budget/],
    ['budget team', '/ai-roi budget team', /`team` needs a team name/, /budget/],
    ['budget team A team B', '/ai-roi budget team A', /one team only/, /budget/],
    ['budget show extra', '/ai-roi budget show', /unexpected `extra` after `show`/, /budget/],
    // budget split
    [
      'budget split productive=60 exploratory=30',
      '/ai-roi budget split productive=60 exploratory=30',
      /adds up to 90% \(productive 60 \+ exploratory 30 \+ wasteful 0\); it must add up to 100%/,
      /budget/,
    ],
    [
      'budget split prodcutive=60 exploratory=40',
      '/ai-roi budget split',
      /`prodcutive` is not a class; did you mean `productive`\?/,
      /budget/,
    ],
    [
      'budget split productive=60 productive=40',
      '/ai-roi budget split',
      /productive is given twice/,
      /budget/,
    ],
    ['budget split productive=abc', '/ai-roi budget split', /productive must be a whole percent/, /budget/],
    ['budget split productive=150', '/ai-roi budget split', /at most 100%/, /budget/],
    ['budget split productive=', '/ai-roi budget split', /productive needs a percent/, /budget/],
    ['budget split', '/ai-roi budget split', /give the split/, /budget/],
    ['budget split 60/30/20', '/ai-roi budget split 60/30/20', /adds up to 110%/, /budget/],
    // budget alerts
    ['budget alerts 50,50', '/ai-roi budget alerts', /threshold 50% is listed twice/, /budget/],
    ['budget alerts 0,50', '/ai-roi budget alerts', /at least 1%/, /budget/],
    ['budget alerts 250', '/ai-roi budget alerts', /at most 200%, got 250%/, /budget/],
    ['budget alerts 10,20,30,40,50,60,70', '/ai-roi budget alerts', /at most 6 thresholds/, /budget/],
    ['budget alerts fifty', '/ai-roi budget alerts', /must be a whole percent, got `fifty`/, /budget/],
    ['budget alerts', '/ai-roi budget alerts', /give thresholds/, /budget/],
    // forecast
    ['forecast now', '/ai-roi forecast', /forecast only takes `team NAME`/, /forecast/],
    // team
    ['team creat X', '/ai-roi team', /did you mean `create`/, /team/],
    ['team create', '/ai-roi team create', /the team name is missing/, /team/],
    ['team create org', '/ai-roi team create', /reserved/, /team/],
    ['team create Pay$ments', '/ai-roi team create', /team names use letters/, /team/],
    [`team create ${'x'.repeat(51)}`, '/ai-roi team create', /at most 50 characters/, /team/],
    [`team add Payments ${ANA}`, '/ai-roi team add', /put the people first/, /team/],
    ['team add @ana Payments', '/ai-roi team add', /did not arrive as a Slack mention/, /team/],
    [`team add ${ANA}`, `/ai-roi team add ${ANA}`, /the team name is missing/, /team/],
    ['team add Payments', '/ai-roi team add', /mention who to add/, /team/],
    [`team add ${ANA} Payments ${BEN}`, `/ai-roi team add ${ANA}`, /put the people first/, /team/],
    ['team sync Payments @payments-eng', '/ai-roi team sync', /did not arrive as a Slack user group/, /team/],
    ['team sync Payments', '/ai-roi team sync', /user group is missing/, /team/],
    [`team sync ${GROUP} Payments`, '/ai-roi team sync', /put the user group last/, /team/],
    ['team list all', '/ai-roi team list', /unexpected `all`/, /team/],
    // map
    ['map', '/ai-roi map', /a person is missing/, /map/],
    [`map ${ANA}`, `/ai-roi map ${ANA}`, /the email is missing/, /map/],
    [`map ${ANA} not-an-email`, `/ai-roi map ${ANA}`, /`not-an-email` is not an email address/, /map/],
    [`map ana@example.com ${ANA}`, '/ai-roi map', /is not a person/, /map/],
    [`map ${ANA} a@b.co extra`, `/ai-roi map ${ANA} a@b.co`, /unexpected `extra`/, /map/],
    ['unmapped please', '/ai-roi unmapped', /unexpected `please`/, /unmapped/],
    // link / reclassify
    ['link', '/ai-roi link', /give a session and an issue/, /link/],
    ['link xyz ENG-1', '/ai-roi link', /6 to 24 hex characters/, /link/],
    ['link 65f0c2 UTF8', '/ai-roi link 65f0c2', /`UTF8` is not a Linear issue identifier/, /link/],
    ['link 65f0c2 ENG-1 now', '/ai-roi link 65f0c2 ENG-1', /unexpected `now`/, /link/],
    [
      `reclassify ${SESSION} wastefull`,
      `/ai-roi reclassify ${SESSION}`,
      /did you mean `wasteful`/,
      /reclassify/,
    ],
    [`reclassify ${SESSION} unclassified`, `/ai-roi reclassify ${SESSION}`, /not a class/, /reclassify/],
    [`reclassify ${SESSION}`, `/ai-roi reclassify ${SESSION}`, /a class is missing/, /reclassify/],
    ['reclassify', '/ai-roi reclassify', /the session is missing/, /reclassify/],
    ['classify now', '/ai-roi classify', /unexpected `now`/, /classify/],
    // digest / subscribe
    ['digest', '/ai-roi digest', /a digest action is missing/, /digest/],
    ['digest preveiw', '/ai-roi digest', /did you mean `preview`/, /digest/],
    ['digest now #eng', '/ai-roi digest now', /did not arrive as a Slack channel link/, /digest/],
    [`digest now ${CHANNEL} ${CHANNEL}`, `/ai-roi digest now ${CHANNEL}`, /unexpected/, /digest/],
    ['subscribe', '/ai-roi subscribe', /the channel is missing/, /subscribe/],
    ['subscribe #eng', '/ai-roi subscribe', /did not arrive as a Slack channel link/, /subscribe/],
    [`subscribe ${CHANNEL} weekyl`, `/ai-roi subscribe ${CHANNEL}`, /did you mean `weekly`/, /subscribe/],
    [
      `subscribe ${CHANNEL} daily mon`,
      `/ai-roi subscribe ${CHANNEL} daily mon`,
      /daily digests do not take a weekday/,
      /subscribe/,
    ],
    [
      `subscribe ${CHANNEL} monthly fri`,
      `/ai-roi subscribe ${CHANNEL} monthly fri`,
      /give a day of the month, like 1st/,
      /subscribe/,
    ],
    [
      `subscribe ${CHANNEL} weekly 15th`,
      `/ai-roi subscribe ${CHANNEL} weekly 15th`,
      /only monthly digests take a day of the month/,
      /subscribe/,
    ],
    [
      `subscribe ${CHANNEL} monthly 32nd`,
      `/ai-roi subscribe ${CHANNEL} monthly`,
      /not a day of the month/,
      /subscribe/,
    ],
    [
      `subscribe ${CHANNEL} 25:00`,
      `/ai-roi subscribe ${CHANNEL}`,
      /`25:00` is not a time of day/,
      /subscribe/,
    ],
    [
      `subscribe ${CHANNEL} 13pm`,
      `/ai-roi subscribe ${CHANNEL}`,
      /hours go from 1 to 12 with am\/pm/,
      /subscribe/,
    ],
    [
      `subscribe ${CHANNEL} weekly daily`,
      `/ai-roi subscribe ${CHANNEL} weekly`,
      /one cadence only/,
      /subscribe/,
    ],
    [`subscribe ${CHANNEL} org team Payments`, `/ai-roi subscribe ${CHANNEL} org`, /one scope/, /subscribe/],
    [
      `subscribe ${CHANNEL} leadership team`,
      `/ai-roi subscribe ${CHANNEL} leadership`,
      /one audience/,
      /subscribe/,
    ],
    ['unsubscribe', '/ai-roi unsubscribe', /the channel is missing/, /unsubscribe/],
    // templates
    ['templates show', '/ai-roi templates show', /the template key is missing/, /templates/],
    [
      'templates show weekly_leader',
      '/ai-roi templates show',
      /did you mean `weekly_leadership`/,
      /templates/,
    ],
    [
      'templates edit weekly_leadership',
      '/ai-roi templates',
      /did you mean `set`|is not a templates action/,
      /templates/,
    ],
    [
      'templates set weekly_leadership',
      '/ai-roi templates set weekly_leadership',
      /the template text is missing/,
      /templates/,
    ],
    [
      'templates set weekly_leadership {{spend}} and {{bogus}}',
      '/ai-roi templates set weekly_leadership',
      /unknown variable \{\{bogus\}\}; valid variables: spend, productivePct/,
      /templates/,
    ],
    [
      'templates set weekly_leadership {{#trend}}x',
      '/ai-roi templates set weekly_leadership',
      /never closed/,
      /templates/,
    ],
    ['templates list more', '/ai-roi templates list', /unexpected `more`/, /templates/],
    // export / prefs
    ['export 2025-13', '/ai-roi export', /`2025-13` is not a period/, /export/],
    ['export week', '/ai-roi export', /use `month` or YYYY-MM/, /export/],
    ['export month 2025-11', '/ai-roi export month', /unexpected `2025-11`/, /export/],
    [
      'prefs never',
      '/ai-roi prefs',
      /`never` is not a prompt mode; expected one of immediate, daily, weekly, off/,
      /prefs/,
    ],
    ['prefs dialy', '/ai-roi prefs', /did you mean `daily`/, /prefs/],
    ['prefs daily weekly', '/ai-roi prefs daily', /unexpected `weekly`/, /prefs/],
    // tokens
    ['team create "Payments', '', /the quote before `"Payments` is never closed/, /help/],
  ])('%s', (text, understood, problem, usage) => {
    const result = parseCommand(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.understood).toBe(understood);
    expect(result.problem).toMatch(problem);
    expect(result.usage).toMatch(usage);
  });

  it('rejects very long input', () => {
    const result = parseCommand(`templates set weekly_leadership ${'x'.repeat(5000)}`);
    expect(result).toMatchObject({ ok: false, problem: expect.stringMatching(/limit is 4000/) });
  });
});

describe('COMMAND_HELP', () => {
  it('covers every command once', () => {
    expect(COMMAND_HELP.map((h) => h.name).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  // Examples are written as people type them; Slack escapes mentions and channels before we see them.
  const slackify = (example: string) =>
    example
      .replace(/^\/ai-roi /, '')
      .replace(/(team sync \S+ )@([\w-]+)/, '$1<!subteam^S0GRP|@$2>')
      .replace(/(^|\s)@([\w-]+)/g, '$1<@U0X|$2>')
      .replace(/(^|\s)#([\w-]+)/g, '$1<#C0X|$2>');

  it.each(COMMAND_HELP.flatMap((h) => h.examples.map((example) => [h.name, example])))(
    '%s example parses: %s',
    (name, example) => {
      const result = parseCommand(slackify(example));
      expect(result.ok ? result.command.kind : result.problem).toBe(name);
    },
  );

  it('help text lists every usage, and one topic with examples', () => {
    const all = helpText();
    for (const h of COMMAND_HELP) expect(all).toContain(h.usage);
    expect(helpText('budget')).toContain('• `/ai-roi budget team Payments set $2,000 monthly`');
  });
});

describe('token schemas', () => {
  it.each([
    ['$2,000', 2000],
    ['2000', 2000],
    ['$2,000.5', 2000.5],
    ['1.5k', 1500],
    ['$10,000,000', 10_000_000],
  ])('amount %s = %d', (input, value) => {
    expect(amountSchema.parse(input)).toBe(value);
  });

  it('thresholds and times', () => {
    expect(thresholdsSchema.parse('80,50')).toEqual([50, 80]);
    expect(timeSchema.parse('9:05')).toBe('09:05');
    expect(timeSchema.parse('12pm')).toBe('12:00');
    expect(timeSchema.safeParse('9').success).toBe(false);
  });
});

describe('editDistance / closest', () => {
  it.each([
    ['budget', 'budget', 0],
    ['budgte', 'budget', 1],
    ['buget', 'budget', 1],
    ['budgets', 'budget', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s = %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('suggests within reach only', () => {
    expect(closest('budgte', COMMAND_NAMES)).toBe('budget');
    expect(closest('sub', COMMAND_NAMES)).toBe('subscribe');
    expect(closest('zz', COMMAND_NAMES)).toBeUndefined();
    expect(closest('banana', COMMAND_NAMES)).toBeUndefined();
  });
});
