/**
 * `--seed`: load the sample organisation into a running local-mode app THROUGH ITS REAL ENDPOINTS — signed
 * slash commands and clicks through Bolt, OTLP and webhooks with their tokens and signatures.
 *
 * Two weeks are then replayed in order: the app's own idle-close job and its hooks (issue linking, classify
 * DMs) run on a clock set to the moment each session went idle, Linear and GitHub deliveries arrive when
 * their issue completed or PR merged, and engineers answer their DMs as they come. So sessions have real
 * durations, prompts carry what was known then, and nothing depends on the time of day the seed runs.
 * Finally every App Home is opened and the digests are posted. The database is only read here, to know when
 * the app has finished a step (and reset first: the seed always starts from an empty sandbox database).
 */
import { ObjectId } from 'mongodb';
import { decodeSessionAction } from '../../../blocks/values.ts';
import { runBudgetAlerts } from '../../../jobs/budget-alerts.ts';
import { CLOSE_IDLE_SESSIONS_JOB, closeIdleSessions } from '../../../jobs/close-idle-sessions.ts';
import { SESSION_CLOSED_HOOKS } from '../../../jobs/index.ts';
import { RESOLVE_IDENTITIES_JOB } from '../../../jobs/resolve-identities.ts';
import type { Config } from '../../config.ts';
import type { AppDeps } from '../../deps.ts';
import type { SessionClass } from '../../domain/types.ts';
import { ACTIONS } from '../../ids.ts';
import { signStandardWebhook } from '../../ingest/standard-webhooks.ts';
import type { FakeLinearApi } from '../fake-linear-api.ts';
import type { LocalApp } from '../local-mode.ts';
import type { SlackSandbox } from '../slack-sandbox.ts';
import {
  claudeCodeLogs,
  claudeCodeMetrics,
  githubMerge,
  linearCompletion,
  liteLlmBatch,
  usageWebhookBatch,
} from './payloads.ts';
import {
  buildSampleOrganisation,
  type IssuePlan,
  SAMPLE_ADMIN,
  SAMPLE_TEAMS,
  type SampleOrganisation,
  type SessionPlan,
} from './sample-org.ts';
import type { StepLog } from './steps.ts';

export interface SeedContext {
  sandbox: SlackSandbox;
  linear: FakeLinearApi;
  appUrl: string;
  config: Config;
  /** The running app's dependencies: its jobs run here on a shifted clock; the database is read to follow progress. */
  deps: AppDeps;
  now?: () => Date;
}

export interface SeedSummary {
  sessions: number;
  events: number;
  issuesCompleted: number;
  pullRequestsMerged: number;
  answered: number;
  unanswered: number;
  digests: { channel: string; ts: string }[];
}

const CLASSIFY_ACTION: Record<SessionClass, string> = {
  productive: ACTIONS.classifyProductive,
  exploratory: ACTIONS.classifyExploratory,
  wasteful: ACTIONS.classifyWasteful,
};

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

