import { describe, expect, it } from 'vitest';
import { buildDigest, type DigestNumbers } from '../../../src/domain/digest.ts';
import { forecastBudget } from '../../../src/domain/forecast.ts';
import { periodRange } from '../../../src/domain/periods.ts';
import {
  DEFAULT_TEMPLATES,
  renderRoiSentence,
  renderTemplate,
  TEMPLATE_KEYS,
  TEMPLATE_VARIABLE_NAMES,
  templateCaveats,
  templateVariables,
  validateTemplate,
} from '../../../src/domain/templates.ts';

const now = new Date('2025-12-12T12:00:00Z');
const week = periodRange('week', now, 'UTC');

const empty = buildDigest({
  period: week,
  previousPeriod: week.previous,
  scope: { kind: 'org' },
  audience: 'leadership',
  rollups: [],
  outcomes: [],
  sessionsForOutcomes: [],
  now,
});

/** The product's example week: $4,210, 71% productive, 92% classified, 38 issues at $111 (was $129). */
function exampleWeek(overrides: Partial<DigestNumbers> = {}): DigestNumbers {
  const total = 4210;
  const amount = (usd: number) => ({ usd, pct: (usd / total) * 100 });
  const outcomes = {
    issues: 38,
    prs: 12,
    manual: 0,
    total: 50,
    withoutAi: 4,
    costPerIssue: 111,
    costPerPr: 90,
    costPerOutcome: 105,
    linkedPct: 80,
  };
  return {
    ...empty,
    spend: { totalUsd: total, previousUsd: 4000, changePct: 5.25 },
    mix: {
      productive: amount(2989.1),
      exploratory: amount(842),
      wasteful: amount(42.1),
      unclassified: amount(336.8),
    },
    coverage: { classifiedUsd: 3873.2, pct: 92 },
    exploratory: { allowancePct: 25, actualPct: 20, within: true },
    outcomes,
    previousOutcomes: { ...outcomes, issues: 30, costPerIssue: 129, costPerOutcome: 120 },
    budget: { amountUsd: 20000, period: 'monthly', spentUsd: 9000, usedPct: 45, split: null },
    provenance: { ...empty.provenance, estimatedPct: 0 },
    ...overrides,
  };
}

describe('default weekly leadership sentence', () => {
  it('reads like the product example', () => {
    expect(renderRoiSentence(exampleWeek(), 'weekly_leadership').text).toBe(
      'This week $4,210 of AI spend (71% productive, 92% classified) went into 38 completed Linear issues — $111 per issue, down 14% from last week; exploratory spend stayed inside its 25% allowance.',
    );
  });

  it('without a budget split it leaves the allowance out', () => {
    const d = exampleWeek({ exploratory: { allowancePct: null, actualPct: 20, within: null } });
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toBe(
      'This week $4,210 of AI spend (71% productive, 92% classified) went into 38 completed Linear issues — $111 per issue, down 14% from last week.',
    );
  });

  it('says when exploratory spend went over', () => {
    const d = exampleWeek({ exploratory: { allowancePct: 10, actualPct: 20, within: false } });
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toContain(
      'exploratory spend went over its 10% allowance.',
    );
  });

  it('without a previous period it drops the trend', () => {
    const d = exampleWeek({ previousOutcomes: null, previousPeriod: null });
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toBe(
      'This week $4,210 of AI spend (71% productive, 92% classified) went into 38 completed Linear issues — $111 per issue; exploratory spend stayed inside its 25% allowance.',
    );
  });

  it('a flat trend says unchanged', () => {
    const d = exampleWeek({ previousOutcomes: { ...exampleWeek().outcomes, costPerIssue: 111.3 } });
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toContain(
      '$111 per issue, unchanged from last week;',
    );
  });

  it('falls back to merged PRs when no issue completed', () => {
    const base = exampleWeek();
    const d = exampleWeek({
      outcomes: {
        ...base.outcomes,
        issues: 0,
        costPerIssue: null,
        prs: 1,
        costPerPr: 90,
        total: 1,
        costPerOutcome: 90,
      },
      previousOutcomes: null,
    });
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toContain(
      'went into 1 merged PR — $90 per PR;',
    );
  });

  it('with no outcomes it says the spend is not linked yet', () => {
    const base = exampleWeek();
    const d = exampleWeek({
      outcomes: {
        ...base.outcomes,
        issues: 0,
        prs: 0,
        total: 0,
        costPerIssue: null,
        costPerPr: null,
        costPerOutcome: null,
      },
    });
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toBe(
      'This week $4,210 of AI spend (71% productive, 92% classified) is not yet linked to any completed Linear issue or merged PR; exploratory spend stayed inside its 25% allowance.',
    );
  });

  it('a finished week is introduced by its dates', () => {
    const d = exampleWeek({ periodStatus: 'past' });
    expect(renderRoiSentence(d, 'weekly_leadership').sentence).toMatch(
      /^In the week of Dec 8, \$4,210 of AI spend .* down 14% from the week before;/,
    );
  });

  it('an empty period gets a plain statement', () => {
    expect(renderRoiSentence(empty, 'weekly_leadership')).toEqual({
      text: 'No AI spend was recorded this week.',
      sentence: 'No AI spend was recorded this week.',
      caveats: [],
    });
  });
});

