import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { isNotFoundError, toIssueInfo } from '../../../src/linear/api.ts';
import { linkFromLookup } from '../../../src/outcomes/auto-link.ts';
import { isLiveLink, isSharedBranch, shaPrefixes, toObjectId } from '../../../src/outcomes/links.ts';
import { manualOutcomeRef } from '../../../src/outcomes/manual.ts';

const now = new Date('2026-12-01T10:00:00Z');

describe('linkFromLookup: what a Linear answer makes of an identifier', () => {
  const issue = { linearId: 'i1', identifier: 'PAY-12', title: 'Moved to Payments', stateType: 'started' };

  it('confirms a found issue under the identifier Linear answered with (issues move teams)', () => {
    expect(linkFromLookup('ENG-12', 'branch', { status: 'found', issue, fromCache: false }, now)).toEqual({
      identifier: 'PAY-12',
      evidence: 'branch',
      confirmed: true,
      at: now,
      checkedAt: now,
    });
  });

  it('keeps an identifier Linear does not know as checked, unconfirmed evidence', () => {
    const link = linkFromLookup('ENG-999', 'commit', { status: 'not_found' }, now);
    expect(link).toEqual({
      identifier: 'ENG-999',
      evidence: 'commit',
      confirmed: false,
      at: now,
      checkedAt: now,
    });
    expect(isLiveLink(link)).toBe(false);
  });

  it('leaves the link pending (no checkedAt) when Linear cannot be asked', () => {
    for (const reason of ['disabled', 'rate_limited', 'timeout', 'error'] as const) {
      const link = linkFromLookup('ENG-5', 'pr', { status: 'unavailable', reason }, now);
      expect(link).toEqual({ identifier: 'ENG-5', evidence: 'pr', confirmed: false, at: now });
      expect(isLiveLink(link)).toBe(true);
    }
  });
});

describe('shaPrefixes', () => {
  it('lists every 7-to-40 character prefix of each SHA, lower-cased and unique', () => {
    const sha = 'C4295BD74FB0F4FDA03689C3DF3F2803B658FD85';
    const prefixes = shaPrefixes([sha, sha.toLowerCase(), undefined, null]);
    expect(prefixes).toHaveLength(34);
    expect(prefixes[0]).toBe('c4295bd');
    expect(prefixes.at(-1)).toBe(sha.toLowerCase());
  });

  it('ignores values that are not SHAs', () => {
    expect(shaPrefixes(['abc', 'not-a-sha-at-all', ''])).toEqual([]);
  });
});

describe('isSharedBranch', () => {
  it.each([
    ['main', true],
    ['master', true],
    ['Develop', true],
    ['release', true],
    ['ana/eng-1-fix', false],
    ['main-fix', false],
    ['release/2026-12', false],
  ])('%s → %s', (branch, shared) => {
    expect(isSharedBranch(branch)).toBe(shared);
  });

  it('treats the PR base and default branch as shared too', () => {
    expect(isSharedBranch('trunk-2', 'trunk-2')).toBe(true);
    expect(isSharedBranch('feature/x', 'main', undefined)).toBe(false);
  });
});

describe('toObjectId', () => {
  it('accepts 24-hex ids and ObjectIds only', () => {
    const id = new ObjectId();
    expect(toObjectId(id)).toBe(id);
    expect(toObjectId(id.toHexString())?.equals(id)).toBe(true);
    expect(toObjectId('65f0c2')).toBeUndefined();
    expect(toObjectId('not an id at all!!!!!!!')).toBeUndefined();
  });
});

describe('manualOutcomeRef', () => {
  it('is the URL when there is one, so recording it again updates the same outcome', () => {
    expect(manualOutcomeRef({ title: 'Anything', url: ' https://acme.test/launch ' }, now)).toBe(
      'url:https://acme.test/launch',
    );
  });

  it('is the title slug and day otherwise', () => {
    expect(manualOutcomeRef({ title: 'Checkout v2 — shipped!' }, now)).toBe(
      'title:checkout-v2-shipped:2026-12-01',
    );
    expect(manualOutcomeRef({ title: '!!!' }, now)).toBe('title:outcome:2026-12-01');
  });
});

describe('Linear answers', () => {
  it('maps the narrow issue query result to what is stored', () => {
    expect(
      toIssueInfo({
        id: 'abc',
        identifier: 'eng-7',
        title: 'Fix',
        url: 'https://linear.app/x/issue/ENG-7',
        updatedAt: '2026-11-02T00:00:00.000Z',
        completedAt: '2026-11-02T00:00:00.000Z',
        canceledAt: null,
        state: { name: 'Done', type: 'completed' },
        team: { key: 'ENG', name: 'Engineering' },
        project: null,
      }),
    ).toEqual({
      linearId: 'abc',
      identifier: 'ENG-7',
      title: 'Fix',
      url: 'https://linear.app/x/issue/ENG-7',
      stateType: 'completed',
      stateName: 'Done',
      team: 'Engineering',
      teamKey: 'ENG',
      completedAt: new Date('2026-11-02T00:00:00.000Z'),
      updatedAt: new Date('2026-11-02T00:00:00.000Z'),
    });
  });

  it('recognises "not found" errors', () => {
    expect(isNotFoundError({ errors: [{ message: 'Entity not found: Issue' }] })).toBe(true);
    expect(isNotFoundError(new Error('Could not find referenced Issue.'))).toBe(true);
    expect(isNotFoundError(new Error('Rate limit exceeded'))).toBe(false);
  });
});
