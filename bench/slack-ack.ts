import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { signedSlackHeaders } from '../test/support/slack-signing.ts';
import { type BenchContext, percentile } from './support.ts';

/**
 * Signed slash-command ack latency: the full ai-roi app (real Bolt, real database, fake Slack API)
 * against a bare Bolt app that only acks, in the same run, sequential requests.
 */
export async function benchSlackAck(ctx: BenchContext): Promise<void> {
  const requests = ctx.quick ? 200 : 1000;
  const secret = 'bench-signing-secret';
  const bare = await startBareBolt(secret);
  const app = await ctx.startApp({ signingSecret: secret });
  const body = (responseUrl: string) =>
    new URLSearchParams({
      command: '/ai-roi',
      text: 'help',
      user_id: 'UALICE0001',
      team_id: 'T0000TEST',
      channel_id: 'CLEADERS01',
      response_url: responseUrl,
      trigger_id: 'trigger',
    }).toString();

  const measure = async (url: string) => {
    const latencies: number[] = [];
    for (let i = 0; i < requests; i++) {
      const payload = body(app.slack.responseUrl());
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        body: payload,
        headers: signedSlackHeaders(secret, payload, 'application/x-www-form-urlencoded'),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`ack failed with ${response.status}`);
      latencies.push(performance.now() - started);
    }
    return latencies;
  };
  const bareLatencies = await measure(`${bare.url}/slack/events`);
  const appLatencies = await measure(`${app.baseUrl}/slack/events`);
  await bare.stop();
  await app.stop();
  const row = (name: string, values: number[]) => ({
    name,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
  });
  const bareRow = row('bare Bolt app (ack only)', bareLatencies);
  const appRow = row('ai-roi /ai-roi help', appLatencies);
  ctx.report('Slack slash-command ack latency (ms, sequential, signed)', [
    { ...bareRow, ratio: '1.00×' },
    { ...appRow, ratio: `${(appRow.p99 / bareRow.p99).toFixed(2)}× p99` },
  ]);
  ctx.check('ack p99 < 1000 ms (Slack allows 3000 ms)', appRow.p99 < 1000);
}

async function startBareBolt(signingSecret: string) {
  const receiver = new HTTPReceiver({ signingSecret });
  const app = new App({
    receiver,
    token: 'xoxb-bare',
    tokenVerificationEnabled: false,
    botId: 'B1',
    botUserId: 'U1',
  });
  app.command('/ai-roi', async ({ ack }) => {
    await ack();
  });
  const server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
