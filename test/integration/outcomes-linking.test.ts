import { randomUUID } from 'node:crypto';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { SessionDoc } from '../../src/db/collections.ts';
import { MODAL_FIELDS } from '../../src/ids.ts';
import { linkSessionIssues } from '../../src/outcomes/auto-link.ts';
import { eventually, type TestApp, useTestApp } from '../support/harness.ts';
import { OUTCOME_ENV, seedSession } from './outcomes-support.ts';

const ALICE = 'UALICE0001';
const BOB = 'UBOB000001';
const CAROL = 'UCAROL0001'; // workspace admin in the fake Slack

async function session(app: TestApp, id: string): Promise<SessionDoc> {
  return (await app.service.deps.collections.sessions.findOne({ _id: new ObjectId(id) }))!;
}

const linksOf = (doc: SessionDoc) =>
  doc.links.map((l) => ({
    identifier: l.identifier,
    evidence: l.evidence,
    confirmed: l.confirmed,
    checked: !!l.checkedAt,
  }));

/** `/ai-roi <text>` as `user`: the ephemeral answer's text. */
async function ask(app: TestApp, text: string, user: string): Promise<string> {
  const id = randomUUID();
  const response = await app.command(text, user, { response_url: app.slack.responseUrl(id) });
  expect(response.status).toBe(200);
  const answer = await eventually(() => app.slack.responses.find((r) => r.id === id), {
    message: `answer to ${text}`,
  });
  expect(answer.body.response_type).toBe('ephemeral');
  return String(answer.body.text);
}

