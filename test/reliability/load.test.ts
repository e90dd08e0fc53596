/**
 * Load: OTLP ingest from concurrent clients for a bounded time while signed slash commands arrive. Slash
 * commands are acknowledged within 1 s at p99 (Slack allows 3 s), nothing answers 5xx, every accepted event is
 * stored once, and memory stays bounded (peak RSS of this process, which runs the service, is reported).
 */
import { afterAll, describe, it } from 'vitest';
import { encodeLogsRequest } from '../../src/ingest/otlp/proto.ts';
import { startTestApp } from '../support/harness.ts';
import { useFigures } from './figures.ts';
import {
  commandFields,
  formBody,
  nextId,
  otlpHeaders,
  otlpLogs,
  RELIABILITY_ENV,
  slackHeaders,
} from './payloads.ts';
import { percentile, rawPost, settle, sleep } from './support.ts';

const DURATION_MS = 20_000;
const CLIENTS = 8;
const EVENTS_PER_BATCH = 20;
const COMMAND_EVERY_MS = 100;
const COMMANDS = ['help', 'summary', 'budget', 'forecast', 'summary week', 'team'];
const USERS = ['UALICE0001', 'UBOB000001', 'UCAROL0001'];
const MB = 1024 * 1024;

describe('sustained ingest with slash commands', async () => {
  const figures = useFigures('load');
  const app = await startTestApp({ env: RELIABILITY_ENV });
  afterAll(() => app.stop());
  const { db, collections } = app.service.deps;

  it('acks slash commands within 1 s at p99 while OTLP ingest runs, without losing an event', async () => {
    const baseline = process.memoryUsage().rss;
    let peakRss = baseline;
    let peakHeap = 0;
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      peakRss = Math.max(peakRss, usage.rss);
      peakHeap = Math.max(peakHeap, usage.heapUsed);
    }, 100);

    const ingest = { batches: 0, accepted: 0, busy: 0, failed: 0, otherStatuses: new Set<string>() };
    const ingestMs: number[] = [];
    const ackMs: number[] = [];
    const commandFailures: string[] = [];
    const deadline = Date.now() + DURATION_MS;

    const client = async (index: number) => {
      let n = 0;
      while (Date.now() < deadline) {
        const spec = {
          sessionId: `load-${index}-${Math.floor(n / 10)}`,
          email: `load${index}@example.com`,
          requests: Array.from({ length: EVENTS_PER_BATCH }, () => ({ costUsd: 0.001 })),
          content: false,
        };
        const request = otlpLogs(spec);
        const protobuf = n % 2 === 1;
        const body = protobuf ? encodeLogsRequest(request) : JSON.stringify(request);
        n += 1;
        const response = await rawPost(
          app.baseUrl,
          '/v1/logs',
          body,
          otlpHeaders(protobuf ? 'protobuf' : 'json'),
        );
        ingest.batches += 1;
        ingestMs.push(response.ms);
        if (response.status === 200) ingest.accepted += EVENTS_PER_BATCH;
        else if (response.status === 429 || response.status === 503) {
          ingest.busy += 1;
          await sleep(Number(response.headers['retry-after'] ?? 1) * 100);
        } else {
          ingest.failed += 1;
          ingest.otherStatuses.add(String(response.status));
        }
      }
    };

    const commands = async () => {
      const pending: Promise<void>[] = [];
      let i = 0;
      while (Date.now() < deadline) {
        const text = COMMANDS[i % COMMANDS.length]!;
        const user = USERS[i % USERS.length]!;
        i += 1;
        const body = formBody(commandFields(text, user, app.slack.responseUrl(nextId('load'))));
        pending.push(
          rawPost(
            app.baseUrl,
            '/slack/events',
            body,
            slackHeaders(body, 'application/x-www-form-urlencoded'),
          ).then((r) => {
            ackMs.push(r.ms);
            if (r.status !== 200) commandFailures.push(`${text}: ${r.status}`);
          }),
        );
        await sleep(COMMAND_EVERY_MS);
      }
      await Promise.all(pending);
    };

    const started = Date.now();
    await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(i)), commands()]);
    const elapsed = (Date.now() - started) / 1000;
    await settle(db, { quietMs: 200, timeoutMs: 10_000 });
    clearInterval(sampler);

    const stored = await collections.usageEvents.countDocuments({ sessionKey: /^load-/ });
    const [sessions] = await collections.sessions
      .aggregate<{ calls: number }>([
        { $match: { sessionKey: /^load-/ } },
        { $group: { _id: null, calls: { $sum: '$apiRequests' } } },
      ])
      .toArray();
    figures.report('duration s', Math.round(elapsed * 10) / 10);
    figures.report('OTLP clients × events per batch', `${CLIENTS} × ${EVENTS_PER_BATCH}`);
    figures.report('OTLP batches sent', ingest.batches);
    figures.report('events accepted', ingest.accepted);
    figures.report('events per second', Math.round(ingest.accepted / elapsed));
    figures.report('ingest answers 429/503 (retried)', ingest.busy);
    figures.report(
      'ingest latency p50 / p99 ms',
      `${Math.round(percentile(ingestMs, 50))} / ${Math.round(percentile(ingestMs, 99))}`,
    );
    figures.report('slash commands sent', ackMs.length);
    figures.report(
      'ack p50 / p95 / max ms',
      `${Math.round(percentile(ackMs, 50))} / ${Math.round(percentile(ackMs, 95))} / ${Math.round(percentile(ackMs, 100))}`,
    );
    figures.report('RSS at start MB', Math.round(baseline / MB));
    figures.report('peak heap used MB', Math.round(peakHeap / MB));
    figures.expect('slash-command ack p99 ms', Math.round(percentile(ackMs, 99)), { max: 1000 });
    figures.expect(
      'slash commands not acknowledged with 200',
      commandFailures.length,
      { eq: 0 },
      commandFailures.slice(0, 5),
    );
    figures.expect('ingest answers other than 200/429/503', ingest.failed, { eq: 0 }, [
      ...ingest.otherStatuses,
    ]);
    figures.expect('events lost (accepted − stored)', Math.max(0, ingest.accepted - stored), { eq: 0 });
    figures.expect('events duplicated (stored − accepted)', Math.max(0, stored - ingest.accepted), { eq: 0 });
    figures.expect('session call count − accepted', (sessions?.calls ?? 0) - ingest.accepted, { eq: 0 });
    figures.expect('peak RSS MB (service + load clients, one process)', Math.round(peakRss / MB), {
      max: 1024,
    });
  });
});
