/**
 * What each sender of the sample organisation would send: Claude Code OTLP logs and metrics, a LiteLLM
 * generic_api batch, a generic usage-webhook batch, Linear issue webhooks and GitHub pull_request webhooks,
 * with the signatures those senders put on them. Pure builders; the seeder posts them.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { OtlpLogsRequest, OtlpMetricsRequest } from '../../ingest/otlp/schema.ts';
import { claudeCodeLogsRequest, claudeCodeMetricsRequest, mergeLogsRequests } from './claude-code-otlp.ts';
import type { IssuePlan, PullRequestPlan, SessionPlan } from './sample-org.ts';

export interface Person {
  name: string;
  email: string;
}

const userIdOf = (email: string) => createHmac('sha256', 'sandbox').update(email).digest('hex');

/** One OTLP logs request carrying several Claude Code sessions (one resource per session, as exporters batch). */
export function claudeCodeLogs(
  sessions: readonly SessionPlan[],
  emailOf: (session: SessionPlan) => string,
): OtlpLogsRequest {
  return mergeLogsRequests(
    ...sessions.map((session) =>
      claudeCodeLogsRequest({
        sessionId: session.id,
        email: emailOf(session),
        userId: userIdOf(emailOf(session)),
        organizationId: 'org-sandbox-acme',
        vcs: { url: `https://github.com/${session.repo}.git` },
        resource: { branch: session.branch },
        requests: session.requests.map((r) => ({
          at: r.at,
          requestId: r.id,
          model: session.model,
          costUsd: r.costUsd,
          input: r.input,
          output: r.output,
          cacheRead: r.cacheRead,
        })),
        errors: session.errors.map((e, i) => ({
          at: e.at,
          requestId: `req_${session.id}_err_${i + 1}`,
          statusCode: e.statusCode,
          error: e.error,
          attempt: (i % 3) + 1,
        })),
        commits: session.commits.map((c) => ({ at: c.at, commitId: c.sha })),
        // Prompts arrive redacted, as Claude Code sends them by default; ai-roi only counts them.
        prompts: session.requests
          .filter((_, i) => i % 4 === 0)
          .map((r) => ({ at: new Date(r.at.getTime() - 5_000) })),
      }),
    ),
  );
}

/** One metrics export per session: delta sums for the session's whole span. */
export function claudeCodeMetrics(
  sessions: readonly SessionPlan[],
  emailOf: (session: SessionPlan) => string,
): OtlpMetricsRequest[] {
  return sessions.map((session) =>
    claudeCodeMetricsRequest({
      sessionId: session.id,
      email: emailOf(session),
      userId: userIdOf(emailOf(session)),
      resource: { branch: session.branch },
      vcs: { url: `https://github.com/${session.repo}.git` },
      start: session.startedAt,
      at: session.endedAt,
      cost: [{ model: session.model, usd: session.requests.reduce((sum, r) => sum + r.costUsd, 0) }],
      tokens: [
        {
          model: session.model,
          input: session.requests.reduce((sum, r) => sum + r.input, 0),
          output: session.requests.reduce((sum, r) => sum + r.output, 0),
          cacheRead: session.requests.reduce((sum, r) => sum + r.cacheRead, 0),
        },
      ],
      sessions: 1,
      linesAdded: 40 * session.commits.length + 12,
      linesRemoved: 9 * session.commits.length + 3,
      commits: session.commits.length,
      activeTime: {
        user: Math.round((session.endedAt.getTime() - session.startedAt.getTime()) / 4000),
        cli: 600,
      },
    }),
  );
}

/** LiteLLM's generic_api callback body (json_array log format): one StandardLoggingPayload per call. */
export function liteLlmBatch(
  sessions: readonly SessionPlan[],
  emailOf: (session: SessionPlan) => string,
): unknown[] {
  return sessions.flatMap((session) =>
    session.requests.map((request) => {
      const start = request.at.getTime() / 1000;
      return {
        id: `chatcmpl-${request.id}`,
        trace_id: session.id,
        call_type: 'acompletion',
        status: 'success',
        response_cost: request.costUsd,
        prompt_tokens: request.input + request.cacheRead,
        completion_tokens: request.output,
        startTime: start,
        endTime: start + 4.2,
        model: session.model,
        model_group: session.model,
        custom_llm_provider: 'anthropic',
        request_tags: ['tool:aider', `repo:${session.repo}`],
        metadata: {
          user_api_key_user_email: emailOf(session),
          user_api_key_user_id: session.person,
          session_id: session.id,
          spend_logs_metadata: { repo: session.repo, branch: session.branch },
        },
        // LiteLLM also sends messages and the response; ai-roi's parser never reads them.
        messages: [{ role: 'user', content: '(prompt text is dropped by the parser)' }],
      };
    }),
  );
}