describe('caveats', () => {
  it('low coverage and estimated costs are always appended', () => {
    const d = exampleWeek({
      coverage: { classifiedUsd: 2000, pct: 47.5 },
      provenance: { ...empty.provenance, estimatedPct: 62 },
    });
    expect(templateCaveats(d)).toEqual([
      'Only 48% of spend is classified, so the mix may still shift.',
      '62% of the cost is a telemetry estimate, not a billed amount.',
    ]);
    const rendered = renderRoiSentence(d, 'weekly_leadership', '{{spend}} of AI spend.');
    expect(rendered.text).toBe(
      '$4,210 of AI spend. Only 48% of spend is classified, so the mix may still shift. 62% of the cost is a telemetry estimate, not a billed amount.',
    );
  });

  it('fully estimated data says so plainly', () => {
    const d = exampleWeek({ provenance: { ...empty.provenance, estimatedPct: 100 } });
    expect(templateCaveats(d)).toEqual(['Costs are telemetry estimates, not billed amounts.']);
  });

  it('coverage at 70% needs no caveat', () => {
    expect(templateCaveats(exampleWeek({ coverage: { classifiedUsd: 1, pct: 70 } }))).toEqual([]);
  });
});

describe('other default templates', () => {
  it('team retro', () => {
    const d = exampleWeek({
      scope: { kind: 'team', team: 'Payments' },
      sinks: [{ dimension: 'repo', name: 'acme/api', wastefulUsd: 620, pctOfWasteful: 70 }],
    });
    expect(renderRoiSentence(d, 'team_retro').sentence).toBe(
      'Payments, Week of Dec 8, 2025: $4,210 of AI spend — 71% productive, 20% exploratory, 1% wasteful (92% classified). 38 completed Linear issues at $111 each (down 14% from last week). 12 merged PRs. Largest wasteful sink: acme/api ($620 wasteful).',
    );
  });

  it('budget warning with and without a run-out date, and without a budget', () => {
    const base = forecastBudget({ budget: { amountUsd: 20000 }, range: week, dailySpend: [], now });
    const forecast = { ...base, runOutDay: '2025-12-19', projectedUsd: 26000 };
    const team = { kind: 'team' as const, team: 'Payments' };
    expect(renderRoiSentence(exampleWeek({ scope: team, forecast }), 'budget_warning').sentence).toBe(
      'Payments has used 45% of its $20,000 AI budget; at this rate it runs out on Dec 19.',
    );
    const lasting = { ...base, runOutDay: null, projectedUsd: 18000 };
    expect(
      renderRoiSentence(exampleWeek({ scope: team, forecast: lasting }), 'budget_warning').sentence,
    ).toBe('Payments has used 45% of its $20,000 AI budget; at this rate it ends the period at $18,000.');
    expect(renderRoiSentence(exampleWeek({ scope: team, budget: null }), 'budget_warning').sentence).toBe(
      'Payments has no AI budget set; spend for Week of Dec 8, 2025 is $4,210.',
    );
  });

  it('cut or invest names the largest sink and the cheapest source', () => {
    const d = exampleWeek({
      sinks: [{ dimension: 'repo', name: 'acme/legacy', wastefulUsd: 900, pctOfWasteful: 60 }],
      outcomeSources: [{ name: 'Checkout', outcomes: 6, costUsd: 252, costPerOutcome: 42 }],
    });
    expect(renderRoiSentence(d, 'cut_or_invest').sentence).toBe(
      'Cut: acme/legacy ($900 wasteful) is the largest wasteful sink. Invest: Checkout ($42 per outcome) delivers outcomes at the lowest AI cost.',
    );
    expect(renderRoiSentence(exampleWeek(), 'cut_or_invest').sentence).toBe(
      'Cut: nothing stands out; no wasteful spend was recorded. Invest: no outcomes are linked to AI spend yet, so there is no cheapest source to back.',
    );
  });

  it('every default template is valid', () => {
    for (const key of TEMPLATE_KEYS) expect(validateTemplate(DEFAULT_TEMPLATES[key].text).ok).toBe(true);
  });
});

