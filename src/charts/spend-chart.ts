/**
 * Server-side spend chart for the weekly digest: spend per day (or per week for long ranges)
 * stacked by session class, with shipped outcomes as a line on a secondary axis.
 *
 * ECharts renders to an SVG string (SSR, no DOM, animation off, so output is deterministic);
 * resvg rasterises it to PNG at 2x for a sharp inline image in Slack. Importing this module loads
 * ECharts (~1 s cold); the pure helpers live in `spend-data.ts` for callers that only need those.
 *
 * Fonts: see `fonts.ts`. With no font at all the chart still renders (bars, line, grid, no text).
 */
import { Resvg, type ResvgRenderOptions, renderAsync } from '@resvg/resvg-js';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { BarChart, LineChart } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TitleComponentOption } from 'echarts/components';
import { GridComponent, LegendComponent, TitleComponent } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { chartFont, measureDejaVu } from './fonts.ts';
import {
  axisLabel,
  CLASSES,
  type Prepared,
  prepare,
  type SpendChartInput,
  usd,
  usdTick,
  withCommas,
} from './spend-data.ts';

export { chartFont, measureDejaVu } from './fonts.ts';
export {
  bucketByWeek,
  chartAltText,
  DAILY_MAX_DAYS,
  normalizeDays,
  type SpendChartDay,
  type SpendChartInput,
} from './spend-data.ts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TitleComponentOption
>;

export interface SpendChartRenderOptions {
  /** Logical size in CSS pixels; the PNG is `scale` times larger. Default 800×400. */
  width?: number;
  height?: number;
  /** Default 2 (sharp on high-DPI screens, Slack shows it at ~800px wide). */
  scale?: number;
  /** Extra font files to load (e.g. a TTF shipped with the app). */
  fontFiles?: string[];
  /** Default true. False (with no `fontFiles`) renders without text; used by tests. */
  loadSystemFonts?: boolean;
}

const OUTCOMES_NAME = 'Outcomes shipped';
const OUTCOMES_COLOR = '#6b3fa0';
const TEXT_COLOR = '#1d1c1d';
const MUTED_COLOR = '#616061';
const GRID_COLOR = '#e8e8e8';

// ---------------------------------------------------------------------------------------------
// Chart

function buildOption(
  input: SpendChartInput,
  prepared: Prepared,
  fontCss: string,
  width: number,
): ChartOption {
  const { unit, rows, totals } = prepared;
  const title = (input.title ?? '').trim() || 'AI spend';
  const textStyle = { fontFamily: fontCss, color: TEXT_COLOR };
  const titles: TitleComponentOption[] = [
    {
      text: title,
      left: 16,
      top: 12,
      textStyle: {
        fontFamily: fontCss,
        fontSize: 16,
        fontWeight: 'bold',
        color: TEXT_COLOR,
        // Leave room for the total on the right; long titles end in "…".
        width: Math.max(120, width - (rows.length === 0 ? 32 : 290)),
        overflow: 'truncate',
      },
    },
  ];

  if (rows.length === 0) {
    titles.push({
      text: 'No spend recorded for this period',
      left: 'center',
      top: 'middle',
      textStyle: { fontFamily: fontCss, fontSize: 15, fontWeight: 'normal', color: MUTED_COLOR },
    });
    return { animation: false, backgroundColor: '#ffffff', textStyle, title: titles };
  }

  const outcomesNoun = Math.round(totals.outcomes) === 1 ? 'outcome' : 'outcomes';
  titles.push({
    text: `Total ${usd(totals.spend)} · ${withCommas(Math.round(totals.outcomes))} ${outcomesNoun}`,
    right: 16,
    top: 14,
    textStyle: { fontFamily: fontCss, fontSize: 13, fontWeight: 'normal', color: MUTED_COLOR },
  });

  const labels = rows.map((row) => axisLabel(row.day, unit, rows.length));
  const round2 = (v: number) => Math.round(v * 100) / 100;
  const bars: BarSeriesOption[] = CLASSES.map((c) => ({
    type: 'bar',
    name: c.name,
    stack: 'spend',
    data: rows.map((row) => round2(row[c.key])),
    itemStyle: { color: c.color },
    barMaxWidth: 56,
    barCategoryGap: '30%',
    emphasis: { disabled: true },
  }));
  const maxOutcomes = Math.max(0, ...rows.map((row) => row.outcomes));
  const line: LineSeriesOption = {
    type: 'line',
    name: OUTCOMES_NAME,
    yAxisIndex: 1,
    data: rows.map((row) => row.outcomes),
    symbol: 'circle',
    symbolSize: rows.length > 14 ? 5 : 7,
    lineStyle: { color: OUTCOMES_COLOR, width: rows.length > 14 ? 2 : 2.5 },
    itemStyle: { color: OUTCOMES_COLOR, borderColor: '#ffffff', borderWidth: 1.5 },
    z: 10,
    emphasis: { disabled: true },
  };

  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle,
    title: titles,
    legend: {
      top: 42,
      left: 12,
      itemWidth: 14,
      itemHeight: 10,
      itemGap: 18,
      icon: 'roundRect',
      textStyle: { fontFamily: fontCss, fontSize: 12, color: TEXT_COLOR },
      data: [...CLASSES.map((c) => c.name), { name: OUTCOMES_NAME, icon: 'circle' }],
    },
    grid: { left: 16, right: 16, top: 76, bottom: 12, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    xAxis: {
      type: 'category',
      data: labels,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: '#bbbbbb' } },
      axisLabel: { color: MUTED_COLOR, fontFamily: fontCss, fontSize: 11, lineHeight: 14, hideOverlap: true },
    },
    yAxis: [
      {
        type: 'value',
        name: unit === 'week' ? 'Spend / week' : 'Spend / day',
        nameTextStyle: { color: MUTED_COLOR, fontFamily: fontCss, fontSize: 11, align: 'left' },
        min: 0,
        splitNumber: 4,
        axisLabel: { color: MUTED_COLOR, fontFamily: fontCss, fontSize: 11, formatter: usdTick },
        splitLine: { lineStyle: { color: GRID_COLOR } },
      },
      {
        type: 'value',
        name: 'Outcomes',
        nameTextStyle: { color: OUTCOMES_COLOR, fontFamily: fontCss, fontSize: 11, align: 'right' },
        min: 0,
        minInterval: 1,
        max: maxOutcomes < 4 ? 4 : undefined,
        splitNumber: 4,
        axisLabel: { color: OUTCOMES_COLOR, fontFamily: fontCss, fontSize: 11 },
        splitLine: { show: false },
      },
    ],
    series: [...bars, line],
  };
}

