/** What `/ai-roi help` says: one entry per command, with usage and examples. */
import type { CommandName } from './command-schema.ts';
import { TEMPLATE_KEYS } from './templates.ts';

export interface CommandHelp {
  name: CommandName;
  usage: string;
  description: string;
  examples: string[];
  /** Who may run it; handlers enforce this, help only says it. */
  role: 'everyone' | 'manager';
}

export const COMMAND_HELP: readonly CommandHelp[] = [
  {
    name: 'help',
    usage: '/ai-roi help [COMMAND]',
    description: 'List every command, or explain one.',
    examples: ['/ai-roi help', '/ai-roi help budget'],
    role: 'everyone',
  },
  {
    name: 'summary',
    usage: '/ai-roi summary [me|@user|team NAME|org] [week|month|30d|YYYY-MM] [share]',
    description: 'Spend, class mix with coverage, outcomes and cost per outcome vs the previous period.',
    examples: ['/ai-roi summary', '/ai-roi summary team Payments month', '/ai-roi summary org 2025-11 share'],
    role: 'everyone',
  },
  {
    name: 'budget',
    usage:
      '/ai-roi budget [team NAME] [show | set $AMOUNT [monthly|weekly] | split productive=60 exploratory=30 wasteful=10 | alerts 50,80,100]',
    description: 'Show or change a team budget, its per-class split and alert thresholds.',
    examples: [
      '/ai-roi budget team Payments',
      '/ai-roi budget team Payments set $2,000 monthly',
      '/ai-roi budget team Payments split productive=60 exploratory=30 wasteful=10',
      '/ai-roi budget team Payments alerts 50,80,100',
    ],
    role: 'manager',
  },
  {
    name: 'forecast',
    usage: '/ai-roi forecast [team NAME]',
    description: 'Spend to date, daily burn rate, projected spend and the day the budget runs out.',
    examples: ['/ai-roi forecast team Payments'],
    role: 'everyone',
  },
  {
    name: 'team',
    usage:
      '/ai-roi team create NAME | add @user… NAME | remove @user… NAME | managers add|remove @user… NAME | list | sync NAME @usergroup',
    description:
      'Create teams, manage members (optionally synced from a Slack user group) and appoint managers.',
    examples: [
      '/ai-roi team create Payments',
      '/ai-roi team add @ana @ben Payments',
      '/ai-roi team remove @ben Payments',
      '/ai-roi team sync Payments @payments-eng',
      '/ai-roi team managers add @dana Payments',
      '/ai-roi team list',
    ],
    role: 'manager',
  },
  {
    name: 'map',
    usage: '/ai-roi map @user EMAIL',
    description: 'Link a telemetry identity (email) to a Slack user.',
    examples: ['/ai-roi map @ana ana@example.com'],
    role: 'manager',
  },
  {
    name: 'unmapped',
    usage: '/ai-roi unmapped',
    description: 'Identities with spend but no Slack user.',
    examples: ['/ai-roi unmapped'],
    role: 'manager',
  },
  {
    name: 'link',
    usage: '/ai-roi link SESSION ENG-123',
    description: 'Link one of your sessions to a Linear issue.',
    examples: ['/ai-roi link 65f0c2 ENG-123'],
    role: 'everyone',
  },
  {
    name: 'classify',
    usage: '/ai-roi classify',
    description: 'Open your unclassified sessions.',
    examples: ['/ai-roi classify'],
    role: 'everyone',
  },
  {
    name: 'reclassify',
    usage: '/ai-roi reclassify SESSION productive|exploratory|wasteful',
    description: 'Change the class of a team member’s session (audited; the engineer is told).',
    examples: ['/ai-roi reclassify 65f0c2 exploratory'],
    role: 'manager',
  },
  {
    name: 'digest',
    usage: '/ai-roi digest preview|now [#channel]',
    description: 'Preview the next digest privately, or post it now.',
    examples: ['/ai-roi digest preview', '/ai-roi digest now #eng-leads'],
    role: 'manager',
  },
  {
    name: 'subscribe',
    usage: '/ai-roi subscribe #channel [daily|weekly|monthly] [mon 09:00] [team NAME|org] [leadership|team]',
    description:
      'Post a digest to a channel on a schedule (channel timezone; default weekly, Monday 09:00, org).',
    examples: [
      '/ai-roi subscribe #eng-leads',
      '/ai-roi subscribe #payments weekly fri 16:00 team Payments team',
      '/ai-roi subscribe #leadership monthly 1st 9am org leadership',
    ],
    role: 'manager',
  },
  {
    name: 'unsubscribe',
    usage: '/ai-roi unsubscribe #channel',
    description: 'Stop a channel’s digest.',
    examples: ['/ai-roi unsubscribe #eng-leads'],
    role: 'manager',
  },
  {
    name: 'templates',
    usage: '/ai-roi templates list | show KEY | set KEY TEXT | preview KEY | reset KEY',
    description: `ROI sentence templates (${TEMPLATE_KEYS.join(', ')}).`,
    examples: [
      '/ai-roi templates list',
      '/ai-roi templates show weekly_leadership',
      '/ai-roi templates set weekly_leadership {{periodIntro}} {{spend}} of AI spend, {{coverage}} classified.',
      '/ai-roi templates reset weekly_leadership',
    ],
    role: 'manager',
  },
  {
    name: 'export',
    usage: '/ai-roi export [month|YYYY-MM] [team NAME]',
    description: 'CSV of sessions (no prompt contents), sent to you as a DM.',
    examples: ['/ai-roi export', '/ai-roi export 2025-11 team Payments'],
    role: 'everyone',
  },
  {
    name: 'prefs',
    usage: '/ai-roi prefs [immediate|daily|weekly|off]',
    description: 'How you are asked to classify sessions (daily: one DM at 16:30 on weekdays).',
    examples: ['/ai-roi prefs', '/ai-roi prefs weekly'],
    role: 'everyone',
  },
];

export function usageOf(name: CommandName): string {
  return COMMAND_HELP.find((h) => h.name === name)!.usage;
}

/** Plain-text help: every command, or one command with its examples. */
export function helpText(topic?: CommandName): string {
  if (topic) {
    const help = COMMAND_HELP.find((h) => h.name === topic)!;
    return [`\`${help.usage}\``, help.description, ...help.examples.map((e) => `• \`${e}\``)].join('\n');
  }
  return COMMAND_HELP.map((h) => `\`${h.usage}\` — ${h.description}`).join('\n');
}
