import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bucketByWeek,
  chartAltText,
  chartFont,
  DAILY_MAX_DAYS,
  measureDejaVu,
  normalizeDays,
  renderSpendChart,
  renderSpendChartSvg,
  type SpendChartDay,
  type SpendChartInput,
} from '../../../src/charts/spend-chart.ts';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  // First chunk: length (4) + "IHDR" (4) + width (4) + height (4).
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function day(offset: number, start = '2026-11-30'): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

function row(d: string, values: Partial<Omit<SpendChartDay, 'day'>> = {}): SpendChartDay {
  return { day: d, productive: 0, exploratory: 0, wasteful: 0, unclassified: 0, outcomes: 0, ...values };
}

const WEEK: SpendChartInput = {
  title: 'AI spend vs outcomes — week of Nov 30',
  days: [820, 1150, 960, 1320, 1010, 120, 60].map((productive, i) =>
    row(day(i), {
      productive,
      exploratory: [310, 420, 380, 250, 500, 40, 10][i],
      wasteful: [90, 160, 70, 210, 120, 0, 0][i],
      unclassified: [40, 60, 30, 80, 50, 10, 5][i],
      outcomes: [6, 9, 7, 11, 8, 1, 0][i],
    }),
  ),
};

/** 90 days starting on a Wednesday (2026-09-09). */
const NINETY: SpendChartDay[] = Array.from({ length: 90 }, (_, i) =>
  row(day(i, '2026-09-09'), { productive: 100, exploratory: 50, wasteful: 10, unclassified: 5, outcomes: 1 }),
);

