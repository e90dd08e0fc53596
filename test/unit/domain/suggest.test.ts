import { describe, expect, it } from 'vitest';
import { exploratoryBranchWord, type SuggestionInput, suggestClass } from '../../../src/domain/suggest.ts';

const start = new Date('2025-12-10T09:00:00Z');
const minutes = (n: number) => new Date(start.getTime() + n * 60_000);

function session(overrides: Partial<SuggestionInput> = {}): SuggestionInput {
  return {
    costUsd: 3,
    startedAt: start,
    lastEventAt: minutes(30),
    apiRequests: 20,
    apiErrors: 0,
    commits: [],
    links: [],
    outcomeIds: [],
    ...overrides,
  };
}

const link = (identifier: string) => ({
  identifier,
  evidence: 'branch' as const,
  confirmed: true,
  at: start,
});

describe('suggestClass', () => {
  it('linked issue completed → productive', () => {
    const s = suggestClass(session({ links: [link('ENG-1'), link('ENG-7')] }), {
      completedIssues: ['ENG-7'],
    });
    expect(s).toEqual({ class: 'productive', basis: 'shipped', reason: 'Linked issue ENG-7 is completed.' });
  });

  it('linked outcome shipped → productive, even on a spike branch or with errors', () => {
    const s = suggestClass(session({ outcomeIds: ['o1'], branch: 'spike/cache', apiErrors: 50 }));
    expect(s).toMatchObject({ class: 'productive', basis: 'shipped' });
  });

  it('outcome ids not in the shipped list do not count', () => {
    const s = suggestClass(session({ outcomeIds: ['o1'] }), { shippedOutcomeIds: ['o2'] });
    expect(s.basis).toBe('none');
  });

  it.each([
    'spike/new-cache',
    'ana/poc-streaming',
    'prototype-billing',
    'explore_vector_search',
    'experiments/llm-router',
    'research/latency',
    'investigate-flaky-test',
  ])('branch %s → exploratory', (branch) => {
    const s = suggestClass(session({ branch, commits: ['abc'] }));
    expect(s.class).toBe('exploratory');
    expect(s.reason).toContain(branch);
  });

  it('does not take words that merely contain a marker ("expose", "spiked")', () => {
    expect(exploratoryBranchWord('feature/expose-api')).toBeUndefined();
    expect(exploratoryBranchWord('fix/spiked-latency')).toBeUndefined();
    expect(exploratoryBranchWord(undefined)).toBeUndefined();
  });

  it('many API errors → check wasteful, counted against all calls', () => {
    const s = suggestClass(session({ apiRequests: 15, apiErrors: 6, commits: ['abc'] }));
    expect(s).toEqual({
      class: 'wasteful',
      basis: 'errors',
      reason: 'Check: 6 of 21 API calls failed — retry loop or wrong context?',
    });
  });

  it('a few errors are not "many"', () => {
    expect(suggestClass(session({ apiRequests: 5, apiErrors: 4 })).basis).not.toBe('errors');
    expect(suggestClass(session({ apiRequests: 100, apiErrors: 10 })).basis).not.toBe('errors');
  });

  it('commits recorded → productive', () => {
    expect(suggestClass(session({ commits: ['a1', 'b2'] }))).toEqual({
      class: 'productive',
      basis: 'commits',
      reason: '2 commits recorded.',
    });
    expect(suggestClass(session({ commits: ['a1'] })).reason).toBe('1 commit recorded.');
  });

  it('long, expensive, no commit → check wasteful', () => {
    const s = suggestClass(session({ costUsd: 48.5, lastEventAt: minutes(150) }));
    expect(s).toEqual({
      class: 'wasteful',
      basis: 'no_commit',
      reason: 'Check: $48.50 over 2h 30m with no commit recorded — was it abandoned?',
    });
  });

  it('uses closedAt for the duration when present, and respects custom limits', () => {
    const s = suggestClass(session({ costUsd: 12, lastEventAt: minutes(20), closedAt: minutes(70) }), {
      highCostUsd: 10,
      longSessionMs: 3_600_000,
    });
    expect(s.basis).toBe('no_commit');
  });

  it('expensive but short is not suspicious', () => {
    expect(suggestClass(session({ costUsd: 100, lastEventAt: minutes(20) })).basis).toBe('none');
  });

  it('linked but not completed → productive, saying so', () => {
    expect(suggestClass(session({ links: [link('ENG-3')] }))).toEqual({
      class: 'productive',
      basis: 'link',
      reason: 'Linked to ENG-3, not completed yet.',
    });
  });

  it('no signal → an honest neutral guess', () => {
    const s = suggestClass(session());
    expect(s.basis).toBe('none');
    expect(s.class).toBe('exploratory');
    expect(s.reason).toMatch(/No commit, linked issue or error pattern/);
  });

  it('works on a minimal session', () => {
    expect(suggestClass({ costUsd: 0, startedAt: start, lastEventAt: start }).basis).toBe('none');
  });
});
