/**
 * The scheduled digest (leadership or team): numbers come in computed, this only lays them out, within the
 * message limits whatever the number and length of team names.
 */
import type { KnownBlock } from '@slack/types';
import type { Forecast } from '../src/domain/forecast.ts';
import { formatDayShort } from '../src/domain/periods.ts';
import {
  bar,
  type ClassMixUsd,
  code,
  coverageOf,
  escapeMrkdwn,
  formatChange,
  formatMix,
  formatShare,
  formatUsd,
  link,
  packLines,
  plural,
  userText,
} from './format.ts';
import { context, divider, fieldsSection, header, type SlackMessage, section } from './kit.ts';
import { LIMITS, truncate } from './limits.ts';

/** The forecast facts the digest shows; the domain `Forecast` satisfies it. */
export type DigestForecast = Pick<
  Forecast,
  'projectedUsd' | 'budgetUsd' | 'runOutDay' | 'exhausted' | 'confidence'
>;

export interface DigestWin {
  /** ENG-123 or owner/repo#42. */
  ref: string;
  title?: string;
  url?: string;
  /** AI spend of the sessions linked to it. */
  costUsd: number;
}

export interface DigestSink {
  kind: 'repo' | 'model' | 'person';
  /** Repo or model name; for `person`, a Slack user id (rendered as a mention). Persons never show in leadership digests. */
  label: string;
  costUsd: number;
  wastefulUsd?: number;
}

export interface DigestTeamRow {
  /** Already privacy-floored: small groups arrive merged as "other". */
  name: string;
  spendUsd: number;
  budgetUsd?: number;
  /** 0..1 */
  productiveShare?: number;
  outcomes?: number;
}

/** The minimal input of the digest layout; adapt from the domain's DigestNumbers. Shares are 0..1. */
export interface DigestBlocksInput {
  audience: 'leadership' | 'team';
  /** Org or team name. */
  scopeName: string;
  /** "Week of Dec 8, 2025". */
  periodLabel: string;
  /** "last week", "November": used in "vs …". */
  previousLabel: string;
  spend: {
    periodUsd: number;
    previousPeriodUsd?: number;
    /** Budget for the digest period, when there is one. */
    budgetUsd?: number;
    monthToDateUsd?: number;
    monthBudgetUsd?: number;
  };
  forecast?: DigestForecast;
  /** Spend per class in USD. */
  mix: ClassMixUsd;
  /** Share of spend classified; computed from `mix` when absent. */
  coverage?: number;
  outcomes: {
    issuesCompleted: number;
    prsMerged: number;
    costPerIssueUsd?: number;
    previousCostPerIssueUsd?: number;
    costPerPrUsd?: number;
    previousCostPerPrUsd?: number;
  };
  calibration?: {
    /** Self-rated productive spend whose work shipped. */
    productiveShippedShare?: number;
    wastefulShare: number;
    previousWastefulShare?: number;
  };
  wins: readonly DigestWin[];
  sinks: readonly DigestSink[];
  teams?: readonly DigestTeamRow[];
  /** Rendered from the template (mrkdwn allowed); also the notification text. */
  roiSentence: string;
  /** Automatic caveats (low coverage, estimated data…). */
  caveats?: readonly string[];
  provenance: {
    estimatedUsd: number;
    billedUsd: number;
    /** People who answered at least one prompt in the period, of `people` with spend. */
    respondents: number;
    people: number;
  };
  chart?:
    | { status: 'attached' }
    | { status: 'unavailable'; reason: string }
    | { status: 'image'; imageUrl: string; altText: string };
}

export const DIGEST_TEAMS_LISTED = 12;