async function until<T>(
  probe: () => Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new SeedError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function responseText(body: Record<string, unknown>): string {
  return typeof body.text === 'string' ? body.text : JSON.stringify(body).slice(0, 300);
}

export async function seedSampleOrganisation(context: SeedContext, log: StepLog): Promise<SeedSummary> {
  const { sandbox, linear, appUrl, config, deps } = context;
  const now = context.now ?? (() => new Date());
  const org: SampleOrganisation = buildSampleOrganisation(now());
  const userId = (name: string) => {
    const user = sandbox.userByName(name);
    if (!user) throw new SeedError(`the sandbox workspace has no user "${name}"`);
    return user.id;
  };
  const emailOf = (session: SessionPlan) =>
    session.telemetryEmail ?? sandbox.user(userId(session.person)).email ?? `${session.person}@example.com`;
  const aliases = [...new Set(org.sessions.flatMap((s) => (s.telemetryEmail ? [s.telemetryEmail] : [])))];
  const admin = userId(SAMPLE_ADMIN);
  const channelId = (name: string) => {
    const channel = sandbox.channelByName(name);
    if (!channel) throw new SeedError(`the sandbox workspace has no #${name}`);
    return channel.id;
  };

  /** A slash command as a person types it; the step fails unless the answer says what success says. */
  const command = async (user: string, channel: string, text: string, success: RegExp): Promise<string> => {
    const typed = await sandbox.command(user, channel, text);
    if (typed.error) throw new SeedError(`/ai-roi ${text}: ${typed.error}`);
    const [answer] = await sandbox.waitForResponse(typed.responseId);
    const reply = responseText(answer ?? {});
    if (!success.test(reply)) throw new SeedError(`/ai-roi ${text} answered: ${reply}`);
    return reply;
  };

  const post = async (path: string, body: string, headers: Record<string, string>): Promise<unknown> => {
    const response = await fetch(`${appUrl}${path}`, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new SeedError(`POST ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : {};
  };
  const bearer = (token: string | undefined, variable: string) => {
    if (!token) throw new SeedError(`${variable} is not set`);
    return { authorization: `Bearer ${token}` };
  };

  await log.run('app ready (/readyz)', async () => {
    await until(async () => {
      const response = await fetch(`${appUrl}/readyz`).catch(() => undefined);
      return response?.status === 200;
    }, 'GET /readyz to answer 200 (database and job runner up)');
    return 'database and job runner up';
  });

  await log.run('reset the sandbox database', async () => {
    for (const collection of Object.values(deps.collections)) await collection.deleteMany({});
    return `${config.MONGODB_DB}: every ai-roi collection emptied`;
  });

  const dmOf = (name: string) => sandbox.dmChannel(userId(name));
  await log.run('teams via /ai-roi team', async () => {
    for (const team of SAMPLE_TEAMS) {
      await command(admin, dmOf(SAMPLE_ADMIN), `team create ${team.name}`, /^Created \*/);
      const mentions = team.members.map((m) => `@${m}`).join(' ');
      await command(admin, dmOf(SAMPLE_ADMIN), `team add ${mentions} ${team.name}`, /Added /);
    }
    return SAMPLE_TEAMS.map((t) => `${t.name} (${t.members.join(', ')})`).join('; ');
  });

  await log.run('budgets via /ai-roi budget', async () => {
    const payments = channelId('payments-eng');
    await command(
      admin,
      payments,
      'budget team Payments set $1,500 monthly',
      /Budget of \*Payments\* is now/,
    );
    await command(
      admin,
      payments,
      'budget team Payments split productive=60 exploratory=30 wasteful=10',
      /Split of/,
    );
    await command(admin, payments, 'budget team Payments alerts 50,80,100', /Alerts for \*Payments\*/);
    await command(
      admin,
      dmOf(SAMPLE_ADMIN),
      'budget team Platform set $150 weekly',
      /Budget of \*Platform\* is now/,
    );
    await command(
      admin,
      dmOf(SAMPLE_ADMIN),
      'budget team Platform alerts 25,50,100',
      /Alerts for \*Platform\*/,
    );
    return 'Payments $1,500 monthly (split 60/30/10, alerts 50/80/100%); Platform $150 weekly (alerts 25/50/100%)';
  });

  const engineers = SAMPLE_TEAMS.flatMap((t) => [...t.members]);
  await log.run('prompt preferences via /ai-roi prefs', async () => {
    for (const name of engineers) await command(userId(name), dmOf(name), 'prefs immediate', /^Saved\./);
    return `${engineers.length} engineers asked right after each session closes`;
  });

  await log.run('digest subscriptions via /ai-roi subscribe', async () => {
    await command(
      admin,
      channelId('leadership'),
      'subscribe #leadership weekly mon 09:00 org leadership',
      /^(Subscribed|Updated)/,
    );
    await command(
      admin,
      channelId('payments-eng'),
      'subscribe #payments-eng weekly fri 16:00 team Payments team',
      /^(Subscribed|Updated)/,
    );
    return '#leadership (org, leadership, Mon 09:00); #payments-eng (Payments, team, Fri 16:00)';
  });

  const completed = org.issues.filter(
    (i): i is IssuePlan & { completedAt: Date } => i.completedAt !== undefined,
  );
  const planOf = new Map<string, SessionPlan>();
  const answeredIds = new Set<string>();
  const promptsFor = (name: string) =>
    sandbox.slack
      .messagesIn(sandbox.slack.dmChannelFor(userId(name)))
      .filter((m) => classifyButtons(m.blocks).length > 0);

  /** Click the engineer's answer on every prompt button of a session they mean to answer. */
  const answerPrompts = async (name: string, at: Date): Promise<void> => {
    for (;;) {
      const target = promptsFor(name)
        .flatMap((message) => classifyButtons(message.blocks).map((button) => ({ message, ...button })))
        .find((b) => {
          const plan = planOf.get(b.sessionId);
          return (
            plan?.answered && !answeredIds.has(b.sessionId) && b.actionId === CLASSIFY_ACTION[plan.intent]
          );
        });
      if (!target) return;
      const intent = planOf.get(target.sessionId)!.intent;
      const result = await sandbox.click({
        userId: userId(name),
        surface: { kind: 'message', channel: target.message.channel, ts: target.message.ts },
        blockIndex: target.blockIndex,
        actionId: target.actionId,
        at,
      });
      if (result.status !== 200) throw new SeedError(`click answered HTTP ${result.status}: ${result.body}`);
      await until(
        async () => {
          const doc = await deps.collections.sessions.findOne(
            { _id: new ObjectId(target.sessionId) },
            { projection: { classification: 1 } },
          );
          return doc?.classification?.class === intent;
        },
        `${name}'s answer to be recorded`,
        10_000,
      );
      // The DM is re-rendered after the answer; wait for it so the next click reads the current blocks.
      await until(
        async () => {
          const message = sandbox.slack.messages.find(
            (m) => m.channel === target.message.channel && m.ts === target.message.ts,
          );
          return !classifyButtons(message?.blocks).some(
            (b) => b.sessionId === target.sessionId && b.actionId === target.actionId,
          );
        },
        `${name}'s DM to update`,
        10_000,
      );
      answeredIds.add(target.sessionId);
    }
  };

  const bySource = (source: SessionPlan['source']) => org.sessions.filter((s) => s.source === source);
  const events = org.sessions.reduce((sum, s) => sum + s.requests.length + s.errors.length, 0);

  let paused = false;
  try {
    await log.run('idle-close job paused while two weeks are replayed', async () => {
      await deps.agenda.disable({ name: CLOSE_IDLE_SESSIONS_JOB });
      paused = true;
      return 'sessions close on the replay clock below, not the wall clock';
    });

    await log.run('Claude Code telemetry to /v1/logs and /v1/metrics', async () => {
      const sessions = bySource('claude-code');
      const headers = { 'content-type': 'application/json', ...bearer(config.OTLP_TOKEN, 'OTLP_TOKEN') };
      for (const name of engineers) {
        const mine = sessions.filter((s) => s.person === name);
        if (mine.length > 0) await post('/v1/logs', JSON.stringify(claudeCodeLogs(mine, emailOf)), headers);
      }
      const withCommits = sessions.filter((s) => s.commits.length > 0);
      for (const body of claudeCodeMetrics(withCommits, emailOf))
        await post('/v1/metrics', JSON.stringify(body), headers);
      return `${sessions.length} sessions, ${sessions.reduce((n, s) => n + s.requests.length + s.errors.length, 0)} api events, ${withCommits.length} metric exports`;
    });

    await log.run('LiteLLM batch to /webhooks/litellm', async () => {
      const sessions = bySource('litellm');
      const answer = (await post('/webhooks/litellm', JSON.stringify(liteLlmBatch(sessions, emailOf)), {
        'content-type': 'application/json',
        ...bearer(config.LITELLM_TOKEN, 'LITELLM_TOKEN'),
      })) as { stored?: number; rejected?: unknown[] };
      if (answer.rejected && answer.rejected.length > 0)
        throw new SeedError(`LiteLLM rejected ${JSON.stringify(answer.rejected)}`);
      return `${answer.stored ?? 0} calls in ${sessions.length} sessions`;
    });

    await log.run('usage webhook batch to /webhooks/usage (Standard Webhooks)', async () => {
      if (!config.USAGE_WEBHOOK_SECRET) throw new SeedError('USAGE_WEBHOOK_SECRET is not set');
      const sessions = bySource('usage-webhook');
      const body = JSON.stringify(usageWebhookBatch(sessions, emailOf));
      const headers = signStandardWebhook(config.USAGE_WEBHOOK_SECRET, body, {
        id: `msg_seed_${Date.now()}`,
      });
      const answer = (await post('/webhooks/usage', body, { ...headers })) as { stored?: number };
      return `${answer.stored ?? 0} events in ${sessions.length} sessions`;
    });

    await log.run('identities mapped (users.lookupByEmail)', async () => {
      await until(
        async () => (await deps.collections.sessions.countDocuments({})) >= org.sessions.length,
        'every session to be stored',
      );
      await deps.agenda.now(RESOLVE_IDENTITIES_JOB);
      const viaAlias = org.sessions.filter((s) => s.telemetryEmail).length;
      await until(
        async () =>
          (await deps.collections.sessions.countDocuments({ slackUserId: { $exists: true } })) >=
            org.sessions.length - viaAlias &&
          (await deps.collections.identities.countDocuments({
            identityKey: { $in: aliases.map((email) => `email:${email}`) },
            status: 'not_found',
          })) === aliases.length,
        'every Slack email to be mapped (and the others looked up)',
      );
      return `${org.sessions.length - viaAlias} sessions attributed to ${engineers.length} people; ${aliases.join(', ')} not in Slack`;
    });

    await log.run('unknown address mapped via /ai-roi unmapped and /ai-roi map', async () => {
      for (const email of aliases) {
        await command(admin, dmOf(SAMPLE_ADMIN), 'unmapped', new RegExp(email.replace(/\./g, '\\.')));
        const owner = org.sessions.find((s) => s.telemetryEmail === email)!.person;
        await command(admin, dmOf(SAMPLE_ADMIN), `map @${owner} ${email}`, /^Mapped /);
      }
      await until(
        async () =>
          (await deps.collections.sessions.countDocuments({ slackUserId: { $exists: true } })) >=
          org.sessions.length,
        'every session to be attributed',
      );
      return aliases.length
        ? aliases.map((e) => `${e} → @${org.sessions.find((s) => s.telemetryEmail === e)!.person}`).join(', ')
        : 'none';
    });

    await log.run('two weeks replayed: sessions close, prompts are answered, outcomes arrive', async () => {
      const docs = await deps.collections.sessions
        .find({}, { projection: { _id: 1, sessionKey: 1 } })
        .toArray();
      for (const doc of docs) {
        const plan = org.sessions.find((s) => doc.sessionKey === s.id || doc.sessionKey.endsWith(`:${s.id}`));
        if (plan) planOf.set(doc._id.toHexString(), plan);
      }
      if (planOf.size < org.sessions.length) {
        throw new SeedError(`only ${planOf.size} of ${org.sessions.length} sessions were stored`);
      }
      if (!config.LINEAR_WEBHOOK_SECRET) throw new SeedError('LINEAR_WEBHOOK_SECRET is not set');
      if (!config.GITHUB_WEBHOOK_SECRET) throw new SeedError('GITHUB_WEBHOOK_SECRET is not set');
      const idleMs = (config.SESSION_IDLE_MINUTES + 1) * 60_000;
      const realNow = now();
      type Moment =
        | { at: Date; kind: 'close'; person: string }
        | { at: Date; kind: 'issue'; issue: IssuePlan & { completedAt: Date } }
        | { at: Date; kind: 'pr'; pr: (typeof org.pullRequests)[number] }
        | { at: Date; kind: 'manual'; outcome: (typeof org.manualOutcomes)[number] };
      const lastEvent = (s: SessionPlan) =>
        Math.max(...[...s.requests, ...s.errors, ...s.commits].map((e) => e.at.getTime()));
      const timeline: Moment[] = [
        ...org.sessions.map((s) => ({
          at: new Date(Math.min(realNow.getTime(), lastEvent(s) + idleMs)),
          kind: 'close' as const,
          person: s.person,
        })),
        ...completed.map((issue) => ({ at: issue.completedAt, kind: 'issue' as const, issue })),
        ...org.pullRequests.map((pr) => ({ at: pr.mergedAt, kind: 'pr' as const, pr })),
        ...org.manualOutcomes.map((outcome) => ({
          at: outcome.completedAt,
          kind: 'manual' as const,
          outcome,
        })),
      ].sort((a, b) => a.at.getTime() - b.at.getTime());
      let closed = 0;
      for (const moment of timeline) {
        if (moment.kind === 'close') {
          // The app's own job and hooks (linking, classify DMs), on a clock set to when the session went idle.
          closed += await closeIdleSessions({ ...deps, now: () => moment.at }, SESSION_CLOSED_HOOKS);
          // They answer a few minutes after the DM arrives (the click's action_ts; the request is signed now).
          await answerPrompts(
            moment.person,
            new Date(Math.min(now().getTime(), moment.at.getTime() + 7 * 60_000)),
          );
        } else if (moment.kind === 'issue') {
          const { issue } = moment;
          const stored = linear.issues.get(issue.identifier);
          if (stored) {
            stored.state = { id: 'state-done', name: 'Done', type: 'completed' };
            stored.completedAt = issue.completedAt.toISOString();
          }
          const delivery = linearCompletion(issue, config.LINEAR_WEBHOOK_SECRET, now());
          const answer = (await post('/webhooks/linear', delivery.body, delivery.headers)) as {
            status?: string;
          };
          if (answer.status !== 'applied')
            throw new SeedError(`${issue.identifier}: ${JSON.stringify(answer)}`);
        } else if (moment.kind === 'manual') {
          // A release pipeline recording what shipped, with the API token.
          const { outcome } = moment;
          await post(
            '/api/outcomes',
            JSON.stringify({
              title: outcome.title,
              url: outcome.url,
              completedAt: outcome.completedAt.toISOString(),
              issues: outcome.issues,
              team: outcome.team,
              recordedBy: admin,
            }),
            {
              'content-type': 'application/json',
              ...bearer(config.OUTCOMES_API_TOKEN, 'OUTCOMES_API_TOKEN'),
            },
          );
        } else {
          const delivery = githubMerge(moment.pr, config.GITHUB_WEBHOOK_SECRET);
          const answer = (await post('/webhooks/github', delivery.body, delivery.headers)) as {
            status?: string;
          };
          if (answer.status !== 'recorded') {
            throw new SeedError(`${moment.pr.repo}#${moment.pr.number}: ${JSON.stringify(answer)}`);
          }
        }
      }
      if (closed < org.sessions.length) {
        throw new SeedError(`only ${closed} of ${org.sessions.length} sessions closed`);
      }
      const silent = engineers.filter((name) => promptsFor(name).length === 0);
      if (silent.length > 0) throw new SeedError(`no classify DM reached ${silent.join(', ')}`);
      const planned = org.sessions.filter((s) => s.answered).length;
      if (answeredIds.size < planned) {
        throw new SeedError(`only ${answeredIds.size} of ${planned} planned answers had a button to click`);
      }
      return `${closed} sessions closed, ${answeredIds.size} answered from their DMs (${closed - answeredIds.size} wait in App Home), ${completed.length} Linear issues completed, ${org.pullRequests.length} PRs merged, ${org.manualOutcomes.length} release recorded via /api/outcomes`;
    });
  } finally {
    if (paused) {
      await log.run('idle-close job resumed', async () => {
        await deps.agenda.enable({ name: CLOSE_IDLE_SESSIONS_JOB });
      });
    }
  }

  await log.run('App Home opened by everyone (app_home_opened)', async () => {
    const everyone = sandbox.users();
    for (const user of everyone) {
      const result = await sandbox.openHome(user.id);
      if (result.status !== 200)
        throw new SeedError(`app_home_opened for ${user.name} answered ${result.status}`);
    }
    await until(
      async () => everyone.every((u) => sandbox.slack.lastViewFor(u.id)),
      'every App Home to be published',
    );
    return `${everyone.length} homes published`;
  });

  await log.run('everyday /ai-roi questions', async () => {
    const asked: string[] = [];
    const ask = async (name: string, channel: string, text: string, success: RegExp) => {
      await command(userId(name), channel, text, success);
      asked.push(`${name}: ${/^(digest|templates) \w+|^\w+/.exec(text)?.[0] ?? text}`);
    };
    const sessionId = (person: string, branch: string, intent?: SessionClass) => {
      const found = [...planOf].find(
        ([, plan]) => plan.person === person && plan.branch === branch && (!intent || plan.intent === intent),
      );
      if (!found) throw new SeedError(`no ${person} session on ${branch}`);
      return found[0];
    };
    await ask('priya', dmOf('priya'), 'help', /\/ai-roi/);
    await ask('maya', dmOf('maya'), 'summary', /./);
    await ask(SAMPLE_ADMIN, channelId('payments-eng'), 'summary team Payments week share', /Payments/);
    await ask(SAMPLE_ADMIN, dmOf(SAMPLE_ADMIN), 'forecast team Platform', /Platform/);
    await ask(SAMPLE_ADMIN, dmOf(SAMPLE_ADMIN), 'budget team Payments', /Payments/);
    // A provider outage, not a retry loop of Tom's making: his manager changes the class (audited, Tom is told).
    const outage = sessionId('tom', 'tom/pay-160-fx-rounding', 'wasteful');
    await ask(SAMPLE_ADMIN, dmOf(SAMPLE_ADMIN), `reclassify ${outage} exploratory`, /is now \*Exploratory\*/);
    await ask('tom', dmOf('tom'), `link ${sessionId('tom', 'main')} PAY-160`, /^Linked session/);
    await ask(SAMPLE_ADMIN, dmOf(SAMPLE_ADMIN), 'export month team Payments', /^Sent `/);
    await ask(SAMPLE_ADMIN, dmOf(SAMPLE_ADMIN), 'templates list', /ROI sentence templates/);
    await ask(SAMPLE_ADMIN, channelId('leadership'), 'digest preview', /^(Preview of|<#)/);
    // `/ai-roi classify` opens the queue in a modal (no text answer): Leo looks, then closes it.
    const leo = userId('leo');
    await sandbox.command(leo, dmOf('leo'), 'classify');
    const queue = await until(async () => sandbox.modalStack(leo)[0], "Leo's queue modal");
    sandbox.closeModal(leo, queue.viewId);
    asked.push('leo: classify');
    return asked.join(', ');
  });

  await log.run('budget alerts checked (budget-alerts job)', async () => {
    const run = await runBudgetAlerts(deps);
    return run.sent.length > 0
      ? `sent ${run.sent.join(', ')}`
      : `${run.checked} budgets under their thresholds`;
  });

  const digests: SeedSummary['digests'] = [];
  await log.run('digests posted (/ai-roi digest now)', async () => {
    for (const name of ['leadership', 'payments-eng']) {
      const channel = channelId(name);
      const before = sandbox.slack.files.filter((f) => f.channel === channel).length;
      await command(admin, channel, `digest now #${name}`, /^Posted /);
      const message = sandbox.slack.messagesIn(channel).at(-1);
      if (!message) throw new SeedError(`no digest message in #${name}`);
      await until(
        async () => sandbox.slack.files.filter((f) => f.channel === channel).length > before,
        `the chart in #${name}`,
      );
      digests.push({ channel, ts: message.ts });
    }
    return digests.map((d) => `#${sandbox.channelName(d.channel)}`).join(', ');
  });

  return {
    sessions: org.sessions.length,
    events,
    issuesCompleted: completed.length,
    pullRequestsMerged: org.pullRequests.length,
    answered: answeredIds.size,
    unanswered: org.sessions.length - answeredIds.size,
    digests,
  };
}

/** Seed a running local-mode app: `npm start -- --seed`, the demo and the browser test. */
export function seedLocalApp(app: LocalApp, log: StepLog): Promise<SeedSummary> {
  return seedSampleOrganisation(
    {
      sandbox: app.local.sandbox,
      linear: app.local.linear,
      appUrl: app.appUrl,
      config: app.config,
      deps: app.service.deps,
    },
    log,
  );
}

interface ClassifyButton {
  blockIndex: number;
  actionId: string;
  sessionId: string;
}

const CLASSIFY_IDS = new Set<string>(Object.values(CLASSIFY_ACTION));

/** The classify buttons in a message: which session each one answers, and where it is. */
export function classifyButtons(blocks: readonly unknown[] | undefined): ClassifyButton[] {
  const found: ClassifyButton[] = [];
  (blocks ?? []).forEach((block, blockIndex) => {
    if (typeof block !== 'object' || block === null) return;
    const elements = (block as { elements?: unknown }).elements;
    if (!Array.isArray(elements)) return;
    for (const element of elements) {
      const { action_id: actionId, value } = (element ?? {}) as { action_id?: unknown; value?: unknown };
      if (typeof actionId !== 'string' || !CLASSIFY_IDS.has(actionId)) continue;
      const decoded = decodeSessionAction(value);
      if (decoded) found.push({ blockIndex, actionId, sessionId: decoded.sessionId });
    }
  });
  return found;
}
