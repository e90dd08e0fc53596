import { describe, expect, it } from 'vitest';
import {
  extractFromAll,
  extractIssueIdentifiers,
  parseIssueIdentifier,
} from '../../../src/domain/identifiers.ts';

describe('extractIssueIdentifiers', () => {
  it.each([
    // Linear's default branch form and common branch shapes
    ['ana/eng-123-fix-login-redirect', ['ENG-123']],
    ['feature/ENG-12_fix', ['ENG-12']],
    ['eng-5', ['ENG-5']],
    ['hotfix-ENG-77', ['ENG-77']],
    ['ana/eng-123-2fa-login', ['ENG-123']],
    ['payments/pay2-9-refunds', ['PAY2-9']],
    // commit messages and PR titles
    ['Fix login (ENG-7)', ['ENG-7']],
    ['[ENG-9] Retry webhook delivery', ['ENG-9']],
    ['ENG-9: retry', ['ENG-9']],
    ['Closes ENG-1, ENG-2 and eng-3.', ['ENG-1', 'ENG-2', 'ENG-3']],
    ['refs ENG-4 and again ENG-4 and eng-4', ['ENG-4']],
    ['Merge OPS-1 into MOBILE-22', ['OPS-1', 'MOBILE-22']],
    ['ABCDEFG-1 is the longest key', ['ABCDEFG-1']],
    ['ENG-1234567 has seven digits', ['ENG-1234567']],
    // false positives
    ['Use UTF-8 everywhere', []],
    ['utf-8 and SHA-256 and sha-1', []],
    ['Dates in ISO-8601, see RFC-3339', []],
    ['Patch CVE-2024-3094', []],
    ['HTTP-2 over TLS-13', []],
    ['Upgrade to GPT-4 and claude-3', []],
    ['Bump node-20 and python-3', []],
    ['X-1 and a-2 are single letters', []],
    ['release-v1-2 and Q4-2024 and x86-64', []],
    ['ENG-0123 has a leading zero', []],
    ['ENG-0', []],
    ['ENG-12345678 has eight digits', []],
    ['ABCDEFGH-1 key too long', []],
    ['subENG-12 reads as one key', ['SUBENG-12']],
    ['preprodENG-12 is too long to be a key', []],
    ['ENG-12abc glued on the right', []],
    ['v1-2.3 looks like a version', []],
    ['ENG-1.5', []],
    ['2024-01-15', []],
    ['', []],
  ])('%s', (text, expected) => {
    expect(extractIssueIdentifiers(text)).toEqual(expected);
  });

  it('handles null and undefined', () => {
    expect(extractIssueIdentifiers(null)).toEqual([]);
    expect(extractIssueIdentifiers(undefined)).toEqual([]);
  });

  it('narrows to known team keys when given', () => {
    const known = new Set(['ENG']);
    expect(extractIssueIdentifiers('fix-login-2 for ENG-5 and OPS-3', { knownTeamKeys: known })).toEqual([
      'ENG-5',
    ]);
  });

  it('merges several texts in order without duplicates', () => {
    expect(extractFromAll(['ana/eng-1-x', 'Fix (ENG-2)', undefined, '[ENG-1] again'])).toEqual([
      'ENG-1',
      'ENG-2',
    ]);
  });
});

describe('parseIssueIdentifier', () => {
  it.each([
    ['ENG-123', 'ENG-123'],
    [' eng-5 ', 'ENG-5'],
    ['X-1', 'X-1'],
    ['ENG-0', null],
    ['ENG-123 extra', null],
    ['ENG123', null],
    ['', null],
    ['ENG-12345678', null],
  ])('%j → %j', (input, expected) => {
    expect(parseIssueIdentifier(input)).toBe(expected);
  });
});