export function buildDigestMessage(input: DigestBlocksInput): SlackMessage {
  const title = `AI ROI — ${input.scopeName} · ${input.periodLabel}`;
  const blocks: KnownBlock[] = [
    header(title, 'digest_header'),
    section(escapeMrkdwn(input.roiSentence), { blockId: 'roi' }),
  ];
  if (input.caveats && input.caveats.length > 0) {
    blocks.push(
      context(
        input.caveats.slice(0, LIMITS.contextElements).map((c) => `:warning: ${escapeMrkdwn(c)}`),
        'caveats',
      ),
    );
  }

  blocks.push(divider(), fieldsSection(spendFields(input), 'spend'));

  const coverage = input.coverage ?? coverageOf(input.mix);
  blocks.push(
    section(`*Class mix* · ${formatShare(coverage)} of spend classified\n${formatMix(input.mix)}`, {
      blockId: 'mix',
    }),
  );

  blocks.push(fieldsSection(outcomeFields(input), 'outcomes'));

  if (input.calibration)
    blocks.push(section(calibrationLine(input.calibration, input.previousLabel), { blockId: 'calibration' }));

  const wins = input.wins.slice(0, 3);
  const sinks = input.sinks.filter((s) => input.audience === 'team' || s.kind !== 'person').slice(0, 3);
  const winLines = wins.map((w, i) => `${i + 1}. ${winLabel(w)} — ${formatUsd(w.costUsd)} of AI`);
  const sinkLines = sinks.map(
    (s, i) =>
      `${i + 1}. ${sinkLabel(s)} — ${formatUsd(s.costUsd)}${s.wastefulUsd ? ` (${formatUsd(s.wastefulUsd)} wasteful)` : ''}`,
  );
  blocks.push(
    fieldsSection(
      [
        `*Top wins*\n${winLines.length > 0 ? winLines.join('\n') : '_No shipped outcomes with AI sessions yet._'}`,
        `*Top sinks*\n${sinkLines.length > 0 ? sinkLines.join('\n') : '_None._'}`,
      ],
      'wins_sinks',
    ),
  );

  if (input.teams && input.teams.length > 0) blocks.push(...teamBlocks(input.teams));

  if (input.chart) {
    if (input.chart.status === 'image') {
      blocks.push({
        type: 'image',
        block_id: 'chart',
        image_url: input.chart.imageUrl,
        alt_text: truncate(input.chart.altText, LIMITS.imageAltText),
      });
    } else if (input.chart.status === 'attached') {
      blocks.push(
        context([':bar_chart: Chart attached: spend per day by class, outcomes as a line.'], 'chart'),
      );
    } else {
      blocks.push(context([`:warning: Chart unavailable: ${userText(input.chart.reason, 300)}`], 'chart'));
    }
  }

  blocks.push(context([provenanceLine(input.provenance)], 'provenance'));

  return { text: truncate(`${title}: ${input.roiSentence}`, LIMITS.messageText), blocks };
}

function spendFields(input: DigestBlocksInput): string[] {
  const { spend, previousLabel } = input;
  const change = formatChange(spend.periodUsd, spend.previousPeriodUsd);
  const fields = [
    `*Spend*\n${formatUsd(spend.periodUsd)}${spend.previousPeriodUsd !== undefined ? ` (${change} vs ${escapeMrkdwn(previousLabel)})` : ''}`,
  ];
  if (spend.budgetUsd !== undefined && spend.budgetUsd > 0) {
    const share = spend.periodUsd / spend.budgetUsd;
    fields.push(
      `*Budget*\n${formatUsd(spend.periodUsd)} of ${formatUsd(spend.budgetUsd)} (${formatShare(share)})\n\`${bar(share)}\``,
    );
  } else {
    fields.push('*Budget*\nNo budget set');
  }
  if (spend.monthToDateUsd !== undefined) {
    const of = spend.monthBudgetUsd
      ? ` of ${formatUsd(spend.monthBudgetUsd)} (${formatShare(spend.monthToDateUsd / spend.monthBudgetUsd)})`
      : '';
    fields.push(`*Month to date*\n${formatUsd(spend.monthToDateUsd)}${of}`);
  }
  if (input.forecast) fields.push(`*Forecast*\n${forecastLine(input.forecast)}`);
  return fields;
}

/** "$6,100 by period end — runs out Dec 21 (confidence medium)". */
export function forecastLine(f: DigestForecast): string {
  const parts = [`${formatUsd(f.projectedUsd)} by period end`];
  if (f.budgetUsd !== null && f.budgetUsd > 0) {
    if (f.exhausted)
      parts.push(f.runOutDay ? `budget ran out ${formatDayShort(f.runOutDay)}` : 'budget ran out');
    else if (f.runOutDay) parts.push(`runs out ${formatDayShort(f.runOutDay)}`);
    else parts.push('within budget');
  }
  return `${parts.join(' — ')} (${f.confidence} confidence)`;
}

