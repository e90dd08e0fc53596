/**
 * Figures of the reliability suite: each file records what it tried and what it observed, asserts its
 * invariants through `expectFigure`, and prints one table at the end (console.table), so a run reads as numbers.
 */
import { afterAll, expect } from 'vitest';

export interface Figure {
  area: string;
  figure: string;
  value: number | string;
  /** The invariant this figure must hold ('' when it is only reported). */
  rule: string;
  ok: boolean | '';
}

export type Rule = { eq: number } | { max: number } | { min: number };

function describeRule(rule: Rule): string {
  if ('eq' in rule) return `= ${rule.eq}`;
  if ('max' in rule) return `≤ ${rule.max}`;
  return `≥ ${rule.min}`;
}

function holds(value: number, rule: Rule): boolean {
  if ('eq' in rule) return value === rule.eq;
  if ('max' in rule) return value <= rule.max;
  return value >= rule.min;
}

export class Figures {
  readonly rows: Figure[] = [];

  constructor(readonly area: string) {}

  /** Record a figure that is reported but not judged (requests tried, peak RSS). */
  report(figure: string, value: number | string): void {
    this.upsert({ area: this.area, figure, value, rule: '', ok: '' });
  }

  /** Record a figure and fail the current test when it breaks its invariant. */
  expect(figure: string, value: number, rule: Rule, detail?: unknown): void {
    const ok = holds(value, rule);
    this.upsert({ area: this.area, figure, value, rule: describeRule(rule), ok });
    const context = detail === undefined ? '' : `: ${JSON.stringify(detail, null, 1).slice(0, 4000)}`;
    expect(ok, `${this.area} / ${figure} = ${value}, must be ${describeRule(rule)}${context}`).toBe(true);
  }

  /** Add to a counter figure (reported). */
  add(figure: string, delta = 1): void {
    const row = this.rows.find((r) => r.figure === figure);
    const current = typeof row?.value === 'number' ? row.value : 0;
    this.report(figure, current + delta);
  }

  get(figure: string): number {
    const value = this.rows.find((r) => r.figure === figure)?.value;
    return typeof value === 'number' ? value : 0;
  }

  print(): void {
    if (!this.rows.length) return;
    console.log(`\n[reliability] ${this.area}`);
    console.table(
      this.rows.map((r) => ({
        figure: r.figure,
        value: r.value,
        must: r.rule || '(reported)',
        ok: r.ok === '' ? '' : r.ok ? 'yes' : 'NO',
      })),
    );
  }

  private upsert(row: Figure): void {
    const index = this.rows.findIndex((r) => r.figure === row.figure);
    if (index >= 0) this.rows[index] = row;
    else this.rows.push(row);
  }
}

/** One figures table per test file, printed after the file's tests ran (also when one failed). */
export function useFigures(area: string): Figures {
  const figures = new Figures(area);
  afterAll(() => figures.print());
  return figures;
}

/** HTTP status → class label ("2xx", "4xx", "5xx", "crash" for a dropped connection). */
export function statusClass(status: number | 'crash'): string {
  return status === 'crash' ? 'crash' : `${Math.floor(status / 100)}xx`;
}
