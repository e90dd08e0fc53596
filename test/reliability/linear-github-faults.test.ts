/**
 * Linear and GitHub faults: Linear rate limits, timeouts and 5xx while webhooks and the modal's issue search
 * need it (answers stay within GitHub's 10 s and Slack's 3 s, outcomes are still recorded); webhook
 * deliveries in any order — reopen before complete included — end in the state of the newest change.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/harness.ts';
import { useFigures } from './figures.ts';
import {
  blockSuggestion,
  githubHeaders,
  githubMergedPr,
  interactionBody,
  linearHeaders,
  linearIssue,
  RELIABILITY_ENV,
  slackHeaders,
} from './payloads.ts';
import { percentile, rawPost } from './support.ts';

const STATES = ['backlog', 'started', 'completed', 'canceled', 'unstarted'] as const;
const CLOSED = new Set(['completed', 'canceled']);

describe('Linear and GitHub faults', async () => {
  const figures = useFigures('linear-github-faults');
  const app: TestApp = await startTestApp({ env: RELIABILITY_ENV, service: { startJobs: false } });
  afterAll(() => app.stop());
  const { collections } = app.service.deps;

  it('Linear deliveries in any order (reopen before complete included) end in the newest state', async () => {
    // Per issue: 2–5 state changes at increasing times, delivered in a random order, some twice.
    const histories = fc.sample(
      fc.record({
        states: fc.array(fc.constantFrom(...STATES), { minLength: 2, maxLength: 5 }),
        order: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
        duplicate: fc.boolean(),
      }),
      { numRuns: 30, seed: 4242 },
    );
    // The case the issue names: completed, then reopened; the reopen arrives first.
    histories.push({ states: ['completed', 'started'], order: [1, 0], duplicate: false });
    histories.push({
      states: ['started', 'completed', 'started', 'completed'],
      order: [3, 2, 0, 1],
      duplicate: true,
    });
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    const deliveries: {
      identifier: string;
      deliveryId: string;
      change: { stateType: string; updatedAt: Date };
    }[] = [];
    const expected = new Map<string, string>();
    for (const [i, history] of histories.entries()) {
      const identifier = `ORD-${i + 1}`;
      const changes = history.states.map((stateType, k) => ({
        stateType,
        updatedAt: new Date(t0 + i * 60_000 + k * 1000),
      }));
      expected.set(identifier, changes.at(-1)!.stateType);
      // A permutation of the changes from the random keys.
      const order = changes
        .map((change, k) => ({ change, key: history.order[k % history.order.length]! * 10 + k }))
        .sort((a, b) => a.key - b.key)
        .map((entry) => entry.change);
      for (const change of order) {
        const delivery = { identifier, deliveryId: randomUUID(), change };
        deliveries.push(delivery);
        // Redelivered with the same Linear-Delivery id, as Linear does after a timeout.
        if (history.duplicate) deliveries.push(delivery);
      }
    }
    // Signed at the moment of sending (Linear's 60 s window), then all sent at once, in that order.
    const statuses = await Promise.all(
      deliveries.map(async (delivery, index) => {
        await new Promise((resolve) => setTimeout(resolve, index % 7));
        const body = JSON.stringify(linearIssue({ identifier: delivery.identifier, ...delivery.change }));
        return (
          await rawPost(app.baseUrl, '/webhooks/linear', body, linearHeaders(body, delivery.deliveryId))
        ).status;
      }),
    );
    const wrong: string[] = [];
    for (const [identifier, state] of expected) {
      const issue = await collections.linearIssues.findOne({ identifier });
      const outcome = await collections.outcomes.findOne({ kind: 'linear_issue', ref: identifier });
      const outcomeOk = CLOSED.has(state)
        ? outcome?.state === state && (state !== 'completed' || outcome.completedAt !== undefined)
        : !outcome || outcome.state === 'reopened';
      if (issue?.stateType !== state || !outcomeOk) {
        wrong.push(
          `${identifier}: want ${state}, issue ${issue?.stateType}, outcome ${outcome?.state ?? '-'}`,
        );
      }
    }
    figures.report(
      'Linear issues / deliveries (shuffled, some duplicated)',
      `${expected.size} / ${deliveries.length}`,
    );
    figures.expect(
      'Linear deliveries answered other than 2xx',
      statuses.filter((s) => typeof s !== 'number' || s >= 300).length,
      { eq: 0 },
    );
    figures.expect('Linear issues ending in a state other than the newest', wrong.length, { eq: 0 }, wrong);
    const outcomes = await collections.outcomes.countDocuments({ kind: 'linear_issue', ref: /^ORD-/ });
    const distinct = (await collections.outcomes.distinct('ref', { kind: 'linear_issue', ref: /^ORD-/ }))
      .length;
    figures.expect('duplicate Linear outcomes', outcomes - distinct, { eq: 0 });
  });

  it('GitHub deliveries in any order and redelivered: one outcome per merged PR', async () => {
    const prs = 12;
    const deliveries: { event: string; body: string }[] = [];
    for (let i = 0; i < prs; i++) {
      const number = 9000 + i;
      const merged = githubMergedPr({ number });
      const opened = {
        ...merged,
        action: 'opened',
        pull_request: { ...merged.pull_request, merged: false, merged_at: null, state: 'open' },
      };
      const sync = { ...opened, action: 'synchronize' };
      for (const payload of [opened, sync, merged, merged]) {
        deliveries.push({ event: 'pull_request', body: JSON.stringify(payload) });
      }
    }
    const shuffled = fc.sample(fc.shuffledSubarray(deliveries, { minLength: deliveries.length }), {
      numRuns: 1,
      seed: 7,
    })[0]!;
    const statuses = await Promise.all(
      shuffled.map((d) =>
        rawPost(app.baseUrl, '/webhooks/github', d.body, githubHeaders(d.body, d.event)).then(
          (r) => r.status,
        ),
      ),
    );
    const outcomes = await collections.outcomes.find({ kind: 'pr', ref: /#90\d\d$/ }).toArray();
    figures.report('GitHub PRs / deliveries (shuffled, merged redelivered)', `${prs} / ${shuffled.length}`);
    figures.expect(
      'GitHub deliveries answered other than 2xx',
      statuses.filter((s) => typeof s !== 'number' || s >= 300).length,
      { eq: 0 },
    );
    figures.expect('merged PR outcomes (one per PR)', outcomes.length, { eq: prs });
    figures.expect('PR outcomes not in state merged', outcomes.filter((o) => o.state !== 'merged').length, {
      eq: 0,
    });
  });

  /**
   * Each fault on a service of its own: the Linear client's back-off (after a 429 or a 5xx Linear is left alone
   * for a while) would otherwise hide the next fault.
   */
  async function isolated<T>(work: (fresh: TestApp) => Promise<T>): Promise<T> {
    const fresh = await startTestApp({ env: RELIABILITY_ENV, service: { startJobs: false } });
    try {
      return await work(fresh);
    } finally {
      await fresh.stop();
    }
  }

  it('the modal’s issue search answers within Slack’s 3 s whatever Linear does', async () => {
    const faults: [string, (fresh: TestApp) => void][] = [
      ['Linear healthy', () => {}],
      ['Linear slow (5 s per answer)', (fresh) => fresh.linear.setDelay(5000)],
      ['Linear 500s', (fresh) => fresh.linear.failNext(3)],
      ['Linear rate limited', (fresh) => fresh.linear.rateLimitNext(3)],
    ];
    const times: number[] = [];
    for (const [k, [name, inject]] of faults.entries()) {
      await isolated(async (fresh) => {
        const identifier = `SRCH-${k + 1}`;
        fresh.linear.addIssue({ identifier, title: `Search me ${k}` });
        inject(fresh);
        const body = interactionBody(blockSuggestion('UALICE0001', identifier));
        const started = performance.now();
        const response = await rawPost(
          fresh.baseUrl,
          '/slack/events',
          body,
          slackHeaders(body, 'application/x-www-form-urlencoded'),
        );
        const ms = Math.round(performance.now() - started);
        times.push(ms);
        fresh.linear.setDelay(0);
        const options = JSON.parse(response.body.toString('utf8') || '{}') as {
          options?: { value: string }[];
        };
        const offered = options.options?.some((o) => o.value.includes(identifier)) ?? false;
        figures.report(
          `issue search / ${name}`,
          `${response.status} in ${ms} ms · ${identifier} offered ${offered ? 'yes' : 'no'}`,
        );
        figures.expect(
          `issue search / ${name}: 200 within 3 s`,
          Number(response.status === 200 && ms < 3000),
          { eq: 1 },
        );
        figures.expect(`issue search / ${name}: typed identifier offered`, Number(offered), { eq: 1 });
      });
    }
    figures.report('issue search answer ms (max)', percentile(times, 100));
  });

  it('a merged PR is recorded within GitHub’s 10 s while Linear is slow, rate limited or failing', async () => {
    const faults: [string, (fresh: TestApp) => void][] = [
      ['Linear slow (3 s per answer)', (fresh) => fresh.linear.setDelay(3000)],
      ['Linear 500s', (fresh) => fresh.linear.failNext(5)],
      ['Linear rate limited', (fresh) => fresh.linear.rateLimitNext(5)],
    ];
    for (const [k, [name, inject]] of faults.entries()) {
      await isolated(async (fresh) => {
        const identifier = `ENG-${400 + k}`;
        fresh.linear.addIssue({ identifier, title: `Refunds ${k}` });
        inject(fresh);
        const number = 7000 + k;
        const pr = githubMergedPr({ number, branch: `ana/${identifier.toLowerCase()}-refunds` });
        pr.pull_request.title = `${identifier}: refunds`;
        const body = JSON.stringify(pr);
        const started = performance.now();
        const response = await rawPost(fresh.baseUrl, '/webhooks/github', body, githubHeaders(body), {
          timeoutMs: 10_000,
        });
        const ms = Math.round(performance.now() - started);
        fresh.linear.setDelay(0);
        const outcome = await fresh.service.deps.collections.outcomes.findOne({
          kind: 'pr',
          ref: `acme/api#${number}`,
        });
        figures.report(
          `GitHub webhook / ${name}`,
          `${response.status} in ${ms} ms · outcome ${outcome ? 'recorded' : 'missing'}`,
        );
        figures.expect(
          `GitHub webhook / ${name}: answered 2xx within 10 s`,
          Number(response.status === 200 && ms < 10_000),
          { eq: 1 },
        );
        figures.expect(`GitHub webhook / ${name}: outcome recorded`, Number(Boolean(outcome)), { eq: 1 });
      });
    }
  });
});