/** The generic usage webhook: `{ events: [...] }`, one event per model call, signed with Standard Webhooks. */
export function usageWebhookBatch(
  sessions: readonly SessionPlan[],
  emailOf: (session: SessionPlan) => string,
): unknown {
  return {
    events: sessions.flatMap((session) =>
      session.requests.map((request, index) => ({
        source: 'cursor-export',
        id: request.id,
        occurredAt: request.at.toISOString(),
        person: { email: emailOf(session) },
        sessionKey: session.id,
        model: session.model,
        tokens: { input: request.input, output: request.output, cacheRead: request.cacheRead },
        cost: { usd: request.costUsd, kind: 'billed' },
        repo: session.repo,
        branch: session.branch,
        ...(index === session.requests.length - 1 && session.commits[0]
          ? { commit: session.commits[0].sha }
          : {}),
      })),
    ),
  };
}

/** A Linear `Issue update` delivery moving an issue to Done, and the headers Linear sends with it. */
export function linearCompletion(
  issue: IssuePlan & { completedAt: Date },
  secret: string,
  sentAt: Date,
): { body: string; headers: Record<string, string> } {
  const teamKey = issue.identifier.split('-')[0] ?? 'ENG';
  const payload = {
    action: 'update',
    type: 'Issue',
    createdAt: issue.completedAt.toISOString(),
    organizationId: 'org-sandbox-acme',
    webhookId: 'webhook-sandbox',
    webhookTimestamp: sentAt.getTime(),
    url: `https://linear.app/acme/issue/${issue.identifier}`,
    actor: { id: 'user-linear-bot', name: 'Linear', type: 'user' },
    data: {
      id: `issue-${issue.identifier.toLowerCase()}`,
      identifier: issue.identifier,
      number: Number(issue.identifier.split('-')[1]),
      title: issue.title,
      url: `https://linear.app/acme/issue/${issue.identifier}`,
      branchName: issue.branch,
      updatedAt: issue.completedAt.toISOString(),
      completedAt: issue.completedAt.toISOString(),
      canceledAt: null,
      stateId: 'state-done',
      state: { id: 'state-done', name: 'Done', type: 'completed', color: '#5e6ad2' },
      teamId: `team-${teamKey.toLowerCase()}`,
      team: {
        id: `team-${teamKey.toLowerCase()}`,
        key: teamKey,
        name: teamKey === 'PAY' ? 'Payments' : 'Platform',
      },
    },
    updatedFrom: { stateId: 'state-started', updatedAt: sentAt.toISOString(), completedAt: null },
  };
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'linear-delivery': randomUUID(),
      'linear-event': 'Issue',
      'linear-signature': createHmac('sha256', secret).update(body).digest('hex'),
      'user-agent': 'Linear-Webhook',
    },
  };
}

/** A GitHub `pull_request` `closed` + merged delivery, signed with X-Hub-Signature-256. */
export function githubMerge(
  pr: PullRequestPlan,
  secret: string,
): { body: string; headers: Record<string, string> } {
  const repository = {
    full_name: pr.repo,
    name: pr.repo.split('/')[1],
    default_branch: 'main',
    private: true,
  };
  const payload = {
    action: 'closed',
    number: pr.number,
    pull_request: {
      number: pr.number,
      title: pr.title,
      html_url: `https://github.com/${pr.repo}/pull/${pr.number}`,
      state: 'closed',
      merged: true,
      merged_at: pr.mergedAt.toISOString(),
      closed_at: pr.mergedAt.toISOString(),
      merge_commit_sha: createHmac('sha1', 'merge').update(`${pr.repo}#${pr.number}`).digest('hex'),
      user: { login: pr.author },
      head: { ref: pr.branch, sha: pr.headSha, repo: repository },
      base: { ref: 'main', repo: repository },
    },
    repository,
    sender: { login: pr.author },
  };
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      'user-agent': 'GitHub-Hookshot/sandbox',
    },
  };
}
