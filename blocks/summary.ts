/** Answers to `/ai-roi summary`, `forecast` and `budget`: short, ephemeral, numbers first. */
import type { KnownBlock } from '@slack/types';
import type { Forecast } from '../src/domain/forecast.ts';
import { formatPct } from '../src/domain/money.ts';
import { formatDayShort } from '../src/domain/periods.ts';
import type { Budget, SessionClass } from '../src/domain/types.ts';
import {
  bar,
  CLASS_LABEL,
  type ClassMixUsd,
  coverageOf,
  escapeMrkdwn,
  formatChange,
  formatMix,
  formatShare,
  formatUsd,
  mixTotal,
  plural,
  userText,
} from './format.ts';
import { context, fieldsSection, header, type SlackMessage, section } from './kit.ts';

export interface SummaryInput {
  /** "Your sessions", "Team Platform". */
  scopeLabel: string;
  /** "December 2025". */
  periodLabel: string;
  /** "November": used in "vs …". */
  previousLabel: string;
  spendUsd: number;
  previousSpendUsd?: number;
  sessions?: number;
  mix: ClassMixUsd;
  /** Share of spend classified (0..1); computed from `mix` when absent. */
  coverage?: number;
  outcomes: {
    issuesCompleted: number;
    prsMerged: number;
    costPerOutcomeUsd?: number;
    previousCostPerOutcomeUsd?: number;
  };
}

export function buildSummaryMessage(input: SummaryInput): SlackMessage {
  const scope = userText(input.scopeLabel, 80);
  const vs = escapeMrkdwn(input.previousLabel);
  const spendChange =
    input.previousSpendUsd !== undefined
      ? ` (${formatChange(input.spendUsd, input.previousSpendUsd)} vs ${vs})`
      : '';
  const o = input.outcomes;
  const outcomeCount = o.issuesCompleted + o.prsMerged;
  const perOutcome =
    o.costPerOutcomeUsd !== undefined
      ? `${formatUsd(o.costPerOutcomeUsd)}${
          o.previousCostPerOutcomeUsd !== undefined
            ? ` (${formatChange(o.costPerOutcomeUsd, o.previousCostPerOutcomeUsd)} vs ${vs})`
            : ''
        }`
      : 'n/a (no outcomes)';
  const coverage = input.coverage ?? coverageOf(input.mix);
  const blocks: KnownBlock[] = [
    header(`${input.scopeLabel} · ${input.periodLabel}`),
    fieldsSection([
      `*Spend*\n${formatUsd(input.spendUsd)}${spendChange}`,
      `*Classified*\n${formatShare(coverage)} of spend${input.sessions !== undefined ? ` · ${plural(input.sessions, 'session')}` : ''}`,
      `*Outcomes*\n${plural(o.issuesCompleted, 'issue')} completed · ${plural(o.prsMerged, 'PR')} merged`,
      `*Cost per outcome*\n${perOutcome}`,
    ]),
    section(`*Class mix*\n${formatMix(input.mix)}`),
  ];
  if (coverage < 0.7 && input.spendUsd > 0) {
    blocks.push(
      context([
        `:warning: Only ${formatShare(coverage)} of spend is classified, so the mix may not be representative.`,
      ]),
    );
  }
  return {
    text: `${scope}, ${input.periodLabel}: ${formatUsd(input.spendUsd)} of AI spend, ${formatShare(coverage)} classified, ${plural(outcomeCount, 'outcome')}.`,
    blocks,
  };
}

export type ForecastFacts = Pick<
  Forecast,
  | 'spentUsd'
  | 'budgetUsd'
  | 'percentUsed'
  | 'dailyRateUsd'
  | 'projectedUsd'
  | 'runOutDay'
  | 'exhausted'
  | 'daysRemaining'
  | 'confidence'
  | 'confidenceReason'
>;

