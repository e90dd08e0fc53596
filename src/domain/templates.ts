/**
 * ROI language templates: the sentences leadership can lift straight into a report.
 *
 * Syntax (a small subset of Mustache):
 * - `{{var}}` inserts a variable;
 * - `{{#var}}…{{/var}}` renders its body only when the variable has a value;
 * - `{{^var}}…{{/var}}` renders its body only when it has none.
 * A variable "has no value" when it is empty or "0" (no outcomes, no budget, nothing to compare).
 * Unknown variables are rejected by validateTemplate; caveats (low coverage, estimated costs)
 * are appended automatically and cannot be removed by a custom template.
 */
import type { DigestNumbers } from './digest.ts';
import { formatChange, formatPct, formatUsd } from './money.ts';
import { addDaysToDay, formatDayShort } from './periods.ts';

export const TEMPLATE_KEYS = ['weekly_leadership', 'team_retro', 'budget_warning', 'cut_or_invest'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const TEMPLATE_VARIABLES = {
  spend: 'AI spend in the period, e.g. $4,210',
  productivePct: 'productive share of spend, e.g. 71%',
  exploratoryPct: 'exploratory share of spend',
  wastefulPct: 'wasteful share of spend',
  coverage: 'classified share of spend, e.g. 92%',
  outcomes: 'outcomes shipped with AI sessions (count)',
  outcomesText: '"12 outcomes" / "1 outcome"',
  issues: 'completed Linear issues with AI sessions (count)',
  issuesText: '"38 completed Linear issues" / "1 completed Linear issue"',
  prs: 'merged PRs with AI sessions (count)',
  prsText: '"5 merged PRs" / "1 merged PR"',
  costPerOutcome: 'AI cost per shipped outcome',
  costPerIssue: 'AI cost per completed issue',
  costPerPr: 'AI cost per merged PR',
  trend: 'change in cost per issue (per outcome without issues), e.g. "down 14% from last week"',
  budgetPct: 'share of the budget used, e.g. 64%',
  budget: 'the budget amount, e.g. $2,000',
  projectedSpend: 'projected spend at the end of the budget period',
  forecastDate: 'day the budget runs out at the current rate, e.g. Dec 19',
  periodLabel: 'the period, e.g. "Week of Dec 8, 2025"',
  periodIntro: '"This week", "This month", or "In November 2025," for a finished period',
  previousLabel: '"last week", "the month before", …',
  team: 'the team name, or "All teams"',
  topSink: 'largest wasteful sink, e.g. "payments-api ($620 wasteful)"',
  cheapestSource: 'cheapest outcome source, e.g. "checkout-web ($42 per outcome)"',
  exploratoryAllowance: 'exploratory share allowed by the budget split, e.g. 25%',
  exploratoryVerdict: '"stayed inside" or "went over" (the allowance)',
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export const TEMPLATE_VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];
export type TemplateVariables = Record<TemplateVariable, string>;

export const MAX_TEMPLATE_LENGTH = 2000;

export interface TemplateDefinition {
  title: string;
  description: string;
  text: string;
}

export const DEFAULT_TEMPLATES: Record<TemplateKey, TemplateDefinition> = {
  weekly_leadership: {
    title: 'Weekly leadership summary',
    description: 'One sentence: spend, mix, outcomes, cost per issue and trend.',
    text:
      '{{periodIntro}} {{spend}} of AI spend ({{productivePct}} productive, {{coverage}} classified)' +
      '{{#issues}} went into {{issuesText}} — {{costPerIssue}} per issue{{#trend}}, {{trend}}{{/trend}}{{/issues}}' +
      '{{^issues}}{{#prs}} went into {{prsText}} — {{costPerPr}} per PR{{#trend}}, {{trend}}{{/trend}}{{/prs}}' +
      '{{^prs}} is not yet linked to any completed Linear issue or merged PR{{/prs}}{{/issues}}' +
      '{{#exploratoryAllowance}}; exploratory spend {{exploratoryVerdict}} its {{exploratoryAllowance}} allowance{{/exploratoryAllowance}}.',
  },
  team_retro: {
    title: 'Team retro',
    description: 'Mix in full, what shipped, and the largest wasteful sink to talk about.',
    text:
      '{{team}}, {{periodLabel}}: {{spend}} of AI spend — {{productivePct}} productive, {{exploratoryPct}} exploratory, ' +
      '{{wastefulPct}} wasteful ({{coverage}} classified).' +
      '{{#issues}} {{issuesText}} at {{costPerIssue}} each{{#trend}} ({{trend}}){{/trend}}.{{/issues}}' +
      '{{#prs}} {{prsText}}.{{/prs}}' +
      '{{^outcomes}} No shipped work was linked to AI sessions yet; linking issues makes this retro sharper.{{/outcomes}}' +
      '{{#topSink}} Largest wasteful sink: {{topSink}}.{{/topSink}}',
  },
  budget_warning: {
    title: 'Budget warning',
    description: 'Budget used so far and the run-out date at the current rate.',
    text:
      '{{#budget}}{{team}} has used {{budgetPct}} of its {{budget}} AI budget' +
      '{{#forecastDate}}; at this rate it runs out on {{forecastDate}}{{/forecastDate}}' +
      '{{^forecastDate}}{{#projectedSpend}}; at this rate it ends the period at {{projectedSpend}}{{/projectedSpend}}{{/forecastDate}}.{{/budget}}' +
      '{{^budget}}{{team}} has no AI budget set; spend for {{periodLabel}} is {{spend}}.{{/budget}}',
  },
  cut_or_invest: {
    title: 'What to cut / where to invest',
    description: 'Names the largest wasteful sink and the cheapest source of outcomes.',
    text:
      '{{#topSink}}Cut: {{topSink}} is the largest wasteful sink.{{/topSink}}' +
      '{{^topSink}}Cut: nothing stands out; no wasteful spend was recorded.{{/topSink}} ' +
      '{{#cheapestSource}}Invest: {{cheapestSource}} delivers outcomes at the lowest AI cost.{{/cheapestSource}}' +
      '{{^cheapestSource}}Invest: no outcomes are linked to AI spend yet, so there is no cheapest source to back.{{/cheapestSource}}',
  },
};

export function isTemplateKey(value: string): value is TemplateKey {
  return (TEMPLATE_KEYS as readonly string[]).includes(value);
}

const TAG = /\{\{\s*([#^/]?)\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

type Node =
  | { text: string }
  | { variable: string }
  | { section: string; inverted: boolean; children: Node[] };

type ParseResult = { ok: true; nodes: Node[]; variables: string[] } | { ok: false; problem: string };

function parse(text: string): ParseResult {
  const root: Node[] = [];
  const stack: { name: string; children: Node[] }[] = [];
  const variables: string[] = [];
  let children = root;
  let last = 0;
  const pushText = (chunk: string): ParseResult | null => {
    if (chunk.includes('{{') || chunk.includes('}}')) {
      const at = chunk.includes('{{')
        ? chunk.slice(chunk.indexOf('{{'))
        : chunk.slice(0, chunk.indexOf('}}') + 2);
      return {
        ok: false,
        problem: `malformed placeholder near "${at.slice(0, 30)}"; write variables as {{name}}`,
      };
    }
    if (chunk) children.push({ text: chunk });
    return null;
  };
  for (const match of text.matchAll(TAG)) {
    const error = pushText(text.slice(last, match.index));
    if (error) return error;
    last = match.index + match[0].length;
    const sigil = match[1] ?? '';
    const name = match[2] ?? '';
    if (!variables.includes(name)) variables.push(name);
    if (sigil === '') {
      children.push({ variable: name });
    } else if (sigil === '/') {
      const open = stack.pop();
      if (!open || open.name !== name) {
        return { ok: false, problem: `{{/${name}}} closes ${open ? `{{#${open.name}}}` : 'nothing'}` };
      }
      children = stack.at(-1)?.children ?? root;
    } else {
      const node = { section: name, inverted: sigil === '^', children: [] as Node[] };
      children.push(node);
      stack.push({ name, children: node.children });
      children = node.children;
    }
  }
  const error = pushText(text.slice(last));
  if (error) return error;
  const open = stack.pop();
  if (open) return { ok: false, problem: `{{#${open.name}}} is never closed with {{/${open.name}}}` };
  return { ok: true, nodes: root, variables };
}

export type TemplateValidation =
  | { ok: true; variables: TemplateVariable[] }
  | { ok: false; problem: string; unknown: string[]; valid: readonly TemplateVariable[] };

export function validateTemplate(text: string): TemplateValidation {
  const fail = (problem: string, unknown: string[] = []): TemplateValidation => ({
    ok: false,
    problem,
    unknown,
    valid: TEMPLATE_VARIABLE_NAMES,
  });
  if (text.trim().length === 0) return fail('the template is empty');
  if (text.length > MAX_TEMPLATE_LENGTH) {
    return fail(`the template is ${text.length} characters; the limit is ${MAX_TEMPLATE_LENGTH}`);
  }
  const parsed = parse(text);
  if (!parsed.ok) return fail(parsed.problem);
  const unknown = parsed.variables.filter((name) => !(name in TEMPLATE_VARIABLES));
  if (unknown.length > 0) {
    const list = unknown.map((name) => `{{${name}}}`).join(', ');
    return fail(
      `unknown variable${unknown.length === 1 ? '' : 's'} ${list}; valid variables: ${TEMPLATE_VARIABLE_NAMES.join(', ')}`,
      unknown,
    );
  }
  return { ok: true, variables: parsed.variables as TemplateVariable[] };
}

function hasValue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}

function renderNodes(nodes: readonly Node[], vars: Partial<Record<string, string>>): string {
  return nodes
    .map((node) => {
      if ('text' in node) return node.text;
      if ('variable' in node) return vars[node.variable] ?? '';
      const show = hasValue(vars[node.section]) !== node.inverted;
      return show ? renderNodes(node.children, vars) : '';
    })
    .join('');
}

/** Renders a template; unknown variables render empty. Throws on malformed syntax (validate first). */
export function renderTemplate(text: string, vars: Partial<Record<string, string>>): string {
  const parsed = parse(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return renderNodes(parsed.nodes, vars)
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function money(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : formatUsd(value);
}

function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : formatPct(value);
}

function periodWords(d: DigestNumbers): { intro: string; previous: string } {
  const { kind } = d.period;
  if (d.periodStatus === 'current') {
    if (kind === 'week') return { intro: 'This week', previous: 'last week' };
    if (kind === 'month') return { intro: 'This month', previous: 'last month' };
    return { intro: 'In the last 30 days', previous: 'the previous 30 days' };
  }
  if (kind === 'week') return { intro: `In the ${d.period.shortLabel},`, previous: 'the week before' };
  if (kind === 'month') return { intro: `In ${d.period.label},`, previous: 'the month before' };
  const lastDay = formatDayShort(addDaysToDay(d.period.endDay, -1));
  return { intro: `In the 30 days to ${lastDay},`, previous: 'the 30 days before' };
}

/** Template variables from digest numbers; values that do not apply are empty strings. */
export function templateVariables(d: DigestNumbers): TemplateVariables {
  const words = periodWords(d);
  const useIssues = d.outcomes.issues > 0;
  const current = useIssues ? d.outcomes.costPerIssue : d.outcomes.costPerOutcome;
  const previous = useIssues ? d.previousOutcomes?.costPerIssue : d.previousOutcomes?.costPerOutcome;
  const change = current === null ? 'n/a' : formatChange(current, previous);
  let trend = '';
  if (change === 'flat') trend = `unchanged from ${words.previous}`;
  else if (change.startsWith('up') || change.startsWith('down')) trend = `${change} from ${words.previous}`;

  const sink = d.sinks[0];
  const source = d.outcomeSources[0];
  const allowance = d.exploratory.allowancePct;
  const forecastDay = d.forecast?.runOutDay;
  return {
    spend: formatUsd(d.spend.totalUsd),
    productivePct: percent(d.mix.productive.pct),
    exploratoryPct: percent(d.mix.exploratory.pct),
    wastefulPct: percent(d.mix.wasteful.pct),
    coverage: percent(d.coverage.pct),
    outcomes: String(d.outcomes.total),
    outcomesText: plural(d.outcomes.total, 'outcome', 'outcomes'),
    issues: String(d.outcomes.issues),
    issuesText: plural(d.outcomes.issues, 'completed Linear issue', 'completed Linear issues'),
    prs: String(d.outcomes.prs),
    prsText: plural(d.outcomes.prs, 'merged PR', 'merged PRs'),
    costPerOutcome: money(d.outcomes.costPerOutcome),
    costPerIssue: money(d.outcomes.costPerIssue),
    costPerPr: money(d.outcomes.costPerPr),
    trend,
    budgetPct: percent(d.budget?.usedPct),
    budget: money(d.budget?.amountUsd),
    projectedSpend: money(d.forecast?.projectedUsd),
    forecastDate: forecastDay ? formatDayShort(forecastDay) : '',
    periodLabel: d.period.label,
    periodIntro: words.intro,
    previousLabel: d.previousPeriod ? words.previous : '',
    team: d.scope.kind === 'team' ? d.scope.team : 'All teams',
    topSink: sink ? `${sink.name} (${formatUsd(sink.wastefulUsd)} wasteful)` : '',
    cheapestSource: source ? `${source.name} (${formatUsd(source.costPerOutcome)} per outcome)` : '',
    exploratoryAllowance: allowance === null ? '' : formatPct(allowance),
    exploratoryVerdict:
      d.exploratory.within === null ? '' : d.exploratory.within ? 'stayed inside' : 'went over',
  };
}

export const LOW_COVERAGE_PCT = 70;

/** Sentences that must accompany any ROI sentence built on these numbers. */
export function templateCaveats(d: DigestNumbers): string[] {
  const caveats: string[] = [];
  if (d.spend.totalUsd <= 0) return caveats;
  if (d.coverage.pct !== null && d.coverage.pct < LOW_COVERAGE_PCT) {
    caveats.push(`Only ${formatPct(d.coverage.pct)} of spend is classified, so the mix may still shift.`);
  }
  const estimated = d.provenance.estimatedPct;
  if (estimated !== null && estimated > 0) {
    caveats.push(
      estimated >= 99.5
        ? 'Costs are telemetry estimates, not billed amounts.'
        : `${formatPct(estimated)} of the cost is a telemetry estimate, not a billed amount.`,
    );
  }
  return caveats;
}

export interface RenderedSentence {
  /** The sentence followed by its caveats. */
  text: string;
  sentence: string;
  caveats: string[];
}

/**
 * The ROI sentence for a digest from a stored template (or the default for `key`), with
 * caveats appended. A period without spend gets a plain statement instead of a template
 * full of zeros.
 */
export function renderRoiSentence(
  d: DigestNumbers,
  key: TemplateKey,
  storedText?: string | null,
): RenderedSentence {
  const vars = templateVariables(d);
  let sentence: string;
  if (d.spend.totalUsd <= 0) {
    const intro = vars.periodIntro.replace(/,$/, '');
    sentence = `No AI spend was recorded ${intro.charAt(0).toLowerCase()}${intro.slice(1)}.`;
  } else {
    const text = storedText && validateTemplate(storedText).ok ? storedText : DEFAULT_TEMPLATES[key].text;
    sentence = renderTemplate(text, vars);
  }
  const caveats = templateCaveats(d);
  return { text: [sentence, ...caveats].join(' '), sentence, caveats };
}
