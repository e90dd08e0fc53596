import { describe, expect, it } from 'vitest';
import {
  changePct,
  formatChange,
  formatDuration,
  formatPct,
  formatShare,
  formatUsd,
} from '../../../src/domain/money.ts';

describe('formatUsd', () => {
  it.each([
    [4210, '$4,210'],
    [4210.49, '$4,210'],
    [111, '$111'],
    [110.6, '$111'],
    [100, '$100'],
    [99.994, '$99.99'],
    [42.5, '$42.50'],
    [50, '$50'],
    [0.42, '$0.42'],
    [0.004, '<$0.01'],
    [0, '$0'],
    [-5, '-$5'],
    [-1234.5, '-$1,235'],
    [1_234_567, '$1,234,567'],
    [Number.NaN, 'n/a'],
    [Number.POSITIVE_INFINITY, 'n/a'],
  ])('%d → %s', (amount, expected) => {
    expect(formatUsd(amount)).toBe(expected);
  });

  it.each([
    [9_999, '$9,999'],
    [12_345, '$12.3k'],
    [250_000, '$250k'],
    [1_250_000, '$1.3M'],
  ])('compact %d → %s', (amount, expected) => {
    expect(formatUsd(amount, { compact: true })).toBe(expected);
  });
});

describe('formatPct', () => {
  it.each([
    [71.4, 0, '71%'],
    [71.5, 0, '72%'],
    [0, 0, '0%'],
    [0.3, 0, '<1%'],
    [99.6, 0, '>99%'],
    [100, 0, '100%'],
    [120, 0, '120%'],
    [12.345, 1, '12.3%'],
    [0.04, 1, '<0.1%'],
  ])('%d (%d digits) → %s', (value, digits, expected) => {
    expect(formatPct(value, digits)).toBe(expected);
  });

  it('formats fractions through formatShare', () => {
    expect(formatShare(0.92)).toBe('92%');
  });
});

describe('formatChange', () => {
  it.each([
    [111, 129, 'down 14%'],
    [103, 100, 'up 3%'],
    [100.4, 100, 'flat'],
    [99.6, 100, 'flat'],
    [5, 0, 'new'],
    [0, 0, 'flat'],
    [5, null, 'new'],
    [5, undefined, 'new'],
    [null, 5, 'n/a'],
    [0, 40, 'down 100%'],
  ])('%j vs %j → %s', (current, previous, expected) => {
    expect(formatChange(current, previous)).toBe(expected);
  });

  it('changePct is null without a comparable previous value', () => {
    expect(changePct(10, 0)).toBeNull();
    expect(changePct(0, 0)).toBe(0);
    expect(changePct(150, 100)).toBe(50);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [45_000, '45s'],
    [59_400, '59s'],
    [12 * 60_000, '12m'],
    [3_600_000 + 5 * 60_000, '1h 05m'],
    [59 * 60_000 + 40_000, '1h 00m'],
    [27 * 3_600_000, '1d 3h'],
  ])('%d ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});