function outcomeFields(input: DigestBlocksInput): string[] {
  const o = input.outcomes;
  const per = (cost: number | undefined, previous: number | undefined, unit: string) => {
    if (cost === undefined) return '';
    const change =
      previous !== undefined
        ? `, ${formatChange(cost, previous)} vs ${escapeMrkdwn(input.previousLabel)}`
        : '';
    return `\n${formatUsd(cost)} per ${unit}${change}`;
  };
  return [
    `*Linear issues completed*\n${o.issuesCompleted.toLocaleString('en-US')}${per(o.costPerIssueUsd, o.previousCostPerIssueUsd, 'issue')}`,
    `*PRs merged*\n${o.prsMerged.toLocaleString('en-US')}${per(o.costPerPrUsd, o.previousCostPerPrUsd, 'PR')}`,
  ];
}

function calibrationLine(c: NonNullable<DigestBlocksInput['calibration']>, previousLabel: string): string {
  const parts: string[] = [];
  if (c.productiveShippedShare !== undefined) {
    parts.push(`${formatShare(c.productiveShippedShare)} of self-rated productive spend shipped`);
  }
  const trend =
    c.previousWastefulShare !== undefined
      ? ` (${formatShare(c.previousWastefulShare)} ${escapeMrkdwn(previousLabel)})`
      : '';
  parts.push(`wasteful share ${formatShare(c.wastefulShare)}${trend}`);
  return `*Calibration:* ${parts.join(' · ')}`;
}

function winLabel(w: DigestWin): string {
  const ref = userText(w.ref, 40);
  const title = w.title ? ` ${userText(w.title, 80)}` : '';
  return w.url ? link(w.url, `${ref}${title}`) : `${ref}${title}`;
}

function sinkLabel(s: DigestSink): string {
  if (s.kind === 'person')
    return /^[UW][A-Z0-9]{2,20}$/.test(s.label) ? `<@${s.label}>` : userText(s.label, 60);
  return `${s.kind} ${code(s.label, 60)}`;
}

function teamBlocks(teams: readonly DigestTeamRow[]): KnownBlock[] {
  const sorted = [...teams].sort((a, b) => b.spendUsd - a.spendUsd || a.name.localeCompare(b.name));
  const listed = sorted.slice(0, DIGEST_TEAMS_LISTED);
  const rest = sorted.slice(DIGEST_TEAMS_LISTED);
  const lines = listed.map((t) => {
    const parts = [`*${userText(t.name, 60)}* ${formatUsd(t.spendUsd)}`];
    if (t.budgetUsd) parts.push(`${formatShare(t.spendUsd / t.budgetUsd)} of budget`);
    if (t.productiveShare !== undefined) parts.push(`${formatShare(t.productiveShare)} productive`);
    if (t.outcomes !== undefined) parts.push(plural(t.outcomes, 'outcome'));
    return `• ${parts.join(' · ')}`;
  });
  if (rest.length > 0) {
    const restUsd = rest.reduce((sum, t) => sum + t.spendUsd, 0);
    lines.push(`…and ${plural(rest.length, 'more team')} (${formatUsd(restUsd)})`);
  }
  const [first, ...more] = packLines(lines, LIMITS.sectionText);
  return [
    section(`*By team*\n${first ?? ''}`, { blockId: 'teams' }),
    ...more.slice(0, 2).map((chunk, i) => section(chunk, { blockId: `teams_${i + 1}` })),
  ];
}

/** What is estimated vs billed, measured vs self-reported, and how many answered. */
export function provenanceLine(p: DigestBlocksInput['provenance']): string {
  const total = p.estimatedUsd + p.billedUsd;
  const cost =
    total === 0
      ? 'No spend recorded'
      : p.estimatedUsd === 0
        ? 'Costs billed'
        : p.billedUsd === 0
          ? 'Costs estimated from telemetry'
          : `Costs: ${formatUsd(p.billedUsd)} billed, ${formatUsd(p.estimatedUsd)} estimated from telemetry`;
  return `${cost} · spend and outcomes measured (Linear, GitHub) · classes self-reported by ${p.respondents} of ${plural(p.people, 'person', 'people')}`;
}