describe('renderSpendChart', () => {
  it('renders a 1600×800 PNG (800×400 at 2x) with real content', async () => {
    const png = await renderSpendChart(WEEK);
    expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('honours width, height and scale', async () => {
    const png = await renderSpendChart(WEEK, { width: 600, height: 300, scale: 1 });
    expect(pngSize(png)).toEqual({ width: 600, height: 300 });
  });

  it('is deterministic', async () => {
    const [a, b] = await Promise.all([renderSpendChart(WEEK), renderSpendChart(WEEK)]);
    expect(a.equals(b)).toBe(true);
  });

  it('renders a "no data" chart for empty input', async () => {
    const input = { title: 'Nothing yet', days: [] };
    const png = await renderSpendChart(input);
    expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
    const svg = renderSpendChartSvg(input);
    expect(svg).toContain('No spend recorded for this period');
    expect(svg).toContain('Nothing yet');
  });

  it('renders 90 days as weekly bars', async () => {
    const png = await renderSpendChart({ title: 'Last 90 days', days: NINETY });
    expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
    const svg = renderSpendChartSvg({ title: 'Last 90 days', days: NINETY });
    expect(svg).toContain('Spend / week');
    expect(svg).not.toContain('Spend / day');
  });

  it('clamps negative, NaN and infinite values to 0 and still renders', async () => {
    const days = [
      row('2026-12-01', { productive: -50, exploratory: Number.NaN, wasteful: 20, outcomes: -3 }),
      row('2026-12-02', { productive: Number.POSITIVE_INFINITY, unclassified: 7, outcomes: Number.NaN }),
    ];
    const png = await renderSpendChart({ title: 'Odd values', days });
    expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
    expect(chartAltText({ title: 'x', days })).toBe(
      'Spend per day, stacked by class: wasteful $20 (74%), unclassified $7 (26%); total $27 over 2 days; 0 outcomes.',
    );
  });

  it('still renders (without text) when no font is available', async () => {
    const png = await renderSpendChart(WEEK, { loadSystemFonts: false, fontFiles: [] });
    expect(pngSize(png)).toEqual({ width: 1600, height: 800 });
    expect(png.length).toBeGreaterThan(5_000);
  });

  it.skipIf(!existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'))(
    'draws text when DejaVu Sans is installed',
    async () => {
      expect(chartFont().family).toBe('DejaVu Sans');
      const withText = await renderSpendChart(WEEK);
      const withoutText = await renderSpendChart(WEEK, { loadSystemFonts: false, fontFiles: [] });
      expect(withText.equals(withoutText)).toBe(false);
      expect(withText.length).toBeGreaterThan(withoutText.length);
    },
  );
});

describe('renderSpendChartSvg', () => {
  it('has the legend, class colours, axis names and weekday labels', () => {
    const svg = renderSpendChartSvg(WEEK);
    for (const text of ['Productive', 'Exploratory', 'Wasteful', 'Unclassified', 'Outcomes shipped']) {
      expect(svg).toContain(`>${text}<`);
    }
    for (const color of ['#2e9e5b', '#3b7dd8', '#d64545', '#a3a8ae', '#6b3fa0']) expect(svg).toContain(color);
    expect(svg).toContain('Spend / day');
    expect(svg).toContain('Total $8,275 · 42 outcomes');
    expect(svg).toContain('>Mon<');
    expect(svg).toContain('Nov 30');
    expect(svg).toContain('$1.5k');
    expect(svg).toMatch(/^<svg width="800" height="400"/);
  });
});

describe('normalizeDays', () => {
  it('sorts, merges duplicate days, fills gaps and drops invalid days', () => {
    const out = normalizeDays([
      row('2026-12-03', { productive: 3 }),
      row('2026-12-01', { productive: 1, outcomes: 2 }),
      row('2026-12-01', { wasteful: 4 }),
      row('2026-02-30', { productive: 99 }),
      row('not a day', { productive: 99 }),
    ]);
    expect(out).toEqual([
      row('2026-12-01', { productive: 1, wasteful: 4, outcomes: 2 }),
      row('2026-12-02'),
      row('2026-12-03', { productive: 3 }),
    ]);
  });
});

describe('bucketByWeek', () => {
  it('sums into Monday-based weeks covering the whole range', () => {
    const weeks = bucketByWeek(NINETY);
    // 2026-09-09 (Wed) .. 2026-12-07 (Mon): weeks of Sep 7 .. Dec 7.
    expect(weeks).toHaveLength(14);
    expect(weeks[0]?.day).toBe('2026-09-07');
    expect(weeks.at(-1)?.day).toBe('2026-12-07');
    for (const w of weeks) expect(new Date(`${w.day}T00:00:00Z`).getUTCDay()).toBe(1);
    expect(weeks[0]).toEqual(
      row('2026-09-07', { productive: 500, exploratory: 250, wasteful: 50, unclassified: 25, outcomes: 5 }),
    );
    expect(weeks[1]?.productive).toBe(700);
    expect(weeks.at(-1)?.productive).toBe(100);
    const sum = (rows: SpendChartDay[]) => rows.reduce((s, r) => s + r.productive + r.outcomes, 0);
    expect(sum(weeks)).toBe(sum(NINETY));
  });

  it('fills empty weeks, clamps values, handles Sundays and is pure', () => {
    const input = [
      row('2026-12-06', { productive: 5, wasteful: -2 }), // Sunday → week of Nov 30
      row('2026-12-21', { exploratory: Number.NaN, outcomes: 2 }), // Monday
    ];
    const copy = structuredClone(input);
    expect(bucketByWeek(input)).toEqual([
      row('2026-11-30', { productive: 5 }),
      row('2026-12-07'),
      row('2026-12-14'),
      row('2026-12-21', { outcomes: 2 }),
    ]);
    expect(input).toEqual(copy);
    expect(bucketByWeek([])).toEqual([]);
  });

  it('is used above the daily limit only', () => {
    const month = NINETY.slice(0, DAILY_MAX_DAYS);
    expect(renderSpendChartSvg({ title: 't', days: month })).toContain('Spend / day');
    expect(renderSpendChartSvg({ title: 't', days: NINETY.slice(0, DAILY_MAX_DAYS + 1) })).toContain(
      'Spend / week',
    );
  });
});

describe('chartAltText', () => {
  it('summarises classes, total, days and outcomes in one sentence', () => {
    expect(chartAltText(WEEK)).toBe(
      'Spend per day, stacked by class: productive $5,440 (66%), exploratory $1,910 (23%), ' +
        'wasteful $650 (8%), unclassified $275 (3%); total $8,275 over 7 days; 42 outcomes.',
    );
  });

  it('describes weekly buckets for long ranges', () => {
    expect(chartAltText({ title: 't', days: NINETY })).toBe(
      'Spend per week, stacked by class: productive $9,000 (61%), exploratory $4,500 (30%), ' +
        'wasteful $900 (6%), unclassified $450 (3%); total $14,850 over 90 days (14 weeks); 90 outcomes.',
    );
  });

  it('handles empty input, zero spend and singulars', () => {
    expect(chartAltText({ title: 't', days: [] })).toBe(
      'Spend per day, stacked by class: no data; total $0 over 0 days; 0 outcomes.',
    );
    expect(chartAltText({ title: 't', days: [row('2026-12-01', { outcomes: 1 })] })).toBe(
      'Spend per day, stacked by class: no spend; total $0 over 1 day; 1 outcome.',
    );
    expect(
      chartAltText({ title: 't', days: [row('2026-12-01', { productive: 12.5, wasteful: 0.001 })] }),
    ).toBe(
      'Spend per day, stacked by class: productive $12.50 (>99%), wasteful <$0.01 (<1%); total $12.50 over 1 day; 0 outcomes.',
    );
  });
});

describe('measureDejaVu', () => {
  it('uses DejaVu advance widths by size and weight', () => {
    expect(measureDejaVu(' ', '10px sans-serif')).toBeCloseTo(3.18);
    expect(measureDejaVu('W', 'bold 10px sans-serif')).toBeCloseTo(11.03);
    expect(measureDejaVu('Total', '13px DejaVu Sans')).toBeGreaterThan(
      measureDejaVu('Total', '12px DejaVu Sans'),
    );
    expect(measureDejaVu('—', '10px x')).toBeCloseTo(10);
    expect(measureDejaVu('', '12px x')).toBe(0);
  });
});

describe('module layout', () => {
  it('keeps the pure helpers free of ECharts and resvg', async () => {
    const { readFile } = await import('node:fs/promises');
    for (const file of ['spend-data.ts', 'fonts.ts']) {
      const source = await readFile(new URL(`../../../src/charts/${file}`, import.meta.url), 'utf8');
      expect(source).not.toMatch(/from '(echarts|@resvg)/);
    }
  });
});
