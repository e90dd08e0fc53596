/**
 * Database faults. (1) The database stops in the middle of a sustained ingest and comes back on the same port
 * with its data (an in-process offline engine, stopped and restarted with the same `engine`): the service answers
 * 503 + Retry-After meanwhile, the senders retry, and the final totals equal what was sent (0 lost, 0 duplicated).
 * (2) The app process is restarted in the middle of a digest job: the period is posted exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runDigestJob } from '../../jobs/digest.ts';
import { type OfflineMongo, startOfflineMongo } from '../../tools/offline-mongod/server.ts';
import { uniqueDbName } from '../support/db.ts';
import { eventually, startTestApp, type TestApp } from '../support/harness.ts';
import { useFigures } from './figures.ts';
import { otlpHeaders, otlpLogs, RELIABILITY_ENV, usageEvent, usageHeaders } from './payloads.ts';
import { type RawResponse, rawPost, recordingLogger, sleep } from './support.ts';

const SENDERS = 4;
const BATCHES_PER_SENDER = 40;
const OUTAGE_MS = 2500;
/** Senders honour Retry-After, capped so the suite stays within its time budget. */
const MAX_WAIT_MS = 1000;

describe('database stopped during a sustained ingest', () => {
  const figures = useFigures('db-faults');

  it('answers 503 + Retry-After during the outage and ends with exactly what was sent', async () => {
    let mongo: OfflineMongo = await startOfflineMongo({ port: 0 });
    const port = mongo.port;
    const { logger, entries } = recordingLogger();
    const app = await startTestApp({
      env: { ...RELIABILITY_ENV, MONGODB_URI: `mongodb://127.0.0.1:${port}/`, MONGODB_TIMEOUT_MS: '300' },
      service: { startJobs: false, logger },
    });
    const answers = { ok: 0, unavailable: 0, busy: 0, dropped: 0, other: 0 };
    const retryAfter = new Set<string>();
    let sentEvents = 0;
    let sentCost = 0;
    let successes = 0;
    let outageStartedAt = 0;
    let firstSuccessAfterRestart = 0;
    let restartedAt = 0;

    /** One batch, retried until accepted: what a well-behaved exporter does. */
    const deliver = async (send: () => Promise<RawResponse>) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const response = await send();
        if (response.status === 200) {
          answers.ok += 1;
          successes += 1;
          if (restartedAt && !firstSuccessAfterRestart) firstSuccessAfterRestart = Date.now();
          return;
        }
        if (response.status === 503) answers.unavailable += 1;
        else if (response.status === 429) answers.busy += 1;
        else if (response.status === 'crash' || response.status === 'hung') answers.dropped += 1;
        else {
          answers.other += 1;
          const failures = entries.filter((e) => e.level >= 50).map((e) => `${e.msg}: ${e.err ?? ''}`);
          throw new Error(
            `logged: ${failures.slice(-3).join(' | ')} — ` +
              `unexpected answer ${response.status}: ${response.body.toString('utf8').slice(0, 200)}`,
          );
        }
        const header = response.headers['retry-after'];
        if (header) retryAfter.add(String(header));
        const waitMs = header ? Math.min(Number(header) * 1000, MAX_WAIT_MS) : 200;
        await sleep(waitMs);
      }
      throw new Error('a batch was never accepted');
    };

    const sender = async (index: number) => {
      for (let batch = 0; batch < BATCHES_PER_SENDER; batch++) {
        // Alternate OTLP logs (2 calls) and signed usage webhooks (1 event): both paths must survive.
        if (batch % 2 === 0) {
          const body = JSON.stringify(
            otlpLogs({
              sessionId: `outage-${index}`,
              requests: [{ costUsd: 0.01 }, { costUsd: 0.02 }],
              content: false,
            }),
          );
          sentEvents += 2;
          sentCost += 0.03;
          await deliver(() => rawPost(app.baseUrl, '/v1/logs', body, otlpHeaders(), { timeoutMs: 5000 }));
        } else {
          const body = JSON.stringify(usageEvent({ sessionKey: `outage-hook-${index}`, usd: 0.05 }));
          sentEvents += 1;
          sentCost += 0.05;
          // Each retry is a new delivery attempt of the same message: same webhook-id, fresh signature time.
          const id = `msg-outage-${index}-${batch}`;
          await deliver(() =>
            rawPost(app.baseUrl, '/webhooks/usage', body, usageHeaders(body, { id }), { timeoutMs: 5000 }),
          );
        }
      }
    };

    const outage = (async () => {
      await eventually(() => successes >= (SENDERS * BATCHES_PER_SENDER) / 3, { timeoutMs: 30_000 });
      outageStartedAt = Date.now();
      await mongo.close();
      const ready = await rawPost(app.baseUrl, '/readyz', '', {}, { method: 'GET' });
      figures.expect('readyz during the outage (503)', Number(ready.status === 503), { eq: 1 });
      await sleep(OUTAGE_MS);
      mongo = await startOfflineMongo({ port, engine: mongo.engine });
      restartedAt = Date.now();
    })();

    try {
      const started = Date.now();
      await Promise.all([...Array.from({ length: SENDERS }, (_, i) => sender(i)), outage]);
      const { collections } = app.service.deps;
      const stored = await collections.usageEvents.countDocuments({ kind: 'api_request' });
      const [events] = await collections.usageEvents
        .aggregate<{ total: number }>([
          { $match: { kind: 'api_request' } },
          { $group: { _id: null, total: { $sum: '$costUsd' } } },
        ])
        .toArray();
      const [sessions] = await collections.sessions
        .aggregate<{ total: number; calls: number }>([
          { $group: { _id: null, total: { $sum: '$costUsd' }, calls: { $sum: '$apiRequests' } } },
        ])
        .toArray();
      const [rollups] = await collections.rollupsDaily
        .aggregate<{ total: number }>([{ $group: { _id: null, total: { $sum: '$costUsd' } } }])
        .toArray();
      const cents = (n: number | undefined) => Math.round((n ?? 0) * 100);
      figures.report('senders × batches', `${SENDERS} × ${BATCHES_PER_SENDER}`);
      figures.report('ingest run seconds', Math.round((Date.now() - started) / 100) / 10);
      figures.report('outage ms (database down)', restartedAt - outageStartedAt);
      figures.report(
        'recovery ms (restart → first accepted batch)',
        firstSuccessAfterRestart ? firstSuccessAfterRestart - restartedAt : -1,
      );
      figures.report('answers 200', answers.ok);
      figures.report('answers 429 (busy)', answers.busy);
      figures.report('connections dropped', answers.dropped);
      figures.report('Retry-After values seen', [...retryAfter].join(', ') || '-');
      figures.expect('answers 503 during the outage', answers.unavailable, { min: 1 });
      figures.expect(
        '503/429 answers without Retry-After',
        answers.unavailable + answers.busy > 0 && retryAfter.size === 0 ? 1 : 0,
        { eq: 0 },
      );
      figures.expect('other answers (4xx, 5xx but 503)', answers.other, { eq: 0 });
      figures.report('events sent', sentEvents);
      figures.expect('events lost', Math.max(0, sentEvents - stored), { eq: 0 });
      figures.expect('events duplicated', Math.max(0, stored - sentEvents), { eq: 0 });
      figures.expect('event cost stored − sent (cents)', cents(events?.total) - cents(sentCost), { eq: 0 });
      figures.expect('session cost − sent (cents)', cents(sessions?.total) - cents(sentCost), { eq: 0 });
      figures.expect('session call count − sent', (sessions?.calls ?? 0) - sentEvents, { eq: 0 });
      figures.expect('rollup cost − sent (cents)', cents(rollups?.total) - cents(sentCost), { eq: 0 });
    } finally {
      await app.stop();
      await mongo.close();
    }
  });
});