describe('validateTemplate', () => {
  it('accepts known variables and sections', () => {
    expect(
      validateTemplate('{{spend}} {{#trend}}({{trend}}){{/trend}}{{^budget}}no budget{{/budget}}'),
    ).toEqual({
      ok: true,
      variables: ['spend', 'trend', 'budget'],
    });
  });

  it('rejects unknown variables and lists the valid ones', () => {
    const result = validateTemplate('{{spend}} and {{bogus}} and {{ costPerWidget }}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.unknown).toEqual(['bogus', 'costPerWidget']);
    expect(result.valid).toEqual(TEMPLATE_VARIABLE_NAMES);
    expect(result.problem).toMatch(
      /^unknown variables \{\{bogus\}\}, \{\{costPerWidget\}\}; valid variables: spend, /,
    );
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['x'.repeat(2001), /limit is 2000/],
    ['{{spend}', /malformed placeholder/],
    ['{{ two words }}', /malformed placeholder/],
    ['spend}} here', /malformed placeholder/],
    ['{{#trend}}open', /never closed/],
    ['{{#trend}}x{{/budget}}', /closes \{\{#trend\}\}/],
    ['x{{/trend}}', /closes nothing/],
  ])('rejects %j', (text, problem) => {
    const result = validateTemplate(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

describe('renderTemplate', () => {
  it('renders variables, sections and inverted sections; "0" and "" count as no value', () => {
    const text = '{{a}}{{#b}} b={{b}}{{/b}}{{^c}} no-c{{/c}}{{#z}} zero{{/z}}';
    expect(renderTemplate(text, { a: 'A', b: 'B', c: '', z: '0' })).toBe('A b=B no-c');
  });

  it('collapses doubled spaces left by empty sections', () => {
    expect(renderTemplate('a {{#x}}x{{/x}} b', {})).toBe('a b');
  });

  it('throws on malformed syntax', () => {
    expect(() => renderTemplate('{{#a}}', {})).toThrow(/never closed/);
  });

  it('templateVariables gives every variable a string', () => {
    const vars = templateVariables(exampleWeek());
    expect(Object.keys(vars).sort()).toEqual([...TEMPLATE_VARIABLE_NAMES].sort());
    expect(vars).toMatchObject({
      spend: '$4,210',
      coverage: '92%',
      issues: '38',
      trend: 'down 14% from last week',
    });
    expect(templateVariables(empty)).toMatchObject({
      costPerIssue: '',
      budget: '',
      forecastDate: '',
      trend: '',
    });
  });

  it('an invalid stored template falls back to the default', () => {
    expect(renderRoiSentence(exampleWeek(), 'weekly_leadership', '{{nope}}').sentence).toMatch(
      /^This week \$4,210/,
    );
  });
});
