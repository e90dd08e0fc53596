import type { ImageBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  buildDigestMessage,
  type DigestBlocksInput,
  forecastLine,
  provenanceLine,
} from '../../../blocks/digest.ts';
import { allText, expectWithinLimits } from './helpers.ts';

const ROI =
  'This week $4,210 of AI spend (71% productive, 92% classified) went into 38 completed Linear issues — $111 per issue, down 14% from last week; exploratory spend stayed inside its 25% allowance.';

function digest(overrides: Partial<DigestBlocksInput> = {}): DigestBlocksInput {
  return {
    audience: 'leadership',
    scopeName: 'Acme',
    periodLabel: 'Week of Dec 8, 2025',
    previousLabel: 'last week',
    spend: {
      periodUsd: 4210,
      previousPeriodUsd: 3759,
      budgetUsd: 5000,
      monthToDateUsd: 6000,
      monthBudgetUsd: 20_000,
    },
    forecast: {
      projectedUsd: 21_500,
      budgetUsd: 20_000,
      runOutDay: '2025-12-28',
      exhausted: false,
      confidence: 'medium',
    },
    mix: { productive: 2989, exploratory: 800, wasteful: 84, unclassified: 337 },
    outcomes: {
      issuesCompleted: 38,
      prsMerged: 12,
      costPerIssueUsd: 111,
      previousCostPerIssueUsd: 129,
      costPerPrUsd: 350,
      previousCostPerPrUsd: 340,
    },
    calibration: { productiveShippedShare: 0.84, wastefulShare: 0.02, previousWastefulShare: 0.05 },
    wins: [
      { ref: 'ENG-1', title: 'Checkout rewrite', url: 'https://linear.app/acme/issue/ENG-1', costUsd: 120 },
      { ref: 'acme/api#42', costUsd: 80 },
      { ref: 'ENG-3', title: 'Fix <script>', costUsd: 40 },
      { ref: 'ENG-4', costUsd: 10 },
    ],
    sinks: [
      { kind: 'person', label: 'U123ABC', costUsd: 900 },
      { kind: 'repo', label: 'acme/legacy', costUsd: 700, wastefulUsd: 300 },
      { kind: 'model', label: 'claude-opus-4', costUsd: 500 },
    ],
    roiSentence: ROI,
    provenance: { estimatedUsd: 3000, billedUsd: 1210, respondents: 12, people: 15 },
    chart: { status: 'attached' },
    ...overrides,
  };
}