describe('app restarted in the middle of a digest job', async () => {
  const figures = useFigures('db-faults: digest restart');
  const CHANNEL = 'CLEADERS01';
  const ADMIN = 'UCAROL0001';
  const dbName = uniqueDbName('restart');
  let clock = new Date('2025-12-12T10:00:00Z');
  const first = await startTestApp({ dbName, service: { now: () => clock, startJobs: false } });
  const apps: TestApp[] = [];
  /** A fresh app process on the same database and the same Slack workspace. */
  const restart = async () => {
    const next = await startTestApp({
      dbName,
      env: { SLACK_API_URL: first.slack.apiUrl },
      service: { now: () => clock, startJobs: false },
    });
    apps.push(next);
    return next;
  };
  afterAll(async () => {
    for (const app of apps) await app.stop();
    await first.stop();
  });
  const { collections } = first.service.deps;
  await collections.rollupsDaily.insertOne({
    day: '2025-12-09',
    team: '',
    person: 'UALICE0001',
    class: 'productive',
    costUsd: 42,
    estimatedCostUsd: 42,
    tokens: 1000,
    byRepo: {},
    byModel: {},
  });
  const before = first.slack.responses.length;
  await first.command(`subscribe <#${CHANNEL}|leadership> weekly mon 09:00`, ADMIN);
  await eventually(() => first.slack.responses.length > before, { message: 'subscribe answer' });
  const subscription = await eventually(() => collections.subscriptions.findOne({ channel: CHANNEL }));
  const id = subscription._id!.toHexString();
  const png = Buffer.from('89504e470d0a1a0a', 'hex');

  it('killed while rendering (claim taken, nothing posted): the restarted app posts once', async () => {
    clock = subscription.nextRunAt!;
    // The first process claims the period and never gets past rendering the chart: it is killed there.
    void runDigestJob(first.service.deps, id, { renderChart: () => new Promise<Buffer>(() => {}) });
    await eventually(() => collections.digestPosts.findOne({ subscription: id }), { message: 'claim' });
    await first.service.stop();
    const second = await restart();
    const early = await runDigestJob(second.service.deps, id, { renderChart: async () => png });
    figures.report('restart within the claim lease', early.outcome);
    clock = new Date(clock.getTime() + 3 * 60_000);
    const late = await runDigestJob(second.service.deps, id, { renderChart: async () => png });
    const again = await runDigestJob(second.service.deps, id, { renderChart: async () => png });
    figures.report('restart after the lease', late.outcome);
    figures.expect(
      'digest posts for the period (killed before posting)',
      first.slack.messagesIn(CHANNEL).length,
      { eq: 1 },
    );
    expect(early.outcome).toBe('in_flight');
    expect(late.outcome).toBe('posted');
    expect(['not_due', 'already_posted']).toContain(again.outcome);
  });

  it('killed after posting, before recording the ts: the restarted app finds the post and posts nothing', async () => {
    const second = apps.at(-1)!;
    const { collections } = second.service.deps;
    const sub = (await collections.subscriptions.findOne({ _id: subscription._id }))!;
    clock = sub.nextRunAt!;
    const posted = first.slack.messagesIn(CHANNEL).length;
    // The chart upload is rate limited for a second after the message is posted: the process dies then.
    first.slack.failNext('files.getUploadURLExternal', { kind: 'rate_limited', retryAfterSeconds: 1 });
    const dying = runDigestJob(second.service.deps, id, { renderChart: async () => png }).catch(
      (error: Error) => error,
    );
    await eventually(() => first.slack.messagesIn(CHANNEL).length > posted, {
      message: 'second period posted',
    });
    await second.service.stop();
    const outcome = await dying;
    figures.report(
      'dying run ended with',
      outcome instanceof Error ? `error: ${outcome.message.slice(0, 60)}` : outcome.outcome,
    );
    const third = await restart();
    const claim = await third.service.deps.collections.digestPosts.findOne({
      subscription: id,
      messageTs: { $exists: false },
    });
    figures.report('claims left without a ts by the killed run', claim ? 1 : 0);
    clock = new Date(clock.getTime() + 3 * 60_000);
    const run = await runDigestJob(third.service.deps, id, { renderChart: async () => png });
    figures.report('restarted run outcome', run.outcome);
    figures.expect(
      'digest posts for the period (killed after posting)',
      first.slack.messagesIn(CHANNEL).length - posted,
      { eq: 1 },
    );
    const claims = await third.service.deps.collections.digestPosts.find({ subscription: id }).toArray();
    figures.expect(
      'digest_posts rows without a ts after recovery',
      claims.filter((c) => !c.messageTs).length,
      { eq: 0 },
    );
  });
});