let metricsInstalled = false;

/**
 * Without a canvas ECharts measures text with an Arial-like width table, too narrow for DejaVu Sans
 * (right-aligned and legend text would overflow), so give it DejaVu's real advance widths.
 * zrender's platform API is process-wide; this module is the only ECharts user in the app.
 */
function useFontMetrics(family: string | null): void {
  if (metricsInstalled || family !== 'DejaVu Sans') return;
  echarts.setPlatformAPI({ measureText: (text, font) => ({ width: measureDejaVu(text, font) }) });
  metricsInstalled = true;
}

/** The chart as an SVG string (logical size, text as <text> elements). */
export function renderSpendChartSvg(
  input: SpendChartInput,
  options: Pick<SpendChartRenderOptions, 'width' | 'height'> = {},
): string {
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const font = chartFont();
    useFontMetrics(font.family);
    chart.setOption(buildOption(input, prepare(input), font.css, width));
    const svg = chart.renderToSVGString();
    // No known family on disk: drop font-family so resvg falls back to its default (the first
    // system font it finds) instead of drawing no text at all.
    return font.family ? svg : svg.replace(/font-family:[^;"]*;?/g, '');
  } finally {
    chart.dispose();
  }
}

/** PNG bytes (default 1600×800: 800×400 at 2x). Never fails for lack of fonts; text is then omitted. */
export async function renderSpendChart(
  input: SpendChartInput,
  options: SpendChartRenderOptions = {},
): Promise<Buffer> {
  const svg = renderSpendChartSvg(input, options);
  const scale = options.scale ?? 2;
  const font = chartFont();
  const base: ResvgRenderOptions = {
    fitTo: { mode: 'zoom', value: scale },
    background: '#ffffff',
    shapeRendering: 2,
    textRendering: 1,
    logLevel: 'off',
  };
  const withFonts: ResvgRenderOptions = {
    ...base,
    font: {
      loadSystemFonts: options.loadSystemFonts ?? true,
      fontFiles: options.fontFiles ?? [],
      ...(font.family ? { defaultFontFamily: font.family, sansSerifFamily: font.family } : {}),
    },
  };
  try {
    return (await renderAsync(svg, withFonts)).asPng();
  } catch {
    // A broken font file or font database: draw the chart without text rather than fail.
    return new Resvg(svg, { ...base, font: { loadSystemFonts: false } }).render().asPng();
  }
}
