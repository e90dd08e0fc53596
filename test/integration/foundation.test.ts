import { describe, expect, it } from 'vitest';
import { HEARTBEAT_JOB } from '../../jobs/heartbeat.ts';
import { eventually, SIGNING_SECRET, startTestApp, useTestApp } from '../support/harness.ts';
import { slackSignature } from '../support/slack-signing.ts';

describe('foundation: HTTP, Slack signing, App Home, jobs', async () => {
  const app = await useTestApp();

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${app.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', problems: [] });
  });

  it('answers unknown routes with 404 JSON', async () => {
    const response = await fetch(`${app.baseUrl}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
    const wrongMethod = await fetch(`${app.baseUrl}/healthz`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
  });

  it('answers a signed /ai-roi help ephemerally through response_url', async () => {
    const before = app.slack.responses.length;
    const response = await app.command('help');
    expect(response.status).toBe(200);
    const answer = await eventually(() => app.slack.responses.slice(before).at(0), {
      message: 'help answer',
    });
    expect(answer.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.body)).toContain('/ai-roi summary');
  });

  it('rejects unsigned, wrongly signed and stale Slack requests with 401 and processes nothing', async () => {
    const before = app.slack.responses.length;
    const body = new URLSearchParams({ command: '/ai-roi', text: 'help', user_id: 'UALICE0001' }).toString();
    const unsigned = await app.post('/slack/events', body, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(unsigned.status).toBe(401);
    const wrong = await app.postSlack(body, 'application/x-www-form-urlencoded', {
      secret: 'not-the-secret',
    });
    expect(wrong.status).toBe(401);
    const stale = await app.postSlack(body, 'application/x-www-form-urlencoded', {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    // A signature over a different body than the one sent.
    const ts = Math.floor(Date.now() / 1000);
    const swapped = await app.post('/slack/events', body, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(SIGNING_SECRET, ts, `${body}&extra=1`),
    });
    expect(swapped.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(app.slack.responses.length).toBe(before);
  });

  it('publishes the App Home when a user opens it', async () => {
    const response = await app.event({
      type: 'app_home_opened',
      user: 'UBOB000001',
      tab: 'home',
      channel: 'DBOB',
    });
    expect(response.status).toBe(200);
    const view = await eventually(() => app.slack.lastViewFor('UBOB000001'), { message: 'views.publish' });
    expect(view.view.type).toBe('home');
    expect(app.slack.callsTo('views.publish').at(-1)?.token).toBe(app.config.SLACK_BOT_TOKEN);
  });

  it('runs an agenda job through the real scheduler', async () => {
    await app.service.deps.agenda.now(HEARTBEAT_JOB);
    const beat = await eventually(
      () => app.service.deps.collections.heartbeats.findOne({ _id: HEARTBEAT_JOB }),
      {
        message: 'heartbeat run',
      },
    );
    expect(beat.runs).toBeGreaterThanOrEqual(1);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting requests, drains jobs and closes the database client', async () => {
    const app = await startTestApp();
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
    await app.stop();
    await expect(fetch(`${app.baseUrl}/healthz`)).rejects.toThrow();
    expect(app.service.app.readiness.agendaRunning).toBe(false);
    await expect(app.service.deps.collections.heartbeats.findOne({})).rejects.toThrow();
  });
});