/** The classify modal's issue search, as Slack sends it; resolves with the option texts and values. */
async function searchIssues(app: TestApp, value: string): Promise<{ text: string; value: string }[]> {
  const response = await app.interaction({
    type: 'block_suggestion',
    user: { id: ALICE, username: 'alice', name: 'alice', team_id: app.slack.teamId },
    container: { type: 'view', view_id: 'V0SEARCH' },
    view: { id: 'V0SEARCH', type: 'modal', callback_id: 'classify_modal', private_metadata: '' },
    block_id: MODAL_FIELDS.issueBlock,
    action_id: MODAL_FIELDS.issueInput,
    value,
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { options: { text: { text: string }; value: string }[] };
  return body.options.map((o) => ({ text: o.text.text, value: o.value }));
}

describe('outcomes: automatic links confirmed with Linear', async () => {
  const app = await useTestApp({ env: OUTCOME_ENV, service: { startJobs: false } });
  const { collections } = app.service.deps;
  app.linear.addIssue({ identifier: 'ENG-301', title: 'New checkout' });
  app.linear.addIssue({
    identifier: 'ENG-302',
    title: 'Login redesign',
    branchName: 'feature/login-redesign',
  });
  app.linear.addIssue({ identifier: 'ENG-303', title: 'Webhook retries' });
  const call = [{ at: '2026-12-01T10:00:00Z', costUsd: 1 }];

  it('links identifiers in branch names and on usage events, and keeps unknown ones unconfirmed', async () => {
    const ids = {
      branch: await seedSession(collections, { calls: call, branch: 'dana/eng-301-new-checkout' }),
      falsePositive: await seedSession(collections, { calls: call, branch: 'fix/utf-8-and-sha-256' }),
      unknown: await seedSession(collections, { calls: call, branch: 'fix/ENG-999-typo' }),
      vcs: await seedSession(collections, { calls: call, branch: 'feature/login-redesign' }),
      declared: await seedSession(collections, { calls: call, linearIssue: 'eng-303' }),
      shared: await seedSession(collections, { calls: call, branch: 'main' }),
    };
    const results = await linkSessionIssues(app.service.deps, Object.values(ids));
    expect(results).toHaveLength(6);

    expect(linksOf(await session(app, ids.branch))).toEqual([
      { identifier: 'ENG-301', evidence: 'branch', confirmed: true, checked: true },
    ]);
    expect((await session(app, ids.falsePositive)).links).toEqual([]);
    // Linear does not know it: kept as evidence, marked as checked, never counted.
    expect(linksOf(await session(app, ids.unknown))).toEqual([
      { identifier: 'ENG-999', evidence: 'branch', confirmed: false, checked: true },
    ]);
    // No identifier in the branch: Linear's branch search found the issue.
    expect(linksOf(await session(app, ids.vcs))).toEqual([
      { identifier: 'ENG-302', evidence: 'branch', confirmed: true, checked: true },
    ]);
    expect(linksOf(await session(app, ids.declared))).toEqual([
      { identifier: 'ENG-303', evidence: 'manual', confirmed: true, checked: true },
    ]);
    expect((await session(app, ids.shared)).links).toEqual([]);
    const branchSearches = app.linear.requests.filter((r) => r.rootFields.includes('issueVcsBranchSearch'));
    // Only branches without an identifier are searched; shared branches like main never are.
    expect(branchSearches.map((r) => r.variables.branchName).sort()).toEqual([
      'feature/login-redesign',
      'fix/utf-8-and-sha-256',
    ]);

    // Issues are cached with what the app needs, so confirming again asks Linear nothing.
    expect(await collections.linearIssues.findOne({ identifier: 'ENG-301' })).toMatchObject({
      title: 'New checkout',
      stateType: 'started',
      teamKey: 'ENG',
    });
    const before = app.linear.requests.length;
    await linkSessionIssues(app.service.deps, Object.values(ids));
    expect(app.linear.requests.length).toBe(before);
    expect((await session(app, ids.branch)).links).toHaveLength(1);
  });

  it('sends Linear one narrow query per issue, with the configured key', async () => {
    const issueQueries = app.linear.requests.filter((r) => r.rootFields.includes('issue'));
    expect(issueQueries.length).toBeGreaterThan(0);
    expect(
      issueQueries.every((r) => r.rootFields.length === 1 && r.authorization === 'lin_api_test_key'),
    ).toBe(true);
    expect(app.linear.requests.some((r) => r.rootFields.includes('workflowState'))).toBe(false);
  });

  it('keeps links pending when Linear is rate-limited, and never fails', async () => {
    const id = await seedSession(collections, { calls: call, branch: 'ana/eng-304-limits' });
    app.linear.addIssue({ identifier: 'ENG-304' });
    app.linear.rateLimitNext(1);
    await linkSessionIssues(app.service.deps, [id]);
    expect(linksOf(await session(app, id))).toEqual([
      { identifier: 'ENG-304', evidence: 'branch', confirmed: false, checked: false },
    ]);
  });
});

describe('outcomes: without LINEAR_API_KEY', async () => {
  const app = await useTestApp({
    env: { ...OUTCOME_ENV, LINEAR_API_KEY: '' },
    service: { startJobs: false },
  });
  const { collections } = app.service.deps;

  it('links by identifier pattern only and leaves links unconfirmed', async () => {
    const id = await seedSession(collections, {
      calls: [{ at: '2026-12-01T10:00:00Z', costUsd: 1 }],
      branch: 'dana/eng-401-offline',
    });
    await linkSessionIssues(app.service.deps, [id]);
    expect(linksOf(await session(app, id))).toEqual([
      { identifier: 'ENG-401', evidence: 'branch', confirmed: false, checked: false },
    ]);
    expect(app.linear.requests).toEqual([]);
  });

  it('still answers the issue search with the typed identifier', async () => {
    const options = await searchIssues(app, 'eng-401');
    expect(options[0]).toMatchObject({ value: 'ENG-401' });
  });
});

describe('outcomes: /ai-roi link and the issue search', async () => {
  const app = await useTestApp({ env: OUTCOME_ENV, service: { startJobs: false } });
  const { collections } = app.service.deps;
  app.linear.addIssue({ identifier: 'ENG-501', title: 'Fix login timeout' });
  app.linear.addIssue({ identifier: 'ENG-502', title: 'Login audit trail' });
  app.linear.addIssue({ identifier: 'OPS-7', title: 'Rotate keys' });
  const call = [{ at: '2026-12-01T10:00:00Z', costUsd: 2 }];

  it('links your own session to an issue, confirmed by Linear', async () => {
    const id = await seedSession(collections, {
      calls: call,
      slackUserId: ALICE,
      email: 'alice@example.com',
    });
    const text = await ask(app, `link ${id.slice(0, 10)} eng-501`, ALICE);
    expect(text).toContain('Linked session');
    expect(text).toContain('ENG-501');
    expect(text).toContain('Fix login timeout');
    expect(linksOf(await session(app, id))).toEqual([
      { identifier: 'ENG-501', evidence: 'manual', confirmed: true, checked: true },
    ]);
    expect(await collections.audit.findOne({ action: 'session.link' })).toMatchObject({
      actor: ALICE,
      target: `session:${id}`,
    });
  });

  it("refuses someone else's session, unless an admin asks", async () => {
    const id = await seedSession(collections, {
      calls: call,
      slackUserId: ALICE,
      email: 'alice@example.com',
    });
    const refused = await ask(app, `link ${id} OPS-7`, BOB);
    expect(refused).toContain('not yours');
    expect((await session(app, id)).links).toEqual([]);
    const admin = await ask(app, `link ${id} OPS-7`, CAROL);
    expect(admin).toContain('Linked session');
    expect((await session(app, id)).links.map((l) => l.identifier)).toEqual(['OPS-7']);
  });

  it('lets a manager of the session’s team link it', async () => {
    const now = new Date();
    await collections.teams.insertOne({
      name: 'Payments',
      members: [ALICE],
      managers: [BOB],
      createdAt: now,
      updatedAt: now,
    });
    const id = await seedSession(collections, {
      calls: call,
      slackUserId: ALICE,
      email: 'alice@example.com',
      team: 'Payments',
    });
    const text = await ask(app, `link ${id} ENG-502`, BOB);
    expect(text).toContain('Linked session');
  });

  it('keeps an identifier Linear does not know as unconfirmed and says so', async () => {
    const id = await seedSession(collections, {
      calls: call,
      slackUserId: ALICE,
      email: 'alice@example.com',
    });
    const text = await ask(app, `link ${id} ENG-9999`, ALICE);
    expect(text).toContain('Linear does not know *ENG-9999*');
    expect(linksOf(await session(app, id))).toEqual([
      { identifier: 'ENG-9999', evidence: 'manual', confirmed: false, checked: true },
    ]);
  });

  it('says what to type for an unknown session id', async () => {
    const text = await ask(app, 'link abcdef123456 ENG-501', ALICE);
    expect(text).toContain('No session has an id starting with `abcdef123456`');
  });

  it('answers the issue search from Linear', async () => {
    const options = await searchIssues(app, 'login');
    expect(options.map((o) => o.value).sort()).toEqual(['ENG-501', 'ENG-502']);
    expect(options.find((o) => o.value === 'ENG-501')!.text).toBe('ENG-501 Fix login timeout');
    expect(app.linear.requests.at(-1)).toMatchObject({
      rootFields: ['searchIssues'],
      variables: { term: 'login' },
    });
  });

  it('offers a typed identifier Linear does not have, marked as such', async () => {
    const options = await searchIssues(app, 'ENG-77');
    expect(options[0]).toEqual({ value: 'ENG-77', text: 'ENG-77 (not found in Linear)' });
  });

  it('answers with fallback options when Linear is slow', async () => {
    app.linear.setDelay(2500);
    try {
      const options = await searchIssues(app, 'ENG-50');
      // The typed identifier first, then cached issues that start with it.
      expect(options[0]).toEqual({ value: 'ENG-50', text: 'ENG-50 (checked with Linear when saved)' });
      expect(
        options
          .slice(1)
          .map((o) => o.value)
          .sort(),
      ).toEqual(['ENG-501', 'ENG-502']);
    } finally {
      app.linear.setDelay(0);
    }
    // The slow answer still arrives (and is cached) after Slack was answered.
    await eventually(() => app.linear.requests.some((r) => r.variables.term === 'ENG-50'), {
      message: 'slow search finished',
    });
  });

  it('answers with fallback options while Linear is rate-limited', async () => {
    app.linear.rateLimitNext(1);
    const limited = await searchIssues(app, 'OPS-7 keys');
    expect(limited.map((o) => o.value)).toEqual(['OPS-7']);
    expect(limited[0]!.text).toBe('OPS-7 Rotate keys');
    // During the back-off Linear is not asked at all, and the answer is still immediate and useful.
    const requests = app.linear.requests.length;
    const during = await searchIssues(app, 'timeout');
    expect(during.map((o) => o.value)).toEqual(['ENG-501']);
    expect(app.linear.requests.length).toBe(requests);
  });
});
