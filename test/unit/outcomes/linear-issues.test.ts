import { RatelimitedLinearError } from '@linear/sdk';
import { describe, expect, it } from 'vitest';
import type { LinearApi, LinearIssueInfo } from '../../../src/linear/api.ts';
import { LinearIssues } from '../../../src/linear/issues.ts';
import { createLogger } from '../../../src/logger.ts';
import { useTestDatabase } from '../../support/db.ts';

const logger = createLogger('silent');

function issue(
  identifier: string,
  stateType = 'started',
  updatedAt = '2026-11-01T00:00:00Z',
): LinearIssueInfo {
  return {
    linearId: `id-${identifier}`,
    identifier,
    title: `Issue ${identifier}`,
    stateType,
    updatedAt: new Date(updatedAt),
  };
}

/** A LinearApi stand-in whose behaviour each test sets, counting calls. */
function stubApi() {
  const calls: string[] = [];
  let behaviour: (kind: string, arg: string) => Promise<unknown> = async () => undefined;
  const api: LinearApi = {
    getIssue: (id) => {
      calls.push(`issue:${id}`);
      return behaviour('issue', id) as Promise<LinearIssueInfo | undefined>;
    },
    searchIssues: (term) => {
      calls.push(`search:${term}`);
      return behaviour('search', term) as Promise<LinearIssueInfo[]>;
    },
    issueByBranch: (branch) => {
      calls.push(`branch:${branch}`);
      return behaviour('branch', branch) as Promise<LinearIssueInfo | undefined>;
    },
  };
  return { api, calls, set: (fn: typeof behaviour) => (behaviour = fn) };
}

describe('LinearIssues: cache, back-off and timeouts', async () => {
  const { collections } = await useTestDatabase('linear_issues');
  const now = new Date('2026-12-01T10:00:00Z');
  const changed: string[] = [];
  const make = (api?: LinearApi) =>
    new LinearIssues({
      collections,
      logger,
      now: () => now,
      ...(api ? { api } : {}),
      onIssueChanged: async (i) => {
        changed.push(`${i.identifier}:${i.stateType}`);
      },
    });

  it('caches what Linear answered and reports newer states once', async () => {
    const stub = stubApi();
    stub.set(async () => issue('ENG-1', 'completed'));
    const linear = make(stub.api);
    expect(await linear.getIssue('eng-1')).toMatchObject({ status: 'found', fromCache: false });
    expect(await linear.getIssue('ENG-1')).toMatchObject({ status: 'found', fromCache: true });
    expect(stub.calls).toEqual(['issue:ENG-1']);
    expect(changed).toEqual(['ENG-1:completed']);
    // A forced re-read with the same state changes nothing.
    await linear.getIssue('ENG-1', { refresh: true });
    expect(changed).toEqual(['ENG-1:completed']);
  });

  it('remembers "not found" for a while', async () => {
    const stub = stubApi();
    const linear = make(stub.api);
    expect(await linear.getIssue('ENG-404')).toEqual({ status: 'not_found' });
    expect(await linear.getIssue('ENG-404')).toEqual({ status: 'not_found' });
    expect(stub.calls).toEqual(['issue:ENG-404']);
  });

  it('backs off after a rate limit: nothing is sent until Retry-After passes, and the cache still answers', async () => {
    const stub = stubApi();
    const limited = new RatelimitedLinearError();
    limited.retryAfter = 30;
    stub.set(async () => {
      throw limited;
    });
    const linear = make(stub.api);
    expect(await linear.getIssue('ENG-2')).toEqual({ status: 'unavailable', reason: 'rate_limited' });
    expect(linear.backoffRemainingMs()).toBeGreaterThan(25_000);
    expect(await linear.getIssue('ENG-3')).toEqual({ status: 'unavailable', reason: 'rate_limited' });
    expect(await linear.searchIssues('login')).toEqual({ status: 'unavailable', reason: 'rate_limited' });
    expect(stub.calls).toEqual(['issue:ENG-2']);
    // ENG-1 was cached by an earlier read: a stale copy beats no answer.
    expect(await linear.getIssue('ENG-1', { refresh: true })).toMatchObject({
      status: 'found',
      fromCache: true,
    });
  });

  it('a rate-limited search backs off searches only', async () => {
    const stub = stubApi();
    const limited = new RatelimitedLinearError();
    limited.retryAfter = 60;
    stub.set(async (kind) => {
      if (kind === 'search') throw limited;
      return issue('ENG-7');
    });
    const linear = make(stub.api);
    expect(await linear.searchIssues('x')).toEqual({ status: 'unavailable', reason: 'rate_limited' });
    expect(linear.backoffRemainingMs('search')).toBeGreaterThan(0);
    expect(linear.backoffRemainingMs('any')).toBe(0);
    expect(await linear.getIssue('ENG-7')).toMatchObject({ status: 'found' });
  });

  it('gives up waiting after the timeout, and caches the late answer', async () => {
    const stub = stubApi();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    stub.set(async () => {
      await gate;
      return [issue('ENG-8')];
    });
    const linear = make(stub.api);
    expect(await linear.searchIssues('late', { timeoutMs: 20 })).toEqual({
      status: 'unavailable',
      reason: 'timeout',
    });
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await collections.linearIssues.findOne({ identifier: 'ENG-8' })).toMatchObject({
      title: 'Issue ENG-8',
    });
    expect(await linear.searchIssues('late')).toEqual({ status: 'ok', issues: [issue('ENG-8')] });
    expect(stub.calls).toEqual(['search:late']);
  });

  it('without an API key answers "disabled" and never throws', async () => {
    const linear = make();
    expect(linear.enabled).toBe(false);
    expect(await linear.getIssue('ENG-99')).toEqual({ status: 'unavailable', reason: 'disabled' });
    expect(await linear.issueByBranch('ana/x')).toEqual({ status: 'unavailable', reason: 'disabled' });
  });
});