describe('buildDigestMessage', () => {
  it('lays out every part of the digest with the ROI sentence as the text fallback', () => {
    const msg = buildDigestMessage(digest());
    expectWithinLimits(msg, 'message');
    expect(msg.text).toBe(`AI ROI — Acme · Week of Dec 8, 2025: ${ROI}`);
    expect(msg.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'AI ROI — Acme · Week of Dec 8, 2025' },
    });
    const text = allText(msg.blocks);
    // spend vs budget and forecast
    expect(text).toContain('$4,210 (up 12% vs last week)');
    expect(text).toContain('$4,210 of $5,000 (84%)');
    expect(text).toContain('*Month to date*\n$6,000 of $20,000 (30%)');
    expect(text).toContain('$21,500 by period end — runs out Dec 28 (medium confidence)');
    // mix with coverage
    expect(text).toContain('*Class mix* · 92% of spend classified');
    expect(text).toContain('Productive $2,989 (71%)');
    // outcomes, cost per outcome and trend
    expect(text).toContain('*Linear issues completed*\n38\n$111 per issue, down 14% vs last week');
    expect(text).toContain('*PRs merged*\n12\n$350 per PR, up 3% vs last week');
    // calibration
    expect(text).toContain('84% of self-rated productive spend shipped · wasteful share 2% (5% last week)');
    // top 3 wins, linked and escaped
    expect(text).toContain('1. <https://linear.app/acme/issue/ENG-1|ENG-1 Checkout rewrite> — $120 of AI');
    expect(text).toContain('3. ENG-3 Fix &lt;script&gt; — $40 of AI');
    expect(text).not.toContain('ENG-4');
    // sinks never by person in leadership digests
    expect(text).not.toContain('U123ABC');
    expect(text).toContain('1. repo `acme/legacy` — $700 ($300 wasteful)');
    expect(text).toContain('2. model `claude-opus-4` — $500');
    // ROI sentence, chart note, provenance
    expect(text).toContain(ROI);
    expect(text).toContain('Chart attached');
    expect(text).toContain('Costs: $1,210 billed, $3,000 estimated from telemetry');
    expect(text).toContain('classes self-reported by 12 of 15 people');
  });

  it('shows people as sinks only in team digests', () => {
    const msg = buildDigestMessage(digest({ audience: 'team' }));
    expectWithinLimits(msg, 'message');
    expect(allText(msg.blocks)).toContain('1. <@U123ABC> — $900');
  });

  it('copes with an empty period: no budget, no outcomes, all unclassified, no chart', () => {
    const msg = buildDigestMessage(
      digest({
        spend: { periodUsd: 0 },
        forecast: undefined,
        mix: { productive: 0, exploratory: 0, wasteful: 0, unclassified: 0 },
        outcomes: { issuesCompleted: 0, prsMerged: 0 },
        calibration: undefined,
        wins: [],
        sinks: [],
        provenance: { estimatedUsd: 0, billedUsd: 0, respondents: 0, people: 0 },
        chart: { status: 'unavailable', reason: 'renderer <crashed> & burned' },
        caveats: ['Only 0% of spend is classified.'],
      }),
    );
    expectWithinLimits(msg, 'message');
    const text = allText(msg.blocks);
    expect(text).toContain('No budget set');
    expect(text).toContain('No shipped outcomes');
    expect(text).toContain('Chart unavailable: renderer &lt;crashed&gt; &amp; burned');
    expect(text).toContain('No spend recorded');
    expect(text).toContain(':warning: Only 0% of spend is classified.');
  });

  it('embeds a chart image when given a URL', () => {
    const msg = buildDigestMessage(
      digest({ chart: { status: 'image', imageUrl: 'https://x.test/c.png', altText: 'a'.repeat(5000) } }),
    );
    expectWithinLimits(msg, 'message');
    const image = msg.blocks.find((b) => b.type === 'image') as ImageBlock;
    expect(image.alt_text.length).toBeLessThanOrEqual(2000);
  });

  it('stays within limits with many teams and very long names, summarising beyond the listed ones', () => {
    const teams = Array.from({ length: 300 }, (_, i) => ({
      name: `Team ${i} ${'with a very long name & <brackets> '.repeat(20)}`,
      spendUsd: 1000 + i,
      budgetUsd: 2000,
      productiveShare: 0.6,
      outcomes: i,
    }));
    const msg = buildDigestMessage(
      digest({
        scopeName: 'A'.repeat(400),
        periodLabel: 'P'.repeat(300),
        roiSentence: 'R'.repeat(4000),
        teams,
        wins: Array.from({ length: 3 }, (_, i) => ({ ref: `ENG-${i}`, title: 'T'.repeat(3000), costUsd: 1 })),
        sinks: Array.from({ length: 3 }, () => ({
          kind: 'repo' as const,
          label: 'r'.repeat(3000),
          costUsd: 1,
        })),
        caveats: Array.from({ length: 20 }, () => 'c'.repeat(4000)),
      }),
    );
    expectWithinLimits(msg, 'message');
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const teamsText = allText(msg.blocks.filter((b) => b.block_id?.startsWith('teams')));
    expect(teamsText).toContain('Team 299'); // biggest first
    expect(teamsText).toContain('…and 288 more teams');
    expect(teamsText).toContain('&amp; &lt;brackets&gt;');
    expect((msg.blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(150);
  });

  it('lists a few teams in full', () => {
    const msg = buildDigestMessage(
      digest({
        teams: [
          { name: 'Payments', spendUsd: 1200, budgetUsd: 2000, productiveShare: 0.7, outcomes: 4 },
          { name: 'other', spendUsd: 90 },
        ],
      }),
    );
    expectWithinLimits(msg, 'message');
    const teams = msg.blocks.find((b) => b.block_id === 'teams') as SectionBlock;
    expect(teams.text?.text).toBe(
      '*By team*\n• *Payments* $1,200 · 60% of budget · 70% productive · 4 outcomes\n• *other* $90',
    );
  });
});

describe('digest lines', () => {
  it('forecast line covers within budget, run-out and exhausted', () => {
    const base = {
      projectedUsd: 900,
      budgetUsd: 1000,
      runOutDay: null,
      exhausted: false,
      confidence: 'high' as const,
    };
    expect(forecastLine(base)).toBe('$900 by period end — within budget (high confidence)');
    expect(forecastLine({ ...base, exhausted: true, runOutDay: '2025-12-03' })).toBe(
      '$900 by period end — budget ran out Dec 3 (high confidence)',
    );
    expect(forecastLine({ ...base, budgetUsd: null })).toBe('$900 by period end (high confidence)');
  });

  it('provenance names billed vs estimated and who answered', () => {
    expect(provenanceLine({ estimatedUsd: 10, billedUsd: 0, respondents: 1, people: 1 })).toBe(
      'Costs estimated from telemetry · spend and outcomes measured (Linear, GitHub) · classes self-reported by 1 of 1 person',
    );
    expect(provenanceLine({ estimatedUsd: 0, billedUsd: 10, respondents: 2, people: 3 })).toMatch(
      /^Costs billed/,
    );
  });
});
