import { readFileSync } from 'node:fs';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINK_SESSIONS_JOB } from '../../jobs/link-sessions.ts';
import { linkSessionIssues } from '../../src/outcomes/auto-link.ts';
import { eventually, useTestApp } from '../support/harness.ts';
import {
  githubSignature,
  issuePayload,
  linearSignature,
  OUTCOME_ENV,
  postGithub,
  postLinear,
  seedSession,
} from './outcomes-support.ts';

const at = (iso: string) => new Date(iso);
const messageOf = async (response: Response) => ((await response.json()) as { message: string }).message;

describe('outcomes: Linear webhooks', async () => {
  const app = await useTestApp({ env: OUTCOME_ENV });
  const { collections } = app.service.deps;
  const counts = async () => ({
    outcomes: await collections.outcomes.countDocuments(),
    issues: await collections.linearIssues.countDocuments(),
    deliveries: await collections.deliveries.countDocuments(),
    deadLetters: await collections.deadLetters.countDocuments(),
  });

  let linkedByBranch: string;
  let pendingLink: string;
  beforeAll(async () => {
    app.linear.addIssue({ identifier: 'ENG-101', title: 'Fix login' });
    linkedByBranch = await seedSession(collections, {
      calls: [{ at: '2026-11-20T10:00:00Z', costUsd: 4 }],
      repo: 'acme/web',
      branch: 'alice/eng-101-fix-login',
    });
    await linkSessionIssues(app.service.deps, [linkedByBranch]);
    // A link Linear could not confirm yet (e.g. it was down): the completion confirms it.
    pendingLink = await seedSession(collections, { calls: [{ at: '2026-11-21T10:00:00Z', costUsd: 2 }] });
    await collections.sessions.updateOne(
      { _id: new ObjectId(pendingLink) },
      { $push: { links: { identifier: 'ENG-101', evidence: 'manual', confirmed: false, at: new Date() } } },
    );
  });

  it('refuses a wrong signature, a missing signature and a stale timestamp with 401, storing nothing', async () => {
    const before = await counts();
    const payload = issuePayload({
      identifier: 'ENG-101',
      stateType: 'completed',
      updatedAt: at('2026-12-01T10:00:00Z'),
    });
    const wrong = await postLinear(app, payload, {
      signature: linearSignature(JSON.stringify(payload), 'other-secret'),
    });
    expect(wrong.status).toBe(401);
    const body = JSON.stringify(payload);
    const missing = await app.post('/webhooks/linear', body, { 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    const stale = await postLinear(app, { ...payload, webhookTimestamp: Date.now() - 2 * 60_000 });
    expect(stale.status).toBe(401);
    expect(await messageOf(stale)).toMatch(/60 s/);
    // Signed over other bytes than the ones sent.
    const swapped = await postLinear(app, payload, { signature: linearSignature(`${body} `) });
    expect(swapped.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('answers signed but malformed deliveries with 400 and keeps them as dead letters', async () => {
    const notJson = await postLinear(app, null, { raw: '{"type":"Issue",' });
    expect(notJson.status).toBe(400);
    const payload = issuePayload({
      identifier: 'ENG-101',
      stateType: 'completed',
      updatedAt: at('2026-12-01T10:00:00Z'),
    });
    const data = payload.data as Record<string, unknown>;
    delete data.state;
    const noState = await postLinear(app, payload);
    expect(noState.status).toBe(400);
    expect(await messageOf(noState)).toContain('data.state');
    const letters = await collections.deadLetters
      .find({ endpoint: '/webhooks/linear' })
      .sort({ receivedAt: 1 })
      .toArray();
    expect(letters).toHaveLength(2);
    expect(letters[0]).toMatchObject({
      body: '{"type":"Issue",',
      truncated: false,
      error: expect.stringMatching(/JSON/),
    });
    expect(letters[1]!.error).toContain('data.state');
    expect(await collections.outcomes.countDocuments()).toBe(0);
  });

  it('acknowledges event types it does not use with 200 and changes nothing', async () => {
    const comment = {
      action: 'create',
      type: 'Comment',
      webhookTimestamp: Date.now(),
      data: { id: 'c1', body: 'hi' },
    };
    const response = await postLinear(app, comment);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ignored' });
    expect(await collections.outcomes.countDocuments()).toBe(0);
  });

  it('records a completed issue as an outcome and attaches every linked session on both sides', async () => {
    const deliveryId = 'delivery-complete-101';
    const completedAt = at('2026-12-01T10:00:00Z');
    const response = await postLinear(
      app,
      issuePayload({
        identifier: 'ENG-101',
        stateType: 'completed',
        updatedAt: completedAt,
        completedAt,
        title: 'Fix login',
        project: 'Auth revamp',
      }),
      { deliveryId },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'applied',
      identifier: 'ENG-101',
      state: 'completed',
    });
    const outcome = await collections.outcomes.findOne({ kind: 'linear_issue', ref: 'ENG-101' });
    expect(outcome).toMatchObject({
      state: 'completed',
      completedAt,
      title: 'Fix login',
      team: 'Engineering',
      project: 'Auth revamp',
      details: { teamKey: 'ENG' },
    });
    expect([...outcome!.sessionIds].sort()).toEqual([linkedByBranch, pendingLink].sort());
    const outcomeId = outcome!._id!.toHexString();
    for (const id of [linkedByBranch, pendingLink]) {
      const session = await collections.sessions.findOne({ _id: new ObjectId(id) });
      expect(session!.outcomeIds).toEqual([outcomeId]);
      expect(session!.links.find((l) => l.identifier === 'ENG-101')?.confirmed).toBe(true);
    }

    // The same delivery again: recognised, nothing doubled.
    const replay = await postLinear(
      app,
      issuePayload({ identifier: 'ENG-101', stateType: 'completed', updatedAt: completedAt, completedAt }),
      { deliveryId },
    );
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ status: 'duplicate' });
    expect(await collections.outcomes.countDocuments({ ref: 'ENG-101' })).toBe(1);
    expect(await collections.deliveries.countDocuments({ source: 'linear', deliveryId })).toBe(1);
    const again = await collections.outcomes.findOne({ ref: 'ENG-101' });
    expect(again!.sessionIds).toHaveLength(2);
  });

  it('reopening reverses the outcome (links kept), and a late older "completed" does not undo the reopen', async () => {
    const reopened = await postLinear(
      app,
      issuePayload({ identifier: 'ENG-101', stateType: 'started', updatedAt: at('2026-12-02T09:00:00Z') }),
    );
    expect(reopened.status).toBe(200);
    let outcome = await collections.outcomes.findOne({ ref: 'ENG-101' });
    expect(outcome).toMatchObject({ state: 'reopened' });
    expect(outcome!.completedAt).toBeUndefined();
    expect(outcome!.sessionIds).toHaveLength(2);

    // Delivered late: a completion from before the reopen (a retry of an older delivery).
    const late = await postLinear(
      app,
      issuePayload({
        identifier: 'ENG-101',
        stateType: 'completed',
        updatedAt: at('2026-12-01T18:00:00Z'),
        completedAt: at('2026-12-01T18:00:00Z'),
      }),
    );
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ status: 'stale' });
    outcome = await collections.outcomes.findOne({ ref: 'ENG-101' });
    expect(outcome).toMatchObject({ state: 'reopened' });
    expect(outcome!.completedAt).toBeUndefined();

    // Completed again later: shipped again, same record.
    const done = at('2026-12-03T12:00:00Z');
    await postLinear(
      app,
      issuePayload({ identifier: 'ENG-101', stateType: 'completed', updatedAt: done, completedAt: done }),
    );
    outcome = await collections.outcomes.findOne({ ref: 'ENG-101' });
    expect(outcome).toMatchObject({ state: 'completed', completedAt: done });
    expect(await collections.outcomes.countDocuments({ ref: 'ENG-101' })).toBe(1);
  });

  it('a reopen delivered before the completion it follows ends reopened, never shipped', async () => {
    const reopen = await postLinear(
      app,
      issuePayload({ identifier: 'ENG-102', stateType: 'unstarted', updatedAt: at('2026-12-02T10:00:00Z') }),
    );
    expect(reopen.status).toBe(200);
    const complete = await postLinear(
      app,
      issuePayload({
        identifier: 'ENG-102',
        stateType: 'completed',
        updatedAt: at('2026-12-02T08:00:00Z'),
        completedAt: at('2026-12-02T08:00:00Z'),
      }),
    );
    expect(complete.status).toBe(200);
    expect(await collections.outcomes.findOne({ ref: 'ENG-102' })).toBeNull();
    expect(await collections.linearIssues.findOne({ identifier: 'ENG-102' })).toMatchObject({
      stateType: 'unstarted',
    });
  });

  it('records a canceled issue as a canceled (not shipped) outcome', async () => {
    const canceledAt = at('2026-12-02T11:00:00Z');
    await postLinear(
      app,
      issuePayload({ identifier: 'ENG-103', stateType: 'canceled', updatedAt: canceledAt, canceledAt }),
    );
    expect(await collections.outcomes.findOne({ ref: 'ENG-103' })).toMatchObject({
      state: 'canceled',
      completedAt: canceledAt,
    });
  });

  it('a session linked after its issue completed is attached by the link-sessions job', async () => {
    const done = at('2026-12-02T15:00:00Z');
    app.linear.addIssue({ identifier: 'ENG-104', title: 'Audit log' });
    await postLinear(
      app,
      issuePayload({ identifier: 'ENG-104', stateType: 'completed', updatedAt: done, completedAt: done }),
    );
    const late = await seedSession(collections, {
      calls: [{ at: '2026-12-01T10:00:00Z', costUsd: 3 }],
      branch: 'bob/ENG-104-audit-log',
    });
    // Linked by hand elsewhere after it was checked (the way the classify modal adds a link).
    const byHand = await seedSession(collections, { calls: [{ at: '2026-12-01T11:00:00Z', costUsd: 1 }] });
    await linkSessionIssues(app.service.deps, [byHand]);
    await collections.sessions.updateOne(
      { _id: new ObjectId(byHand) },
      {
        $push: {
          links: { identifier: 'ENG-104', evidence: 'manual', confirmed: true, at: new Date(Date.now() + 5) },
        },
      },
    );
    await app.service.deps.agenda.now(LINK_SESSIONS_JOB);
    const outcome = await eventually(
      async () => {
        const found = await collections.outcomes.findOne({ ref: 'ENG-104' });
        return found?.sessionIds.includes(late) && found.sessionIds.includes(byHand) ? found : undefined;
      },
      { message: 'link-sessions attached the late session' },
    );
    const session = await collections.sessions.findOne({ _id: new ObjectId(late) });
    expect(session!.outcomeIds).toContain(outcome._id!.toHexString());
    expect(session!.links).toEqual([
      expect.objectContaining({ identifier: 'ENG-104', evidence: 'branch', confirmed: true }),
    ]);
  });
});