export function buildForecastMessage(input: {
  scopeLabel: string;
  periodLabel: string;
  forecast: ForecastFacts;
}): SlackMessage {
  const f = input.forecast;
  const hasBudget = f.budgetUsd !== null && f.budgetUsd > 0;
  let verdict: string;
  if (!hasBudget) verdict = 'No budget set.';
  else if (f.exhausted)
    verdict = `:rotating_light: Budget used up${f.runOutDay ? ` on ${formatDayShort(f.runOutDay)}` : ''}.`;
  else if (f.runOutDay)
    verdict = `:warning: At this rate the budget runs out on ${formatDayShort(f.runOutDay)}.`;
  else verdict = ':white_check_mark: At this rate spend stays within budget.';
  const budgetText = hasBudget
    ? `${formatUsd(f.spentUsd)} of ${formatUsd(f.budgetUsd ?? 0)}${f.percentUsed !== null ? ` (${formatPct(f.percentUsed)})` : ''}\n\`${bar((f.percentUsed ?? 0) / 100)}\``
    : formatUsd(f.spentUsd);
  const blocks: KnownBlock[] = [
    header(`Forecast · ${input.scopeLabel} · ${input.periodLabel}`),
    fieldsSection([
      `*Spent so far*\n${budgetText}`,
      `*Projected by period end*\n${formatUsd(f.projectedUsd)}`,
      `*Daily rate*\n${formatUsd(f.dailyRateUsd)} per day`,
      `*Days left*\n${f.daysRemaining}`,
    ]),
    section(verdict),
    context([`Confidence ${f.confidence}: ${escapeMrkdwn(f.confidenceReason)}`]),
  ];
  return {
    text: `${input.scopeLabel}, ${input.periodLabel}: ${formatUsd(f.spentUsd)} spent, ${formatUsd(f.projectedUsd)} projected. ${verdict.replace(/^:[a-z_]+: /, '')}`,
    blocks,
  };
}

export function buildBudgetMessage(input: {
  /** Team name. */
  scopeLabel: string;
  periodLabel: string;
  budget?: Pick<Budget, 'amountUsd' | 'period' | 'split' | 'alertThresholds'>;
  spentUsd: number;
  /** Spend per class this period, to compare with the split. */
  mix?: ClassMixUsd;
  /** How to change it, shown to those allowed to (mrkdwn). */
  hint?: string;
}): SlackMessage {
  const scope = input.scopeLabel;
  const blocks: KnownBlock[] = [header(`Budget · ${scope}`)];
  const b = input.budget;
  let text: string;
  if (!b || b.amountUsd <= 0) {
    blocks.push(
      section(
        `No budget set for *${userText(scope, 80)}*. Spent ${formatUsd(input.spentUsd)} ${escapeMrkdwn(input.periodLabel)}.`,
      ),
    );
    text = `No budget set for ${scope}; ${formatUsd(input.spentUsd)} spent ${input.periodLabel}.`;
  } else {
    const share = input.spentUsd / b.amountUsd;
    const fields = [
      `*${b.period === 'monthly' ? 'Monthly' : 'Weekly'} budget*\n${formatUsd(b.amountUsd)}`,
      `*Spent ${escapeMrkdwn(input.periodLabel)}*\n${formatUsd(input.spentUsd)} (${formatShare(share)})\n\`${bar(share)}\``,
      `*Alerts at*\n${b.alertThresholds.length > 0 ? b.alertThresholds.map((t) => formatPct(t)).join(', ') : 'none'}`,
    ];
    if (b.split) fields.push(`*Split*\n${splitLine(b.split, input.mix)}`);
    blocks.push(fieldsSection(fields));
    text = `${scope}: ${formatUsd(input.spentUsd)} of ${formatUsd(b.amountUsd)} (${formatShare(share)}) ${input.periodLabel}.`;
  }
  if (input.hint) blocks.push(context([input.hint]));
  return { text, blocks };
}

function splitLine(split: Partial<Record<SessionClass, number>>, mix: ClassMixUsd | undefined): string {
  const total = mix ? mixTotal(mix) : 0;
  return (['productive', 'exploratory', 'wasteful'] as const)
    .filter((c) => split[c] !== undefined)
    .map((c) => {
      const actual = mix && total > 0 ? ` (now ${formatShare(mix[c] / total)})` : '';
      return `${CLASS_LABEL[c]} ${formatPct(split[c] ?? 0)}${actual}`;
    })
    .join(' · ');
}