describe('outcomes: GitHub webhooks', async () => {
  const app = await useTestApp({ env: OUTCOME_ENV });
  const { collections } = app.service.deps;
  const sample = JSON.parse(
    readFileSync(
      '/work/shared/reference/samples/github_pull_request_closed_not_merged.octokit_example.json',
      'utf8',
    ),
  ) as {
    pull_request: Record<string, unknown> & { head: Record<string, unknown> };
    repository: { full_name: string };
  };
  const MERGE_SHA = 'c4295bd74fb0f4fda03689c3df3f2803b658fd85';
  const mergedAt = '2026-12-02T15:21:18Z';
  const merged = () => {
    const event = structuredClone(sample);
    Object.assign(event.pull_request, {
      title: 'ENG-202: refunds API',
      merged: true,
      merged_at: mergedAt,
      merge_commit_sha: MERGE_SHA,
    });
    event.pull_request.head.ref = 'ana/eng-201-refunds';
    return event;
  };

  const sessions: Record<string, string> = {};
  beforeAll(async () => {
    app.linear.addIssue({ identifier: 'ENG-201', title: 'Refunds' });
    app.linear.addIssue({ identifier: 'ENG-202', title: 'Refunds API' });
    const repo = 'Codertocat/Hello-World';
    sessions.byBranch = await seedSession(collections, {
      calls: [{ at: '2026-12-01T10:00:00Z', costUsd: 5 }],
      repo,
      branch: 'ana/eng-201-refunds',
    });
    sessions.byCommit = await seedSession(collections, {
      calls: [{ at: '2026-12-01T11:00:00Z', costUsd: 3 }],
      repo,
      branch: 'ana/scratch',
      commit: MERGE_SHA.slice(0, 10),
    });
    sessions.byTitle = await seedSession(collections, {
      calls: [{ at: '2026-11-28T11:00:00Z', costUsd: 2 }],
      linearIssue: 'ENG-202',
    });
    await linkSessionIssues(app.service.deps, [sessions.byTitle]);
    sessions.otherRepo = await seedSession(collections, {
      calls: [{ at: '2026-12-01T10:00:00Z', costUsd: 7 }],
      repo: 'acme/other',
      branch: 'ana/eng-201-refunds',
    });
    sessions.afterMerge = await seedSession(collections, {
      calls: [{ at: '2026-12-03T10:00:00Z', costUsd: 1 }],
      repo,
      branch: 'ana/eng-201-refunds',
    });
  });

  it('answers ping with 200', async () => {
    const response = await postGithub(app, 'ping', { zen: 'Design for failure.', hook_id: 1 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'pong' });
  });

  it('refuses a bad or missing signature with 401 and stores nothing', async () => {
    const wrong = await postGithub(app, 'pull_request', merged(), { signature: githubSignature('{}') });
    expect(wrong.status).toBe(401);
    const missing = await postGithub(app, 'pull_request', merged(), { signature: null });
    expect(missing.status).toBe(401);
    expect(await collections.outcomes.countDocuments()).toBe(0);
    expect(await collections.deliveries.countDocuments()).toBe(0);
  });

  it('records nothing for a PR closed without merging (the octokit sample)', async () => {
    const response = await postGithub(app, 'pull_request', sample);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ignored', reason: 'closed without merging' });
    expect(await collections.outcomes.countDocuments()).toBe(0);
  });

  it('ignores event types it does not use with 200', async () => {
    const response = await postGithub(app, 'issues', { action: 'opened', issue: { number: 1 } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ignored' });
  });

  it('answers a signed but malformed pull_request with 400 and a dead letter', async () => {
    const broken = merged() as unknown as { pull_request: Record<string, unknown> };
    delete broken.pull_request.head;
    const response = await postGithub(app, 'pull_request', broken);
    expect(response.status).toBe(400);
    expect(await messageOf(response)).toContain('pull_request.head');
    const notJson = await postGithub(app, 'pull_request', null, { raw: 'not json' });
    expect(notJson.status).toBe(400);
    expect(await collections.deadLetters.countDocuments({ endpoint: '/webhooks/github' })).toBe(2);
    expect(await collections.outcomes.countDocuments()).toBe(0);
  });

  it('records a merged PR and links sessions by branch+repo, by commit SHA and by issue in the title', async () => {
    const deliveryId = 'gh-delivery-merged-2';
    const response = await postGithub(app, 'pull_request', merged(), { deliveryId });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'recorded', ref: 'Codertocat/Hello-World#2' });
    const outcome = await collections.outcomes.findOne({ kind: 'pr' });
    expect(outcome).toMatchObject({
      ref: 'Codertocat/Hello-World#2',
      state: 'merged',
      url: 'https://github.com/Codertocat/Hello-World/pull/2',
      completedAt: new Date(mergedAt),
      details: {
        repo: 'Codertocat/Hello-World',
        number: 2,
        headBranch: 'ana/eng-201-refunds',
        mergeCommit: MERGE_SHA,
        issues: 'ENG-202,ENG-201',
      },
    });
    expect([...outcome!.sessionIds].sort()).toEqual(
      [sessions.byBranch, sessions.byCommit, sessions.byTitle].sort(),
    );
    for (const key of ['otherRepo', 'afterMerge'] as const) {
      const session = await collections.sessions.findOne({ _id: new ObjectId(sessions[key]) });
      expect(session!.outcomeIds, key).toEqual([]);
    }
    // Sessions found by branch or commit learn the PR's issues (evidence "pr", confirmed by Linear).
    const byCommit = await collections.sessions.findOne({ _id: new ObjectId(sessions.byCommit) });
    expect(byCommit!.links.map((l) => [l.identifier, l.evidence, l.confirmed]).sort()).toEqual([
      ['ENG-201', 'pr', true],
      ['ENG-202', 'pr', true],
    ]);
    expect(byCommit!.outcomeIds).toEqual([outcome!._id!.toHexString()]);

    const replay = await postGithub(app, 'pull_request', merged(), { deliveryId });
    expect(await replay.json()).toMatchObject({ status: 'duplicate' });
    expect(await collections.outcomes.countDocuments({ kind: 'pr' })).toBe(1);
  });

  it('accepts the form-encoded delivery format too', async () => {
    const event = merged();
    Object.assign(event.pull_request, {
      number: 3,
      html_url: 'https://github.com/Codertocat/Hello-World/pull/3',
    });
    const body = new URLSearchParams({ payload: JSON.stringify(event) }).toString();
    const response = await app.post('/webhooks/github', body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-github-event': 'pull_request',
      'x-github-delivery': 'gh-form-1',
      'x-hub-signature-256': githubSignature(body),
    });
    expect(response.status).toBe(200);
    expect(await collections.outcomes.findOne({ ref: 'Codertocat/Hello-World#3' })).toMatchObject({
      state: 'merged',
    });
  });
});
